import { describe, expect, it } from 'vitest';
import { defaultSerializers } from '@tideflow/core';
import {
  CoordinateTransformer,
  EstimatorInputError,
  GaussianNB,
  InvalidParameterError,
  KNeighborsClassifier,
  NotFittedError,
  Pipeline,
  StandardScaler,
  accuracy,
  cartesianToPolar,
  cartesianToSpherical,
  estimatorFromJSON,
  fromRows,
  polarToCartesian,
  sphericalToCartesian,
} from '../src/index.js';
import { fixture, loadData, maxDiff } from './core-fixtures.js';

const fx = fixture('transforms');

describe('coordinate transforms (transforms.json conventions)', () => {
  it('cartesian → polar and back', () => {
    const X = fromRows(fx.cartesian2d);
    const P = cartesianToPolar(X);
    expect(maxDiff(P.data, (fx.polar as number[][]).flat())).toBeLessThan(1e-9);
    expect(maxDiff(polarToCartesian(P).data, X.data)).toBeLessThan(1e-12);
  });

  it('cartesian → spherical and back', () => {
    const X = fromRows(fx.cartesian3d);
    const S = cartesianToSpherical(X);
    expect(maxDiff(S.data, (fx.spherical as number[][]).flat())).toBeLessThan(1e-9);
    expect(maxDiff(sphericalToCartesian(S).data, X.data)).toBeLessThan(1e-12);
  });

  it('handles the origin and the poles without NaN', () => {
    const S = cartesianToSpherical(
      fromRows([
        [0, 0, 0],
        [0, 0, 2],
        [0, 0, -3],
      ]),
    );
    expect(Array.from(S.data)).toEqual([0, 0, 0, 2, 0, 0, 3, Math.PI, 0]);
  });

  it('CoordinateTransformer picks the system from the column count and names its outputs', () => {
    const t2 = new CoordinateTransformer().fit(fromRows(fx.cartesian2d));
    expect(t2.featureNamesOut(['x', 'y'])).toEqual(['r', 'phi']);
    const t3 = new CoordinateTransformer().fit(fromRows(fx.cartesian3d));
    expect(t3.featureNamesOut(['x', 'y', 'z'])).toEqual(['r', 'theta', 'phi']);
    const X = fromRows(fx.cartesian3d);
    expect(maxDiff(t3.inverseTransform(t3.transform(X)).data, X.data)).toBeLessThan(1e-12);
    expect(() => new CoordinateTransformer({ system: 'polar' }).fit(X)).toThrow(
      /polar coordinates need 2 columns/,
    );
    expect(() => t3.transform(fromRows([[1, 2]]))).toThrow(EstimatorInputError);
    expect(() => new CoordinateTransformer({ system: 'cylindrical' as never })).toThrow(
      InvalidParameterError,
    );
  });
});

describe('StandardScaler', () => {
  it('gives zero mean and unit population variance, and inverts', () => {
    const X = fromRows([
      [1, 10],
      [2, 20],
      [3, 60],
    ]);
    const s = new StandardScaler().fit(X);
    const Z = s.transform(X);
    for (let j = 0; j < 2; j++) {
      const col = [Z.data[j], Z.data[2 + j], Z.data[4 + j]];
      const mean = col.reduce((a, b) => a + b) / 3;
      expect(mean).toBeCloseTo(0, 12);
      expect(col.reduce((a, b) => a + (b - mean) ** 2, 0) / 3).toBeCloseTo(1, 12);
    }
    expect(Array.from(s.fitted.mean)).toEqual([2, 30]);
    expect(s.fitted.scale[0]).toBeCloseTo(Math.sqrt(2 / 3), 14);
    expect(maxDiff(s.inverseTransform(Z).data, X.data)).toBeLessThan(1e-12);
  });

  it('leaves constant features unscaled (no NaN) and honours withMean/withStd', () => {
    const X = fromRows([
      [5, 1],
      [5, 2],
      [5, 3],
    ]);
    const Z = new StandardScaler().fit(X).transform(X);
    expect(Array.from(Z.data).every(Number.isFinite)).toBe(true);
    expect([Z.data[0], Z.data[2], Z.data[4]]).toEqual([0, 0, 0]);
    const noMean = new StandardScaler({ withMean: false }).fit(X).transform(X);
    expect(noMean.data[0]).toBe(5);
    const noStd = new StandardScaler({ withStd: false }).fit(X).transform(X);
    expect(Array.from(noStd.data)).toEqual([0, -1, 0, 0, 0, 1]);
  });

  it('refuses NaN input, a wrong width and transform before fit', () => {
    expect(() => new StandardScaler().fit(fromRows([[NaN]]))).toThrow(
      /^StandardScaler: X contains NaN/,
    );
    const s = new StandardScaler().fit(fromRows([[1, 2]]));
    expect(() => s.transform(fromRows([[1]]))).toThrow(
      /1 features but the model was fitted with 2/,
    );
    expect(() => new StandardScaler().transform(fromRows([[1]]))).toThrow(NotFittedError);
    expect(() => new StandardScaler({ withMean: 'yes' as never })).toThrow(InvalidParameterError);
  });
});

