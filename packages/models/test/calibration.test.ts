import { defaultSerializers } from '@tideflow/core';
import { describe, expect, it } from 'vitest';
import { CalibratedClassifier } from '../src/calibration/calibrated-classifier.js';
import { fromRows, takeRows } from '../src/data/matrix.js';
import { GaussianNB } from '../src/estimators/naive-bayes.js';
import { estimatorFromJSON } from '../src/estimators/estimator-registry.js';
import { accuracy } from '../src/metrics/classification.js';
import { logLoss } from '../src/metrics/probability.js';
import { calibrationCurve } from '../src/calibration/curve.js';
import { IsotonicRegression, poolAdjacentViolators } from '../src/calibration/isotonic.js';
import { applySigmoid, fitSigmoid } from '../src/calibration/sigmoid.js';
import { loadBlobs, maxAbsDiff, sklearnFixture } from './evaluation-fixtures.js';

describe('calibrationCurve', () => {
  const fx = sklearnFixture('calibration_curve');
  for (const strategy of ['uniform', 'quantile'] as const) {
    it(`matches scikit-learn's ${strategy} bins within 1e-9`, () => {
      const c = calibrationCurve(fx.y_true_binary, fx.prob, { nBins: fx.n_bins, strategy });
      expect(c.probTrue.length).toBe(fx[strategy].prob_true.length);
      expect(maxAbsDiff(c.probTrue, fx[strategy].prob_true)).toBeLessThan(1e-9);
      expect(maxAbsDiff(c.probPred, fx[strategy].prob_pred)).toBeLessThan(1e-9);
      expect(c.counts.reduce((s, v) => s + v, 0)).toBe(fx.prob.length);
    });
  }
  it('drops empty bins and puts a value on an inner edge in the lower bin', () => {
    const c = calibrationCurve([0, 1, 1], [0.1, 0.5, 0.9], { nBins: 2 });
    expect(Array.from(c.counts)).toEqual([2, 1]);
    expect(Array.from(c.probTrue)).toEqual([0.5, 1]);
    const sparse = calibrationCurve([0, 1], [0.05, 0.95], { nBins: 10 });
    expect(sparse.counts.length).toBe(2);
  });
  it('rejects probabilities outside [0, 1], non-binary outcomes and bad bin counts', () => {
    expect(() => calibrationCurve([0, 1], [0.2, 1.5])).toThrow(/outside \[0, 1\]/);
    expect(() => calibrationCurve([0, 2], [0.2, 0.5])).toThrow(/must be 0 or 1/);
    expect(() => calibrationCurve([0, 1], [0.2, 0.5], { nBins: 0 })).toThrow(
      expect.objectContaining({ code: 'INVALID_PARAMETER' }),
    );
    expect(() => calibrationCurve([0], [0.2, 0.5])).toThrow(
      expect.objectContaining({ code: 'ESTIMATOR_INPUT' }),
    );
  });
});

describe('IsotonicRegression', () => {
  it("matches scikit-learn's predictions on a grid (clipped outside the data) within 1e-9", () => {
    const fx = sklearnFixture('isotonic');
    const iso = new IsotonicRegression().fit(fx.x, fx.y);
    expect(maxAbsDiff(iso.predict(fx.grid), fx.predict_grid)).toBeLessThan(1e-9);
  });
  it('pools adjacent violators into weighted means', () => {
    const y = Float64Array.from([1, 3, 2, 4, 3.5, 0]);
    poolAdjacentViolators(y, new Float64Array(6).fill(1));
    const expected = [1, 2.5, 2.5, 2.5, 2.5, 2.5];
    expect(maxAbsDiff(y, expected)).toBeLessThan(1e-15);
    const weighted = Float64Array.from([3, 1]);
    poolAdjacentViolators(weighted, Float64Array.from([1, 3]));
    expect(Array.from(weighted)).toEqual([1.5, 1.5]);
  });
  it('averages duplicate inputs and interpolates between knots', () => {
    const iso = new IsotonicRegression().fit([0, 0, 1, 2], [0, 1, 0.5, 1]);
    expect(Array.from(iso.knots.x)).toEqual([0, 1, 2]);
    expect(Array.from(iso.predict([-1, 0.5, 1.5, 3]))).toEqual([0.5, 0.5, 0.75, 1]);
    expect(Array.from(new IsotonicRegression().fit([2, 2], [0, 1]).predict([0, 5]))).toEqual([
      0.5, 0.5,
    ]);
  });
  it('refuses to predict before fit and rejects mismatched input', () => {
    expect(() => new IsotonicRegression().predict([0.5])).toThrow(
      expect.objectContaining({ code: 'NOT_FITTED' }),
    );
    expect(() => new IsotonicRegression().fit([1, 2], [1])).toThrow(
      expect.objectContaining({ code: 'ESTIMATOR_INPUT' }),
    );
    expect(() => new IsotonicRegression().fit([1, NaN], [1, 0])).toThrow(/non-finite/);
  });
});

