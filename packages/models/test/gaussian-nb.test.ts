import { describe, expect, it } from 'vitest';
import { defaultSerializers } from '@tideflow/core';
import {
  EstimatorInputError,
  GaussianNB,
  InvalidParameterError,
  NotFittedError,
  accuracy,
  estimatorFromJSON,
  fromRows,
  takeRows,
} from '../src/index.js';
import { fixture, loadData, maxDiff } from './core-fixtures.js';
// ml-naivebayes is correct on 2-feature data (it only reads the first two features), so it serves
// as an independent cross-check there.
import { GaussianNB as MlGaussianNB } from 'ml-naivebayes';

const fx = fixture('gaussian_nb');

describe('GaussianNB parity with scikit-learn (blobs3d_5k)', () => {
  it('learns the same priors, means and variances (1e-9)', async () => {
    const train = await loadData('blobs3d_5k.train');
    const nb = new GaussianNB({ varSmoothing: fx.var_smoothing }).fit(train.X, train.y);
    expect(Array.from(nb.classes)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(maxDiff(nb.fitted.classPrior, fx.class_prior)).toBeLessThan(1e-9);
    expect(maxDiff(nb.fitted.theta, fx.theta.flat())).toBeLessThan(1e-9);
    expect(maxDiff(nb.fitted.variance, fx.var.flat())).toBeLessThan(1e-9);
  });

  it('gives the same probabilities on the first 50 test rows (1e-9) and the same accuracy', async () => {
    const [train, test] = await Promise.all([
      loadData('blobs3d_5k.train'),
      loadData('blobs3d_5k.test'),
    ]);
    const nb = new GaussianNB().fit(train.X, train.y);
    const first50 = takeRows(
      test.X,
      Array.from({ length: 50 }, (_, i) => i),
    );
    const proba = nb.predictProba(first50);
    expect(proba.rows).toBe(50);
    expect(proba.cols).toBe(6);
    expect(maxDiff(proba.data, fx.predict_proba_test_first50.flat())).toBeLessThan(1e-9);
    expect(accuracy(test.y, nb.predict(test.X))).toBeCloseTo(fx.accuracy_test, 12);
  });

  it('reaches scikit-learn accuracy 0.8398 within 0.5 points on blobs3d_100k', async () => {
    const [train, test] = await Promise.all([
      loadData('blobs3d_100k.train'),
      loadData('blobs3d_100k.test'),
    ]);
    const acc = accuracy(test.y, new GaussianNB().fit(train.X, train.y).predict(test.X));
    expect(Math.abs(acc - 0.8398)).toBeLessThanOrEqual(0.005);
  });

  it('agrees with ml-naivebayes on 2-feature data', async () => {
    const [train, test] = await Promise.all([
      loadData('blobs2d_5k.train'),
      loadData('blobs2d_5k.test'),
    ]);
    const ours = new GaussianNB().fit(train.X, train.y).predict(test.X);
    const ml = new MlGaussianNB();
    const rows = (X: typeof train.X) =>
      Array.from({ length: X.rows }, (_, i) =>
        Array.from(X.data.subarray(i * X.cols, (i + 1) * X.cols)),
      );
    ml.train(rows(train.X), Array.from(train.y));
    const theirs = ml.predict(rows(test.X));
    let same = 0;
    for (let i = 0; i < theirs.length; i++) if (theirs[i] === ours[i]) same++;
    // ml-naivebayes does not add var_smoothing; predictions differ only on near-ties.
    expect(same / theirs.length).toBeGreaterThan(0.995);
  });
});

describe('GaussianNB behaviour', () => {
  const X = fromRows([
    [0, 5],
    [1, 5],
    [0.5, 5],
    [10, 5],
    [11, 5],
    [10.5, 5],
  ]);
  const y = Int32Array.from([3, 3, 3, 7, 7, 7]);

  it('keeps original labels, and probabilities sum to 1', () => {
    const nb = new GaussianNB().fit(X, y);
    expect(Array.from(nb.classes)).toEqual([3, 7]);
    expect(
      Array.from(
        nb.predict(
          fromRows([
            [0.2, 5],
            [10.2, 5],
          ]),
        ),
      ),
    ).toEqual([3, 7]);
    const p = nb.predictProba(
      fromRows([
        [5.1, 5],
        [-3, 9],
      ]),
    );
    expect(p.data[0] + p.data[1]).toBeCloseTo(1, 12);
    expect(p.data[2] + p.data[3]).toBeCloseTo(1, 12);
  });

  it('does not produce NaN with a constant feature, nor when every feature is constant', () => {
    const nb = new GaussianNB().fit(X, y);
    const p = nb.predictProba(fromRows([[0.5, 6]]));
    expect(Array.from(p.data).every(Number.isFinite)).toBe(true);
    const allConst = new GaussianNB().fit(
      fromRows([[1], [1], [1], [1]]),
      Int32Array.from([0, 1, 0, 1]),
    );
    const q = allConst.predictProba(fromRows([[1], [2]]));
    expect(Array.from(q.data).every(Number.isFinite)).toBe(true);
    expect(q.data[0]).toBeCloseTo(0.5, 12);
  });

  it('gives finite probabilities for points far from every class (no underflow)', () => {
    const nb = new GaussianNB().fit(X, y);
    const p = nb.predictProba(fromRows([[1e6, -1e6]]));
    expect(Array.from(p.data).every((v) => v >= 0 && v <= 1)).toBe(true);
    expect(p.data[0] + p.data[1]).toBeCloseTo(1, 12);
    expect(nb.predict(fromRows([[1e6, 5]]))[0]).toBe(7);
  });

  it('predicts when rows = features + 1 (ml-naivebayes throws there)', () => {
    const nb = new GaussianNB().fit(X, y);
    expect(
      nb.predict(
        fromRows([
          [0, 5],
          [10, 5],
          [1, 5],
        ]),
      ).length,
    ).toBe(3);
  });

  it('honours fixed priors', () => {
    const nb = new GaussianNB({ priors: [0.999, 0.001] }).fit(X, y);
    expect(Array.from(nb.fitted.classPrior)).toEqual([0.999, 0.001]);
    expect(() => new GaussianNB({ priors: [0.5, 0.5, 0] }).fit(X, y)).toThrow(EstimatorInputError);
  });

  it('round-trips through toJSON, JSON text and the tideflow serializer', async () => {
    const [train, test] = await Promise.all([
      loadData('blobs3d_5k.train'),
      loadData('blobs3d_5k.test'),
    ]);
    const nb = new GaussianNB().fit(train.X, train.y);
    const expected = nb.predictProba(test.X).data;
    const viaJson = estimatorFromJSON(JSON.parse(JSON.stringify(nb))) as GaussianNB;
    expect(viaJson).toBeInstanceOf(GaussianNB);
    expect(maxDiff(viaJson.predictProba(test.X).data, expected)).toBe(0);
    const viaCache = defaultSerializers.deserialize(defaultSerializers.serialize(nb)) as GaussianNB;
    expect(maxDiff(viaCache.predictProba(test.X).data, expected)).toBe(0);
    const unfitted = estimatorFromJSON(
      new GaussianNB({ varSmoothing: 1e-3 }).toJSON(),
    ) as GaussianNB;
    expect(unfitted.params.varSmoothing).toBe(1e-3);
    expect(() => unfitted.predict(test.X)).toThrow(NotFittedError);
  });

  it('withParams returns a new unfitted estimator with merged parameters', () => {
    const a = new GaussianNB().fit(X, y);
    const b = a.withParams({ varSmoothing: 1e-5 });
    expect(b).toBeInstanceOf(GaussianNB);
    expect(b.params).toEqual({ varSmoothing: 1e-5, priors: null });
    expect(b.isFitted).toBe(false);
    expect(a.params.varSmoothing).toBe(1e-9);
  });
});

describe('GaussianNB bad input', () => {
  const X = fromRows([
    [0, 1],
    [1, 0],
    [5, 5],
    [6, 5],
  ]);
  const y = Int32Array.from([0, 0, 1, 1]);
  const expectInputError = (fn: () => unknown, text: RegExp) => {
    let err: unknown;
    try {
      fn();
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(EstimatorInputError);
    expect((err as EstimatorInputError).code).toBe('ESTIMATOR_INPUT');
    expect((err as Error).message).toMatch(/^GaussianNB: /);
    expect((err as Error).message).toMatch(text);
  };

  it('refuses NaN and Infinity in features, at fit and at predict', () => {
    expectInputError(
      () =>
        new GaussianNB().fit(
          fromRows([
            [0, NaN],
            [1, 1],
          ]),
          Int32Array.from([0, 1]),
        ),
      /NaN at row 0, column 1/,
    );
    const nb = new GaussianNB().fit(X, y);
    expectInputError(() => nb.predict(fromRows([[Infinity, 0]])), /Infinity/);
    expectInputError(() => nb.predictProba(fromRows([[-Infinity, 0]])), /Infinity/);
  });

  it('refuses zero rows, one class, mismatched lengths and a wrong feature count', () => {
    expectInputError(() => new GaussianNB().fit(fromRows([]), new Int32Array(0)), /zero rows/);
    expectInputError(
      () => new GaussianNB().fit(X, Int32Array.from([2, 2, 2, 2])),
      /only one class/,
    );
    expectInputError(
      () => new GaussianNB().fit(X, Int32Array.from([0, 1, 1])),
      /4 rows but y has 3/,
    );
    const nb = new GaussianNB().fit(X, y);
    expectInputError(() => nb.predict(fromRows([[1, 2, 3]])), /3 features .* fitted with 2/);
  });

  it('refuses non-finite or out-of-range hyper-parameters and unknown ones', () => {
    expect(() => new GaussianNB({ varSmoothing: NaN })).toThrow(InvalidParameterError);
    expect(() => new GaussianNB({ varSmoothing: Infinity })).toThrow(/varSmoothing.*finite/);
    expect(() => new GaussianNB({ varSmoothing: -1 })).toThrow(/varSmoothing/);
    expect(() => new GaussianNB({ priors: [0.2, 0.2] })).toThrow(/sum to 1/);
    expect(() => new GaussianNB({ varsmoothing: 1 } as never)).toThrow(/unknown parameter/);
  });

  it('throws NotFittedError before fit', () => {
    expect(() => new GaussianNB().predict(X)).toThrow(NotFittedError);
  });
});
