import { describe, expect, it } from 'vitest';
import KNN from 'ml-knn';
import { defaultSerializers } from '@tideflow/core';
import {
  EstimatorInputError,
  InvalidParameterError,
  KDTree,
  KNeighborsClassifier,
  NotFittedError,
  Random,
  accuracy,
  denseMatrix,
  estimatorFromJSON,
  fromRows,
  takeRows,
} from '../src/index.js';
import type { DenseMatrix } from '../src/index.js';
import { BruteForceNeighbors } from '../src/estimators/brute-neighbors.js';
import { neighborIndex } from '../src/estimators/neighbor-index.js';
import { agreement, fixture, loadData, maxDiff } from './core-fixtures.js';

const first = (X: DenseMatrix, n: number) =>
  takeRows(
    X,
    Array.from({ length: n }, (_, i) => i),
  );
const toRows = (X: DenseMatrix) =>
  Array.from({ length: X.rows }, (_, i) =>
    Array.from(X.data.subarray(i * X.cols, (i + 1) * X.cols)),
  );

describe('KNeighborsClassifier parity with scikit-learn (blobs3d_5k)', () => {
  for (const name of ['knn_k1', 'knn_k15']) {
    it(`${name}: equal accuracy and equal probabilities on the first 50 test rows`, async () => {
      const fx = fixture(name);
      const [train, test] = await Promise.all([
        loadData('blobs3d_5k.train'),
        loadData('blobs3d_5k.test'),
      ]);
      const knn = new KNeighborsClassifier({ nNeighbors: fx.k }).fit(train.X, train.y);
      expect(accuracy(test.y, knn.predict(test.X))).toBe(fx.accuracy_test);
      const p = knn.predictProba(first(test.X, 50));
      expect(maxDiff(p.data, (fx.predict_proba_test_first50 as number[][]).flat())).toBeLessThan(
        1e-9,
      );
    });
  }

  it('reaches scikit-learn kNN15 accuracy 0.8314 within 0.5 points on blobs3d_100k', async () => {
    const [train, test] = await Promise.all([
      loadData('blobs3d_100k.train'),
      loadData('blobs3d_100k.test'),
    ]);
    const acc = accuracy(
      test.y,
      new KNeighborsClassifier({ nNeighbors: 15 }).fit(train.X, train.y).predict(test.X),
    );
    expect(Math.abs(acc - 0.8314)).toBeLessThanOrEqual(0.005);
  });

  it('predicts as ml-knn does (independent implementation) on a small case', async () => {
    const [train, test] = await Promise.all([
      loadData('blobs2d_5k.train'),
      loadData('blobs2d_5k.test'),
    ]);
    const tr = takeRows(
      train.X,
      Array.from({ length: 600 }, (_, i) => i),
    );
    const ytr = train.y.slice(0, 600);
    const te = first(test.X, 200);
    const ours = new KNeighborsClassifier({ nNeighbors: 5 }).fit(tr, ytr).predict(te);
    const theirs = new KNN(toRows(tr), Array.from(ytr), { k: 5 }).predict(toRows(te));
    expect(agreement(ours, theirs)).toBeGreaterThanOrEqual(0.99);
  });
});

