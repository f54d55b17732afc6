import { describe, expect, it } from 'vitest';
import {
  EstimatorInputError,
  GaussianNB,
  InvalidParameterError,
  SCORER_NAMES,
  accuracy,
  balancedAccuracy,
  binaryRocAuc,
  brierScore,
  confusionMatrix,
  fromRows,
  logLoss,
  precisionRecallF1,
  rocAucOvr,
  scorer,
} from '../src/index.js';
import { fixture, loadData, maxDiff } from './core-fixtures.js';

const fx = fixture('metrics');
const yTrue = Int32Array.from(fx.y_true as number[]);
const yPred = Int32Array.from(fx.y_pred as number[]);
const proba = fromRows(fx.proba as number[][]);

describe('metrics parity with scikit-learn (metrics.json, 1e-9)', () => {
  it('accuracy and balanced accuracy', () => {
    expect(Math.abs(accuracy(yTrue, yPred) - fx.accuracy)).toBeLessThan(1e-9);
    expect(Math.abs(balancedAccuracy(yTrue, yPred) - fx.balanced_accuracy)).toBeLessThan(1e-9);
  });

  it('precision, recall and F1 per class, macro and weighted', () => {
    const r = precisionRecallF1(yTrue, yPred);
    expect(maxDiff(r.precision, fx.precision_per_class)).toBeLessThan(1e-9);
    expect(maxDiff(r.recall, fx.recall_per_class)).toBeLessThan(1e-9);
    expect(Math.abs(r.macro.f1 - fx.f1_macro)).toBeLessThan(1e-9);
    expect(Math.abs(r.weighted.f1 - fx.f1_weighted)).toBeLessThan(1e-9);
    expect(r.support.reduce((a, b) => a + b, 0)).toBe(1000);
  });

  it('confusion matrix', () => {
    const cm = confusionMatrix(yTrue, yPred);
    expect(Array.from(cm.labels)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(Array.from(cm.data)).toEqual((fx.confusion_matrix as number[][]).flat());
  });

  it('log loss, Brier score and one-vs-rest ROC AUC', () => {
    expect(Math.abs(logLoss(yTrue, proba) - fx.log_loss)).toBeLessThan(1e-9);
    expect(Math.abs(brierScore(yTrue, proba) - fx.brier_multiclass_mean_sum_sq)).toBeLessThan(1e-9);
    expect(Math.abs(rocAucOvr(yTrue, proba) - fx.roc_auc_ovr_macro)).toBeLessThan(1e-9);
  });
});

describe('metrics behaviour', () => {
  it('binary ROC AUC counts ties as one half and is NaN with one class', () => {
    expect(binaryRocAuc([1, 0, 1, 0], [0.9, 0.1, 0.8, 0.3])).toBe(1);
    expect(binaryRocAuc([1, 0], [0.5, 0.5])).toBe(0.5);
    expect(binaryRocAuc([0, 1, 0, 1], [0.9, 0.1, 0.8, 0.3])).toBe(0);
    // pairs: (0.4>0.2)=1, (0.4>0.4)=½, (0.8>0.2)=1, (0.8>0.4)=1 → 3.5/4
    expect(binaryRocAuc([1, 0, 1, 0], [0.4, 0.4, 0.8, 0.2])).toBe(0.875);
    expect(binaryRocAuc([1, 1], [0.4, 0.2])).toBeNaN();
  });

  it('maps proba columns through labels, and zero-division to the given value', () => {
    const p = fromRows([
      [0.8, 0.2],
      [0.3, 0.7],
    ]);
    const y = Int32Array.from([10, 20]);
    expect(logLoss(y, p, { labels: [10, 20] })).toBeCloseTo(
      -(Math.log(0.8) + Math.log(0.7)) / 2,
      12,
    );
    expect(brierScore(y, p, { labels: [10, 20] })).toBeCloseTo((0.04 + 0.04 + 0.09 + 0.09) / 2, 12);
    const r = precisionRecallF1([0, 0, 1], [0, 0, 0], { labels: [0, 1], zeroDivision: 1 });
    expect(r.precision[1]).toBe(1);
    expect(r.recall[1]).toBe(0);
    expect(r.f1[1]).toBe(0);
    expect(balancedAccuracy([0, 0, 1, 1], [0, 1, 1, 1])).toBe(0.75);
  });

  it('log loss clips probabilities of 0 instead of returning Infinity', () => {
    const v = logLoss([0], fromRows([[0, 1]]));
    expect(v).toBeCloseTo(-Math.log(1e-15), 6);
  });

  it('scorers are greater-is-better and agree with the metric functions', async () => {
    const [train, test] = await Promise.all([
      loadData('blobs3d_5k.train'),
      loadData('blobs3d_5k.test'),
    ]);
    const nb = new GaussianNB().fit(train.X, train.y);
    const p = nb.predictProba(test.X);
    const pred = nb.predict(test.X);
    expect(scorer('accuracy')(nb, test.X, test.y)).toBe(accuracy(test.y, pred));
    expect(scorer('balanced_accuracy')(nb, test.X, test.y)).toBe(balancedAccuracy(test.y, pred));
    expect(scorer('f1_macro')(nb, test.X, test.y)).toBe(precisionRecallF1(test.y, pred).macro.f1);
    expect(scorer('neg_log_loss')(nb, test.X, test.y)).toBe(-logLoss(test.y, p));
    expect(scorer('neg_brier_score')(nb, test.X, test.y)).toBe(-brierScore(test.y, p));
    expect(scorer('roc_auc_ovr')(nb, test.X, test.y)).toBe(rocAucOvr(test.y, p));
    for (const name of SCORER_NAMES)
      expect(Number.isFinite(scorer(name)(nb, test.X, test.y))).toBe(true);
    const custom = () => 42;
    expect(scorer(custom)).toBe(custom);
  });
});

describe('metrics bad input', () => {
  it('refuses mismatched lengths and empty input, naming the metric', () => {
    expect(() => accuracy([0, 1], [0])).toThrow(EstimatorInputError);
    expect(() => accuracy([0, 1], [0])).toThrow(/^accuracy: yTrue has 2 labels but yPred has 1/);
    expect(() => accuracy([], [])).toThrow(/no samples/);
    expect(() => logLoss([0, 1], fromRows([[0.5, 0.5]]))).toThrow(
      /^logLoss: yTrue has 2 labels but proba has 1 rows/,
    );
  });

  it('refuses labels outside the proba columns and invalid probabilities', () => {
    expect(() => logLoss([2], fromRows([[0.5, 0.5]]))).toThrow(/label 2 is not among/);
    expect(() => brierScore([0], fromRows([[NaN, 1]]))).toThrow(/must lie in \[0, 1\]/);
    expect(() =>
      rocAucOvr(
        [0, 0],
        fromRows([
          [0.5, 0.5],
          [0.4, 0.6],
        ]),
      ),
    ).toThrow(/no samples in yTrue/);
  });

  it('refuses an unknown scorer name', () => {
    expect(() => scorer('f2_macro' as never)).toThrow(InvalidParameterError);
    expect(() => scorer('f2_macro' as never)).toThrow(/known ones are accuracy/);
  });
});
