import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  DataFormatError,
  InvalidParameterError,
  EstimatorInputError,
  Random,
  fromRows,
  makeBlobs,
  parseCsv,
  formatCsv,
  portableLog,
  readCsv,
  trainTestSplit,
  trainTestSplitIndices,
  writeCsv,
  asDenseMatrix,
  toMlMatrix,
  GaussianNB,
} from '../src/index.js';
import { loadData, sharedUrl } from './core-fixtures.js';

describe('Random', () => {
  it('follows xoshiro128** seeded by splitmix32 (values from an independent Python implementation)', () => {
    const r = new Random(42);
    expect(Array.from({ length: 6 }, () => r.nextUint32())).toEqual([
      2837322924, 544945897, 479756282, 3500138142, 339756180, 113173290,
    ]);
    const u = new Random(42);
    expect([u.next(), u.next()]).toEqual([0.6606157208001621, 0.1117019639532224]);
  });

  it('portableLog is bit-identical to fdlibm (V8 Math.log) over many magnitudes', () => {
    const r = new Random(1);
    for (let i = 0; i < 20000; i++) {
      const x = r.next() * 2 ** (r.int(2000) - 1000) + Number.MIN_VALUE;
      expect(portableLog(x)).toBe(Math.log(x));
    }
    expect(portableLog(1)).toBe(0);
    expect(portableLog(0)).toBe(-Infinity);
  });

  it('normals have mean 0 and variance 1; int, sample and permutation stay in range', () => {
    const r = new Random(7);
    let s = 0;
    let s2 = 0;
    const n = 200000;
    for (let i = 0; i < n; i++) {
      const v = r.normal();
      s += v;
      s2 += v * v;
    }
    expect(Math.abs(s / n)).toBeLessThan(0.01);
    expect(Math.abs(s2 / n - 1)).toBeLessThan(0.01);
    const counts = new Array(5).fill(0);
    for (let i = 0; i < 50000; i++) counts[r.int(5)]++;
    for (const c of counts) expect(Math.abs(c - 10000)).toBeLessThan(400);
    expect(Array.from(r.permutation(10)).sort((a, b) => a - b)).toEqual([
      0, 1, 2, 3, 4, 5, 6, 7, 8, 9,
    ]);
    const smp = r.sample(100, 10);
    expect(new Set(smp).size).toBe(10);
    expect(() => new Random(NaN)).toThrow(RangeError);
  });
});

describe('makeBlobs', () => {
  it('is reproducible with a seed and returns its centres', () => {
    const a = makeBlobs({ n: 1000, dim: 3, k: 6, std: 3, seed: 2 });
    const b = makeBlobs({ n: 1000, dim: 3, k: 6, std: 3, seed: 2 });
    const c = makeBlobs({ n: 1000, dim: 3, k: 6, std: 3, seed: 3 });
    expect(a.X.data).toEqual(b.X.data);
    expect(a.y).toEqual(b.y);
    expect(a.X.data).not.toEqual(c.X.data);
    expect(a.centers.rows).toBe(6);
    expect(a.featureNames).toEqual(['x', 'y', 'z']);
    expect(a.classNames).toEqual(['0', '1', '2', '3', '4', '5']);
    for (const v of a.centers.data) expect(Math.abs(v)).toBeLessThanOrEqual(10);
  });

  it('draws each cluster around its centre with the given spread and sizes', () => {
    const centers = [
      [0, 0],
      [100, -50],
    ];
    const { X, y } = makeBlobs({ n: 20001, dim: 2, centers, std: [1, 4], seed: 5 });
    const stats = [0, 1].map((c) => {
      const xs: number[] = [];
      for (let i = 0; i < y.length; i++) if (y[i] === c) xs.push(X.data[2 * i]);
      const mean = xs.reduce((a, b) => a + b) / xs.length;
      const sd = Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / xs.length);
      return { n: xs.length, mean, sd };
    });
    expect(stats.map((s) => s.n)).toEqual([10001, 10000]);
    expect(stats[0].mean).toBeCloseTo(0, 1);
    expect(stats[1].mean).toBeCloseTo(100, 0);
    expect(stats[0].sd).toBeCloseTo(1, 1);
    expect(stats[1].sd).toBeCloseTo(4, 1);
    const grouped = makeBlobs({ n: 10, dim: 1, k: 2, shuffle: false });
    expect(Array.from(grouped.y)).toEqual([0, 0, 0, 0, 0, 1, 1, 1, 1, 1]);
  });

  it('refuses invalid options', () => {
    expect(() => makeBlobs({ n: 0, dim: 2 })).toThrow(InvalidParameterError);
    expect(() => makeBlobs({ n: 10, dim: 2, std: NaN })).toThrow(/std\[0\].*finite/);
    expect(() => makeBlobs({ n: 10, dim: 2, centers: [[1, 2, 3]] })).toThrow(/centers/);
    expect(() => makeBlobs({ n: 10, dim: 2, k: 2, std: [1] })).toThrow(/one value per centre/);
    expect(() => makeBlobs({ n: 10, dim: 2, sigma: 1 } as never)).toThrow(/unknown parameter/);
  });
});