describe('BruteForceNeighbors (many dimensions)', () => {
  const rng = new Random(5);
  const gaussian = (n: number, d: number, scale = 1) =>
    denseMatrix(
      n,
      d,
      Float64Array.from({ length: n * d }, () => scale * rng.normal()),
    );

  it('returns the k-d tree’s neighbours and distances, bit for bit, in 20 to 64 dimensions', () => {
    for (const [n, d, k] of [
      [300, 20, 5],
      [500, 64, 31],
      [64, 37, 64],
    ]) {
      const X = gaussian(n, d);
      // Duplicated points: their distances tie, and a query equal to a point is at distance 0.
      X.data.set(X.data.subarray(0, 5 * d), 5 * d);
      const Q = gaussian(40, d, 1.3);
      Q.data.set(X.data.subarray(0, d), 0);
      const tree = new KDTree(X, 8).query(Q, k);
      const brute = new BruteForceNeighbors(X).query(Q, k);
      expect([...brute.distances]).toEqual([...tree.distances]);
      expect(brute.distances[0]).toBe(0);
      // The same set of neighbours for each query (ties may be listed in another order).
      for (let q = 0; q < Q.rows; q++) {
        const row = (nb: typeof tree) => [...nb.indices.subarray(q * k, (q + 1) * k)].sort();
        const sameDistances = new Set(brute.distances.subarray(q * k, (q + 1) * k)).size === k;
        if (sameDistances) expect(row(brute)).toEqual(row(tree));
      }
    }
  });

  it('keeps points at an infinite distance until k are held', () => {
    const X = denseMatrix(3, 16, new Float64Array(48).fill(1e300));
    X.data.fill(0, 0, 16);
    const nb = new BruteForceNeighbors(X).query(denseMatrix(1, 16), 3);
    expect([...nb.indices].sort()).toEqual([0, 1, 2]);
    expect([...nb.distances]).toEqual([0, Infinity, Infinity]);
  });

  it('is what neighborIndex and KNeighborsClassifier use from 16 features (scikit-learn’s auto)', () => {
    expect(neighborIndex(gaussian(100, 15))).toBeInstanceOf(KDTree);
    expect(neighborIndex(gaussian(100, 16))).toBeInstanceOf(BruteForceNeighbors);
    // k of at least half the points: a tree would prune nothing either.
    expect(neighborIndex(gaussian(100, 3), 16, 50)).toBeInstanceOf(BruteForceNeighbors);
    const X = gaussian(200, 64);
    const y = Int32Array.from({ length: 200 }, (_, i) => i % 3);
    const knn = new KNeighborsClassifier({ nNeighbors: 7, weights: 'distance' }).fit(X, y);
    // Its votes, by brute force in 64 dimensions, are those of the exact neighbours.
    const Q = gaussian(30, 64);
    const exact = new KDTree(X).query(Q, 7);
    const proba = knn.predictProba(Q);
    for (let q = 0; q < Q.rows; q++) {
      const w = [0, 0, 0];
      for (let a = 0; a < 7; a++) w[y[exact.indices[q * 7 + a]]] += 1 / exact.distances[q * 7 + a];
      const total = w[0] + w[1] + w[2];
      for (let c = 0; c < 3; c++) expect(proba.data[q * 3 + c]).toBeCloseTo(w[c] / total, 12);
    }
  });
});

describe('KDTree', () => {
  it('finds exactly the brute-force nearest neighbours', () => {
    const rng = new Random(3);
    for (const [n, d, k] of [
      [1, 2, 1],
      [50, 1, 7],
      [997, 3, 15],
      [400, 5, 4],
    ]) {
      const X = denseMatrix(
        n,
        d,
        Float64Array.from({ length: n * d }, () => rng.normal()),
      );
      const Q = denseMatrix(
        60,
        d,
        Float64Array.from({ length: 60 * d }, () => 1.5 * rng.normal()),
      );
      const got = new KDTree(X, 8).query(Q, k);
      for (let q = 0; q < Q.rows; q++) {
        const dist = Array.from({ length: n }, (_, i) => {
          let s = 0;
          for (let j = 0; j < d; j++) s += (X.data[i * d + j] - Q.data[q * d + j]) ** 2;
          return Math.sqrt(s);
        }).sort((a, b) => a - b);
        for (let a = 0; a < k; a++) expect(got.distances[q * k + a]).toBeCloseTo(dist[a], 12);
      }
    }
  });
});