describe('Platt sigmoid', () => {
  it('reaches the minimum of the smoothed log loss', () => {
    const f = [0.1, 0.2, 0.3, 0.35, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95];
    const y = [0, 0, 0, 1, 0, 1, 0, 1, 1, 1];
    const { a, b } = fitSigmoid(f, y);
    expect(a).toBeLessThan(0);
    const loss = (aa: number, bb: number): number => {
      const t = y.map((v) => (v ? 6 / 7 : 1 / 7));
      const p = applySigmoid({ a: aa, b: bb }, f);
      return t.reduce((s, ti, i) => s - ti * Math.log(p[i]) - (1 - ti) * Math.log(1 - p[i]), 0);
    };
    const best = loss(a, b);
    for (const [da, db] of [
      [1e-4, 0],
      [-1e-4, 0],
      [0, 1e-4],
      [0, -1e-4],
    ]) {
      expect(loss(a + da, b + db)).toBeGreaterThan(best);
    }
  });
  it('stays finite on constant or separable scores', () => {
    const flat = fitSigmoid([0.5, 0.5, 0.5, 0.5], [0, 1, 0, 1]);
    expect(Number.isFinite(flat.a) && Number.isFinite(flat.b)).toBe(true);
    expect(applySigmoid(flat, [0.5])[0]).toBeCloseTo(0.5, 9);
    const separable = fitSigmoid([0, 0.1, 0.9, 1], [0, 0, 1, 1]);
    const p = applySigmoid(separable, [0, 1]);
    expect(p[0]).toBeLessThan(0.5);
    expect(p[1]).toBeGreaterThan(0.5);
    expect(() => fitSigmoid([], [])).toThrow(expect.objectContaining({ code: 'ESTIMATOR_INPUT' }));
  });
});