describe('Pipeline', () => {
  const make = () =>
    new Pipeline({
      steps: [
        ['sph', new CoordinateTransformer()],
        ['scale', new StandardScaler()],
        ['knn', new KNeighborsClassifier({ nNeighbors: 15 })],
      ],
    });

  it('equals running its steps by hand, and is itself a classifier', async () => {
    const [train, test] = await Promise.all([
      loadData('blobs3d_5k.train'),
      loadData('blobs3d_5k.test'),
    ]);
    const pipe = make().fit(train.X, train.y);
    const t = new CoordinateTransformer().fit(train.X);
    const s = new StandardScaler().fit(t.transform(train.X));
    const knn = new KNeighborsClassifier({ nNeighbors: 15 }).fit(
      s.transform(t.transform(train.X)),
      train.y,
    );
    const expected = knn.predictProba(s.transform(t.transform(test.X)));
    expect(maxDiff(pipe.predictProba(test.X).data, expected.data)).toBe(0);
    expect(Array.from(pipe.classes)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(pipe.featureNamesOut(['x', 'y', 'z'])).toEqual(['r', 'theta', 'phi']);
    expect(accuracy(test.y, pipe.predict(test.X))).toBeGreaterThan(0.8);
  });

  it('exposes and accepts nested <step>__<param> parameters', () => {
    const pipe = make();
    expect(pipe.params['knn__nNeighbors']).toBe(15);
    expect(pipe.params['scale__withMean']).toBe(true);
    const tuned = pipe.withParams({ knn__nNeighbors: 3, knn__weights: 'distance' });
    expect((tuned.namedSteps.knn as KNeighborsClassifier).params).toMatchObject({
      nNeighbors: 3,
      weights: 'distance',
    });
    expect(tuned.namedSteps.knn).not.toBe(pipe.namedSteps.knn);
    expect(pipe.params['knn__nNeighbors']).toBe(15);
    expect(() => pipe.withParams({ svm__C: 1 })).toThrow(/no step named "svm"/);
    expect(() => pipe.withParams({ knn__k: 1 })).toThrow(/unknown parameter/);
  });

  it('round-trips fitted through JSON text and the tideflow serializer', async () => {
    const [train, test] = await Promise.all([
      loadData('blobs3d_5k.train'),
      loadData('blobs3d_5k.test'),
    ]);
    const pipe = new Pipeline({
      steps: [
        ['scale', new StandardScaler()],
        ['nb', new GaussianNB()],
      ],
    }).fit(train.X, train.y);
    const expected = pipe.predictProba(test.X).data;
    const a = estimatorFromJSON(JSON.parse(JSON.stringify(pipe))) as Pipeline;
    expect(a).toBeInstanceOf(Pipeline);
    expect(maxDiff(a.predictProba(test.X).data, expected)).toBe(0);
    const b = defaultSerializers.deserialize(defaultSerializers.serialize(pipe)) as Pipeline;
    expect(maxDiff(b.predictProba(test.X).data, expected)).toBe(0);
    const unfitted = estimatorFromJSON(make().toJSON()) as Pipeline;
    expect(unfitted.isFitted).toBe(false);
    expect(() => unfitted.predict(test.X)).toThrow(NotFittedError);
  });

  it('refuses malformed steps and bad data', () => {
    expect(() => new Pipeline({ steps: [] })).toThrow(InvalidParameterError);
    expect(() => new Pipeline({ steps: [['scale', new StandardScaler()]] })).toThrow(
      /must be a classifier/,
    );
    expect(
      () =>
        new Pipeline({
          steps: [
            ['nb', new GaussianNB()],
            ['nb2', new GaussianNB()],
          ],
        }),
    ).toThrow(/must be a transformer/);
    expect(
      () =>
        new Pipeline({
          steps: [
            ['a__b', new StandardScaler()],
            ['nb', new GaussianNB()],
          ],
        }),
    ).toThrow(/free of "__"/);
    expect(
      () =>
        new Pipeline({
          steps: [
            ['x', new StandardScaler()],
            ['x', new GaussianNB()],
          ],
        }),
    ).toThrow(/unique/);
    const pipe = make();
    expect(() => pipe.fit(fromRows([[1, 2, 3]]), Int32Array.from([0, 1]))).toThrow(
      /^Pipeline: X has 1 rows but y has 2/,
    );
    expect(() =>
      pipe.fit(
        fromRows([
          [1, 2, NaN],
          [1, 1, 1],
        ]),
        Int32Array.from([0, 1]),
      ),
    ).toThrow(/^Pipeline: X contains NaN/);
  });
});