describe('CSV', () => {
  it('reads the shared data with features, labels and names', async () => {
    const d = await loadData('blobs3d_5k.train');
    expect(d.X.rows).toBe(4000);
    expect(d.X.cols).toBe(3);
    expect(d.featureNames).toEqual(['x', 'y', 'z']);
    expect(d.classNames).toEqual(['0', '1', '2', '3', '4', '5']);
    expect(Array.from(d.X.data.subarray(0, 3))).toEqual([-5.093645, -7.819377, -8.231781]);
    expect(d.y[0]).toBe(2);
  });

  it('maps string labels to sorted class indices and honours given class names', () => {
    const text = 'a,b,species\n1,2,virginica\n3,4,setosa\r\n5,6,"versi,color"\n\n';
    const d = parseCsv(text, { label: 'species' });
    expect(d.classNames).toEqual(['setosa', 'versi,color', 'virginica']);
    expect(Array.from(d.y)).toEqual([2, 0, 1]);
    expect(Array.from(d.X.data)).toEqual([1, 2, 3, 4, 5, 6]);
    const fixed = parseCsv(text, {
      label: 'species',
      classNames: ['virginica', 'setosa', 'versi,color', 'other'],
    });
    expect(Array.from(fixed.y)).toEqual([0, 1, 2]);
    expect(() => parseCsv(text, { classNames: ['setosa'] })).toThrow(
      /"virginica" \(data row 1\) is not one of/,
    );
    const numeric = parseCsv('x,label\n1,10\n2,9\n3,100\n');
    expect(numeric.classNames).toEqual(['9', '10', '100']);
  });

  it('round-trips through writeCsv/readCsv exactly', async () => {
    const blobs = makeBlobs({ n: 300, dim: 2, k: 3, seed: 9 });
    const dir = await mkdtemp(join(tmpdir(), 'tideflow-csv-'));
    try {
      const file = join(dir, 'blobs.csv');
      await writeCsv(file, blobs, { label: 'cluster' });
      const back = await readCsv(file, { label: 'cluster' });
      expect(back.X.data).toEqual(blobs.X.data);
      expect(back.y).toEqual(blobs.y);
      expect(back.featureNames).toEqual(['x', 'y']);
    } finally {
      await rm(dir, { recursive: true });
    }
    const named = {
      X: fromRows([[1.5]]),
      y: Int32Array.from([0]),
      featureNames: ['f'],
      classNames: ['a "b"'],
    };
    expect(parseCsv(formatCsv(named)).classNames).toEqual(['a "b"']);
  });

  it('reports ragged rows, non-numeric cells and a missing label column with file and line', async () => {
    const err = (text: string, label?: string) => {
      try {
        parseCsv(text, { source: 'data.csv', label });
      } catch (e) {
        expect(e).toBeInstanceOf(DataFormatError);
        return (e as Error).message;
      }
      throw new Error('no error');
    };
    expect(err('x,y,label\n1,2,0\n3,0\n')).toBe(
      'data.csv, line 3: expected 3 cells as in the header, got 2.',
    );
    expect(err('x,y,label\n1,abc,0\n')).toBe(
      'data.csv, line 2, column "y": "abc" is not a finite decimal number; if "y" is the label column, name it (label option, --label y).',
    );
    expect(err('x,y,label\n1,,0\n')).toMatch(
      /line 2, column "y": "" is not a finite decimal number\.$/,
    );
    expect(err('x,y,label\n1,2,0\n', 'cluster')).toBe(
      'data.csv: no label column "cluster"; the columns are "x", "y", "label".',
    );
    expect(err('')).toMatch(/empty file/);
    await expect(
      readCsv(sharedUrl('data/blobs2d_5k.train.csv'), { label: 'nope' }),
    ).rejects.toThrow(/blobs2d_5k\.train\.csv: no label column "nope"/);
  });
});

