import { calibrationCurve } from '../calibration/curve.js';
import { ConformalClassifier } from '../conformal/conformal-classifier.js';
import { coverage, meanSetSize, setSizeCounts } from '../conformal/scores.js';
import type { Dataset } from '../data/dataset.js';
import { takeRows, type DenseMatrix } from '../data/matrix.js';
import type { Classifier } from '../estimators/classifier.js';
import { exactShap } from '../explain/exact-shap.js';
import { kernelShap } from '../explain/kernel-shap.js';
import { permutationImportance } from '../explain/permutation.js';
import { sampleBackground, shapImportance, type ShapExplanation } from '../explain/shapley.js';
import {
  accuracy,
  balancedAccuracy,
  confusionMatrix,
  precisionRecallF1,
} from '../metrics/classification.js';
import { brierScore, logLoss, rocAucOvr } from '../metrics/probability.js';
import type { PipelineConfig } from './config.js';
import { stratifiedSample } from './splits.js';

/** Test-split metrics of a model. */
export interface TestMetrics {
  /** Accuracy. */
  readonly accuracy: number;
  /** Balanced accuracy. */
  readonly balancedAccuracy: number;
  /** Macro-averaged precision, recall, F1. */
  readonly precisionMacro: number;
  /** Macro recall. */
  readonly recallMacro: number;
  /** Macro F1. */
  readonly f1Macro: number;
  /** Support-weighted F1. */
  readonly f1Weighted: number;
  /** Log loss. */
  readonly logLoss: number;
  /** Multi-class Brier score. */
  readonly brier: number;
  /** One-vs-rest macro ROC AUC (NaN when a class is missing from the test split). */
  readonly rocAuc: number;
}

/** Everything the evaluation step measures on the test split. */
export interface Evaluation {
  /** The metrics. */
  readonly metrics: TestMetrics;
  /** Per-class precision, recall, F1 and support, in class order. */
  readonly perClass: { precision: number[]; recall: number[]; f1: number[]; support: number[] };
  /** The confusion matrix, rows = true class, columns = predicted, `k × k` row-major. */
  readonly confusion: number[];
  /** Top-label reliability: mean confidence vs accuracy per bin. */
  readonly reliability: { probPred: number[]; probTrue: number[]; counts: number[] };
}

function safe(f: () => number): number {
  try {
    return f();
  } catch {
    return Number.NaN;
  }
}

/**
 * Top-label reliability curve of predictions already made: confidence = the largest probability,
 * outcome = prediction correct.
 */
export function reliability(
  proba: DenseMatrix,
  pred: Int32Array,
  y: Int32Array,
  nBins = 10,
): Evaluation['reliability'] {
  const k = proba.cols;
  const confidence = new Float64Array(proba.rows);
  const correct = new Float64Array(proba.rows);
  for (let i = 0; i < proba.rows; i++) {
    let best = 0;
    for (let j = 0; j < k; j++) best = Math.max(best, proba.data[i * k + j]);
    // Normalised rows can exceed 1 by a rounding error, which calibrationCurve (as scikit-learn's) rejects.
    confidence[i] = Math.min(1, best);
    correct[i] = pred[i] === y[i] ? 1 : 0;
  }
  const curve = calibrationCurve(correct, confidence, { nBins, strategy: 'uniform' });
  return {
    probPred: [...curve.probPred],
    probTrue: [...curve.probTrue],
    counts: [...curve.counts],
  };
}

/** Metrics, per-class scores, confusion matrix and reliability of `model` on `data`. */
export function evaluateModel(model: Classifier, data: Dataset): Evaluation {
  const labels = Int32Array.from(data.classNames, (_, i) => i);
  const pred = model.predict(data.X);
  const proba = model.predictProba(data.X);
  const prf = precisionRecallF1(data.y, pred, { labels });
  const options = { labels: model.classes };
  return {
    metrics: {
      accuracy: accuracy(data.y, pred),
      balancedAccuracy: balancedAccuracy(data.y, pred),
      precisionMacro: prf.macro.precision,
      recallMacro: prf.macro.recall,
      f1Macro: prf.macro.f1,
      f1Weighted: prf.weighted.f1,
      logLoss: safe(() => logLoss(data.y, proba, options)),
      brier: safe(() => brierScore(data.y, proba, options)),
      rocAuc: safe(() => rocAucOvr(data.y, proba, options)),
    },
    perClass: {
      precision: [...prf.precision],
      recall: [...prf.recall],
      f1: [...prf.f1],
      support: [...prf.support],
    },
    confusion: [...confusionMatrix(data.y, pred, { labels }).data],
    reliability: reliability(proba, pred, data.y),
  };
}