describe('KNeighborsClassifier behaviour', () => {
  const X = fromRows([[0], [1], [2], [10], [11], [12]]);
  const y = Int32Array.from([4, 4, 4, 9, 9, 9]);

  it('probabilities are neighbour fractions; distance weights favour near neighbours', () => {
    const uni = new KNeighborsClassifier({ nNeighbors: 4 }).fit(X, y);
    expect(Array.from(uni.predictProba(fromRows([[3]])).data)).toEqual([0.75, 0.25]);
    const dist = new KNeighborsClassifier({ nNeighbors: 6, weights: 'distance' }).fit(X, y);
    const p = dist.predictProba(fromRows([[9]])).data;
    const w4 = 1 / 9 + 1 / 8 + 1 / 7;
    const w9 = 1 / 1 + 1 / 2 + 1 / 3;
    expect(p[0]).toBeCloseTo(w4 / (w4 + w9), 12);
    // A query equal to a training point takes that point's class only.
    expect(Array.from(dist.predictProba(fromRows([[1]])).data)).toEqual([1, 0]);
  });

  it('breaks vote ties towards the smaller label', () => {
    const knn = new KNeighborsClassifier({ nNeighbors: 2 }).fit(
      fromRows([[0], [2]]),
      Int32Array.from([9, 4]),
    );
    expect(knn.predict(fromRows([[1]]))[0]).toBe(4);
  });

  it('kneighbors returns training indices and distances, nearest first', () => {
    const knn = new KNeighborsClassifier({ nNeighbors: 2 }).fit(X, y);
    const nb = knn.kneighbors(fromRows([[10.4]]), 3);
    expect(Array.from(nb.indices)).toEqual([3, 4, 5]);
    expect(nb.distances[0]).toBeCloseTo(0.4, 12);
  });

  it('round-trips through JSON text and the tideflow serializer', async () => {
    const [train, test] = await Promise.all([
      loadData('blobs3d_5k.train'),
      loadData('blobs3d_5k.test'),
    ]);
    const knn = new KNeighborsClassifier({ nNeighbors: 7, weights: 'distance' }).fit(
      train.X,
      train.y,
    );
    const expected = knn.predictProba(test.X).data;
    const a = estimatorFromJSON(JSON.parse(JSON.stringify(knn))) as KNeighborsClassifier;
    const b = defaultSerializers.deserialize(
      defaultSerializers.serialize(knn),
    ) as KNeighborsClassifier;
    expect(maxDiff(a.predictProba(test.X).data, expected)).toBe(0);
    expect(maxDiff(b.predictProba(test.X).data, expected)).toBe(0);
    expect(b.params).toEqual(knn.params);
  });
});

describe('KNeighborsClassifier bad input', () => {
  const X = fromRows([
    [0, 0],
    [1, 1],
    [5, 5],
    [6, 6],
  ]);
  const y = Int32Array.from([0, 0, 1, 1]);

  it('refuses k larger than the training set', () => {
    const err = (() => {
      try {
        new KNeighborsClassifier({ nNeighbors: 5 }).fit(X, y);
      } catch (e) {
        return e as EstimatorInputError;
      }
    })();
    expect(err).toBeInstanceOf(EstimatorInputError);
    expect(err?.message).toMatch(
      /^KNeighborsClassifier: nNeighbors=5 is larger than the 4 training rows/,
    );
  });

  it('refuses NaN/Infinity, zero rows, one class, mismatched y and wrong feature count', () => {
    const knn = () => new KNeighborsClassifier({ nNeighbors: 1 });
    expect(() =>
      knn().fit(
        fromRows([
          [0, NaN],
          [1, 1],
        ]),
        Int32Array.from([0, 1]),
      ),
    ).toThrow(/^KNeighborsClassifier: X contains NaN/);
    expect(() => knn().fit(fromRows([]), new Int32Array(0))).toThrow(/zero rows/);
    expect(() => knn().fit(X, Int32Array.from([1, 1, 1, 1]))).toThrow(/only one class/);
    expect(() => knn().fit(X, Int32Array.from([0, 1]))).toThrow(/4 rows but y has 2/);
    const fitted = knn().fit(X, y);
    expect(() => fitted.predict(fromRows([[1, 2, 3]]))).toThrow(/3 features .* fitted with 2/);
    expect(() => fitted.predictProba(fromRows([[Infinity, 2]]))).toThrow(EstimatorInputError);
    expect(() => knn().predict(X)).toThrow(NotFittedError);
  });

  it('refuses invalid hyper-parameters', () => {
    expect(() => new KNeighborsClassifier({ nNeighbors: 0 })).toThrow(InvalidParameterError);
    expect(() => new KNeighborsClassifier({ nNeighbors: 2.5 })).toThrow(/integer/);
    expect(() => new KNeighborsClassifier({ nNeighbors: Infinity })).toThrow(/finite/);
    expect(() => new KNeighborsClassifier({ weights: 'gaussian' as never })).toThrow(
      /'uniform', 'distance'/,
    );
  });
});
