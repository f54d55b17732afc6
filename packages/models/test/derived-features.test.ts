import { describe, expect, it } from 'vitest';
import { denseMatrix, fromRows } from '../src/data/matrix.js';
import { estimatorFromJSON } from '../src/estimators/estimator-registry.js';
import { DerivedFeatures } from '../src/features/derived.js';

describe('DerivedFeatures', () => {
  const X = fromRows([
    [3, 4, Math.PI],
    [1, -2, -Math.PI / 2],
  ]);

  it('adds squares, products, ratios, the norm and sin/cos of angles, named after the inputs', () => {
    const d = new DerivedFeatures({ angles: [2], ratios: true }).fit(X);
    expect(d.featureNamesOut(['a', 'b', 'phi'])).toEqual([
      'a',
      'b',
      'sin(phi)',
      'cos(phi)',
      'a^2',
      'b^2',
      'a*b',
      'a/b',
      'b/a',
      'norm',
    ]);
    const out = d.transform(X);
    expect(out.cols).toBe(10);
    const row0 = Array.from(out.data.subarray(0, 10));
    const expected0 = [3, 4, Math.sin(Math.PI), Math.cos(Math.PI), 9, 16, 12, 0.75, 4 / 3, 5];
    row0.forEach((v, j) => expect(v).toBeCloseTo(expected0[j], 12));
    const row1 = Array.from(out.data.subarray(10, 20));
    expect(row1[2]).toBeCloseTo(-1, 12);
    expect(row1[3]).toBeCloseTo(0, 12);
    expect(row1[9]).toBeCloseTo(Math.sqrt(5), 12);
  });

  it('maps angles on either side of the wrap-around to nearby points', () => {
    const d = new DerivedFeatures({
      angles: [0],
      keepOriginal: false,
      squares: false,
      products: false,
      norm: false,
    });
    const out = d
      .fit(fromRows([[Math.PI - 1e-3], [-Math.PI + 1e-3]]))
      .transform(fromRows([[Math.PI - 1e-3], [-Math.PI + 1e-3]]));
    expect(Math.hypot(out.data[0] - out.data[2], out.data[1] - out.data[3])).toBeLessThan(3e-3);
  });

  it('sets a ratio with a zero denominator to 0 rather than Infinity', () => {
    const d = new DerivedFeatures({
      ratios: true,
      products: false,
      squares: false,
      norm: false,
    }).fit(fromRows([[1, 0]]));
    expect(Array.from(d.transform(fromRows([[1, 0]])).data)).toEqual([1, 0, 0, 0]);
  });

  it('round-trips through JSON and refuses bad parameters and inputs', () => {
    const d = new DerivedFeatures({ angles: [2] }).fit(X);
    const copy = estimatorFromJSON(JSON.parse(JSON.stringify(d.toJSON()))) as DerivedFeatures;
    expect(Array.from(copy.transform(X).data)).toEqual(Array.from(d.transform(X).data));
    expect(() => new DerivedFeatures({ angles: [5] }).fit(X)).toThrow(
      expect.objectContaining({ code: 'INVALID_PARAMETER' }),
    );
    expect(() => new DerivedFeatures({ angles: [1, 1] })).toThrow(/twice/);
    expect(() => new DerivedFeatures({ angles: [-1] })).toThrow(
      expect.objectContaining({ parameter: 'angles' }),
    );
    expect(() => d.transform(denseMatrix(1, 2))).toThrow(
      expect.objectContaining({ code: 'ESTIMATOR_INPUT' }),
    );
    expect(() => new DerivedFeatures().transform(X)).toThrow(
      expect.objectContaining({ code: 'NOT_FITTED' }),
    );
    expect(() =>
      new DerivedFeatures({ keepOriginal: false, squares: false, products: false, norm: false })
        .fit(X)
        .transform(X),
    ).toThrow(/no output column/);
  });
});