describe('CalibratedClassifier', () => {
  const train = loadBlobs('blobs3d_5k.train');
  const test = loadBlobs('blobs3d_5k.test');
  for (const method of ['sigmoid', 'isotonic'] as const) {
    it(`matches scikit-learn's CalibratedClassifierCV(GaussianNB, ${method}, cv=5) within 1e-6`, () => {
      const fx = sklearnFixture(`calibrated_nb_${method}`);
      const model = new CalibratedClassifier({ estimator: new GaussianNB(), method, cv: 5 }).fit(
        train.X,
        train.y,
      );
      expect(model.calibratedClassifiers.length).toBe(5);
      const proba = model.predictProba(test.X);
      const first50 = proba.data.subarray(0, 50 * 6);
      expect(
        maxAbsDiff(first50, (fx.predict_proba_test_first50 as number[][]).flat()),
      ).toBeLessThan(1e-6);
      expect(accuracy(test.y, model.predict(test.X))).toBe(fx.accuracy_test);
      expect(Math.abs(logLoss(test.y, proba) - fx.log_loss_test)).toBeLessThan(1e-6);
    });
  }
  it('keeps rows summing to 1 and survives a JSON round trip', () => {
    const model = new CalibratedClassifier({
      estimator: new GaussianNB(),
      method: 'isotonic',
      cv: 3,
    }).fit(train.X, train.y);
    const proba = model.predictProba(test.X);
    for (let i = 0; i < proba.rows; i++) {
      let s = 0;
      for (let c = 0; c < proba.cols; c++) s += proba.data[i * proba.cols + c];
      expect(s).toBeCloseTo(1, 12);
    }
    const copy = estimatorFromJSON(
      JSON.parse(JSON.stringify(model.toJSON())),
    ) as CalibratedClassifier;
    expect(maxAbsDiff(copy.predictProba(test.X).data, proba.data)).toBe(0);
    const cloned = defaultSerializers.deserialize(
      defaultSerializers.serialize(model),
    ) as CalibratedClassifier;
    expect(maxAbsDiff(cloned.predictProba(test.X).data, proba.data)).toBe(0);
  });
  it('calibrates on out-of-fold predictions with one refitted classifier when ensemble is false', () => {
    const model = new CalibratedClassifier({
      estimator: new GaussianNB(),
      cv: 5,
      ensemble: false,
    }).fit(train.X, train.y);
    expect(model.calibratedClassifiers.length).toBe(1);
    expect(model.calibratedClassifiers[0].calibrators.length).toBe(6);
    expect(accuracy(test.y, model.predict(test.X))).toBeGreaterThan(0.85);
  });
  it('calibrates a prefit classifier on held-out data, and handles two classes with one calibrator', () => {
    const nb = new GaussianNB().fit(train.X, train.y);
    const calibration = { X: takeRows(test.X, range(0, 500)), y: test.y.slice(0, 500) };
    const model = new CalibratedClassifier({ estimator: nb, cv: 'prefit', method: 'isotonic' }).fit(
      calibration.X,
      calibration.y,
    );
    expect(model.calibratedClassifiers[0].estimator).toBe(nb);
    expect(Array.from(model.classes)).toEqual([0, 1, 2, 3, 4, 5]);
    const binaryY = Int32Array.from(train.y, (v) => (v === 2 ? 7 : 3));
    const binary = new CalibratedClassifier({ estimator: new GaussianNB() }).fit(train.X, binaryY);
    expect(Array.from(binary.classes)).toEqual([3, 7]);
    expect(binary.calibratedClassifiers[0].calibrators.length).toBe(1);
    const p = binary.predictProba(test.X);
    expect(p.data[0] + p.data[1]).toBeCloseTo(1, 14);
    const predicted = binary.predict(test.X);
    expect(
      accuracy(
        Int32Array.from(test.y, (v) => (v === 2 ? 7 : 3)),
        predicted,
      ),
    ).toBeGreaterThan(0.9);
  });
  it('refuses fewer samples of a class than folds, bad parameters and an unfitted prefit estimator', () => {
    const X = fromRows([[0], [1], [2], [3], [4], [5], [6], [7]]);
    const y = Int32Array.from([0, 0, 0, 0, 0, 1, 1, 1]);
    expect(() =>
      new CalibratedClassifier({ estimator: new GaussianNB(), cv: 5 }).fit(X, y),
    ).toThrow(
      expect.objectContaining({
        code: 'ESTIMATOR_INPUT',
        message: expect.stringMatching(/3 samples, fewer than the 5 folds/),
      }),
    );
    expect(() => new CalibratedClassifier({ estimator: new GaussianNB(), cv: 1 })).toThrow(
      expect.objectContaining({ parameter: 'cv' }),
    );
    expect(
      () => new CalibratedClassifier({ estimator: new GaussianNB(), method: 'beta' as never }),
    ).toThrow(expect.objectContaining({ parameter: 'method' }));
    expect(() => new CalibratedClassifier({ estimator: {} as never })).toThrow(
      expect.objectContaining({ parameter: 'estimator' }),
    );
    expect(() =>
      new CalibratedClassifier({ estimator: new GaussianNB(), cv: 'prefit' }).fit(X, y),
    ).toThrow(/not fitted/);
    expect(() => new CalibratedClassifier({ estimator: new GaussianNB() }).predictProba(X)).toThrow(
      expect.objectContaining({ code: 'NOT_FITTED' }),
    );
  });
});

function range(from: number, to: number): Int32Array {
  return Int32Array.from({ length: to - from }, (_, i) => from + i);
}