describe('trainTestSplit', () => {
  it('is stratified, disjoint, complete and reproducible', async () => {
    const data = await loadData('blobs2d_5k.train');
    const { train, test } = trainTestSplit(data, { testSize: 0.2, seed: 1 });
    expect(test.X.rows).toBe(800);
    expect(train.X.rows).toBe(3200);
    const count = (y: Int32Array, c: number) => y.filter((v) => v === c).length;
    for (let c = 0; c < 5; c++) {
      expect(Math.abs(count(test.y, c) - count(data.y, c) * 0.2)).toBeLessThanOrEqual(1);
    }
    const idx = trainTestSplitIndices(data.y, { testSize: 0.2, seed: 1 });
    const all = [...idx.train, ...idx.test].sort((a, b) => a - b);
    expect(all).toEqual(Array.from({ length: 4000 }, (_, i) => i));
    expect(idx).toEqual(trainTestSplitIndices(data.y, { testSize: 0.2, seed: 1 }));
    expect(idx.test).not.toEqual(trainTestSplitIndices(data.y, { testSize: 0.2, seed: 2 }).test);
    expect(trainTestSplitIndices(data.y, { testSize: 100, stratify: false }).test.length).toBe(100);
  });

  it('refuses sizes that leave a part empty and classes too small to stratify', () => {
    expect(() => trainTestSplitIndices([0, 1, 0, 1], { testSize: 4 })).toThrow(EstimatorInputError);
    expect(() => trainTestSplitIndices([0, 1, 0, 1], { testSize: 0 })).toThrow(
      InvalidParameterError,
    );
    expect(() => trainTestSplitIndices([0, 1, 0, 0], { testSize: 0.5 })).toThrow(
      /class 1 has only 1 row/,
    );
    expect(
      trainTestSplitIndices([0, 1, 0, 0], { testSize: 0.5, stratify: false }).test.length,
    ).toBe(2);
  });
});

describe('ml-matrix interop', () => {
  it('converts to and from ml-matrix and fits on the result', async () => {
    const { Matrix } = await import('ml-matrix');
    const m = new Matrix([
      [1, 2],
      [3, 4],
      [5, 6],
    ]);
    const X = asDenseMatrix(m);
    expect(Array.from(X.data)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(X.rows).toBe(3);
    expect(toMlMatrix(X).to2DArray()).toEqual(m.to2DArray());
    expect(asDenseMatrix([[7, 8]]).data).toEqual(Float64Array.from([7, 8]));
    expect(asDenseMatrix(X)).toBe(X);
    const nb = new GaussianNB().fit(asDenseMatrix(m), Int32Array.from([0, 0, 1]));
    expect(nb.predict(asDenseMatrix(new Matrix([[5, 6]])))[0]).toBe(1);
  });
});