/** Global and local explanations of a model on the test split. */
export interface Explanations {
  /** Feature names (the model's input features). */
  readonly features: readonly string[];
  /** Permutation importance: mean and std of the accuracy drop per feature. */
  readonly permutation: { mean: number[]; std: number[]; baseline: number };
  /** Mean |φ| per feature, averaged over classes. */
  readonly shapMean: number[];
  /** Mean |φ| per feature and class, `features × classes` row-major. */
  readonly shapPerClass: number[];
  /** Which Shapley algorithm ran. */
  readonly shapAlgorithm: 'exact' | 'kernel';
  /** Local values of a few rows: their features, true class, prediction, and φ for the predicted class. */
  readonly local: { x: number[]; label: number; predicted: number; phi: number[]; base: number }[];
  /** The Shapley values of the explained rows, and those rows (for the summary plot). */
  readonly shap: { explanation: ShapExplanation; rows: DenseMatrix };
}

/** Permutation importance and Shapley values (exact up to 12 features, Kernel SHAP beyond). */
export function explainModel(
  model: Classifier,
  test: Dataset,
  background: Dataset,
  config: PipelineConfig['explain'],
): Explanations {
  const perm = permutationImportance(model, test.X, test.y, {
    nRepeats: config.permutationRepeats,
    seed: config.seed,
  });
  const rows = stratifiedSample(test, config.shapRows, config.seed);
  const bg = sampleBackground(
    background.X,
    Math.min(config.shapBackground, background.X.rows),
    config.seed,
  );
  const exact = test.X.cols <= 12;
  const shap = exact
    ? exactShap(model, rows.X, { background: bg })
    : kernelShap(model, rows.X, { background: bg, seed: config.seed });
  const importance = shapImportance(shap);
  const nLocal = Math.min(config.localRows, rows.X.rows);
  const predicted = model.predict(
    takeRows(
      rows.X,
      Array.from({ length: nLocal }, (_, i) => i),
    ),
  );
  const local = Array.from({ length: nLocal }, (_, r) => {
    const cls = predicted[r];
    const c = Math.max(0, model.classes.indexOf(cls));
    const phi = Array.from(
      { length: shap.features },
      (_, f) => shap.values[(r * shap.features + f) * shap.classes + c],
    );
    return {
      x: [...rows.X.data.subarray(r * rows.X.cols, (r + 1) * rows.X.cols)],
      label: rows.y[r],
      predicted: cls,
      phi,
      base: shap.baseValue[c],
    };
  });
  return {
    features: test.featureNames,
    permutation: {
      mean: [...perm.importancesMean],
      std: [...perm.importancesStd],
      baseline: perm.baseline,
    },
    shapMean: [...importance.overall],
    shapPerClass: [...importance.perClass.data],
    shapAlgorithm: exact ? 'exact' : 'kernel',
    local,
    shap: { explanation: shap, rows: rows.X },
  };
}

/** Conformal prediction sets on the test split. */
export interface ConformalReport {
  /** The score used. */
  readonly method: PipelineConfig['conformal']['method'];
  /** The miscoverage level. */
  readonly alpha: number;
  /** Fraction of test rows whose set contains the true class. */
  readonly coverage: number;
  /** Mean set size. */
  readonly meanSize: number;
  /** How many sets have size 0, 1, 2, ... (up to the number of classes). */
  readonly sizeCounts: number[];
  /** The size of each test row's set. */
  readonly sizes: Int32Array;
}

/** Calibrates split-conformal sets of a fitted model on `calibration` and measures them on `test`. */
export function conformalSets(
  model: Classifier,
  calibration: Dataset,
  test: Dataset,
  config: PipelineConfig['conformal'],
): ConformalReport {
  const conformal = new ConformalClassifier({
    estimator: model,
    method: config.method,
    alpha: config.alpha,
    cv: 'prefit',
  });
  conformal.fit(calibration.X, calibration.y);
  const sets = conformal.predictSets(test.X);
  return {
    method: config.method,
    alpha: config.alpha,
    coverage: coverage(sets, test.y),
    meanSize: meanSetSize(sets),
    sizeCounts: [...setSizeCounts(sets, test.classNames.length)],
    sizes: Int32Array.from(sets, (set) => set.length),
  };
}
