import { calibrationCurve } from '../calibration/curve.js';
import { ConformalClassifier } from '../conformal/conformal-classifier.js';
import { coverage, meanSetSize, setSizeCounts } from '../conformal/scores.js';
import type { Dataset } from '../data/dataset.js';
import { takeRows, type DenseMatrix } from '../data/matrix.js';
import { predictWithProba } from '../estimators/base.js';
import type { Classifier } from '../estimators/classifier.js';
import { exactShap } from '../explain/exact-shap.js';
import { kernelShap } from '../explain/kernel-shap.js';
import { kmeansBackground } from '../explain/background.js';
import {
  planPermutation,
  planShap,
  secondsPerRow,
  type PermutationPlan,
  type ShapPlan,
} from '../explain/budget.js';
import { permutationImportance } from '../explain/permutation.js';
import { shapImportance, type ShapExplanation } from '../explain/shapley.js';
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

/**
 * Test rows each family's own metrics (the models table) are measured on, at most: a stratified
 * sample with seed 0 beyond it. The final model is always evaluated on every test row; the
 * families' columns only compare them, and a kernel SVM or a forest predicting 200,000 rows
 * twice costs minutes.
 */
export const FAMILY_TEST_ROWS = 50_000;

/** The test rows the families are compared on: at most {@link FAMILY_TEST_ROWS}, stratified. */
export function familyTestSample(test: Dataset): Dataset {
  return stratifiedSample(test, FAMILY_TEST_ROWS, 0);
}

/**
 * Conformal calibration rows used at most: a stratified sample (seed 0) of the conformal split
 * beyond it. The coverage guarantee holds for any calibration size; 20,000 rows put the quantile
 * within a fraction of a point.
 */
export const CONFORMAL_ROWS = 20_000;

/** Metrics, per-class scores, confusion matrix and reliability of `model` on `data`. */
export function evaluateModel(model: Classifier, data: Dataset): Evaluation {
  const labels = Int32Array.from(data.classNames, (_, i) => i);
  const { labels: pred, proba } = predictWithProba(model, data.X);
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

/** What the explanations used, against what the data and the configuration offered. */
export interface ExplanationBudget {
  /** Measured seconds of one model row, which turns the time budgets into model rows. */
  readonly secondsPerRow: number;
  /** The Shapley plan, with the test rows and training rows it chose from. */
  readonly shap: ShapPlan & { readonly testRows: number; readonly trainRows: number };
  /** The permutation plan, with the test rows and repeats it chose from. */
  readonly permutation: PermutationPlan & {
    readonly testRows: number;
    readonly configuredRepeats: number;
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
  /** The rows, background, coalitions and repeats used, chosen within the time budgets. */
  readonly budget: ExplanationBudget;
}

/** Training rows the k-means background summary is computed from, at most (a stratified sample). */
const BACKGROUND_SOURCE_ROWS = 10_000;

/**
 * Permutation importance and Shapley values (exact up to 12 features, Kernel SHAP beyond), each
 * within its time budget (`explain.permutationSeconds`, `explain.shapSeconds`): the model's cost
 * per row is measured once, and {@link planPermutation} / {@link planShap} choose how many test
 * rows, repeats, background rows (a k-means summary of the training split, as shap's `kmeans`)
 * and coalitions fit. Rows are stratified, seeded samples of the test split.
 */
export function explainModel(
  model: Classifier,
  test: Dataset,
  background: Dataset,
  config: PipelineConfig['explain'],
): Explanations {
  const cost = secondsPerRow(model, test.X);
  const permPlan = planPermutation({
    features: test.X.cols,
    rows: Math.min(config.permutationRows, test.X.rows),
    repeats: config.permutationRepeats,
    secondsPerRow: cost,
    seconds: config.permutationSeconds,
  });
  const permRows = stratifiedSample(test, permPlan.rows, config.seed);
  const perm = permutationImportance(model, permRows.X, permRows.y, {
    nRepeats: permPlan.repeats,
    seed: config.seed,
  });
  const source = stratifiedSample(background, BACKGROUND_SOURCE_ROWS, config.seed);
  const shapPlan = planShap({
    features: test.X.cols,
    rows: Math.min(config.shapRows, test.X.rows),
    background: Math.min(config.shapBackground, source.X.rows),
    secondsPerRow: cost,
    seconds: config.shapSeconds,
  });
  const rows = stratifiedSample(test, shapPlan.rows, config.seed);
  const bg = kmeansBackground(source.X, shapPlan.background, { seed: config.seed });
  const shapOptions = { background: bg.data, backgroundWeights: bg.weights };
  const shap =
    shapPlan.algorithm === 'exact'
      ? exactShap(model, rows.X, shapOptions)
      : kernelShap(model, rows.X, {
          ...shapOptions,
          nSamples: shapPlan.coalitions,
          seed: config.seed,
        });
  const importance = shapImportance(shap);
  const nLocal = Math.min(config.localRows, rows.X.rows);
  const predicted =
    nLocal > 0
      ? model.predict(
          takeRows(
            rows.X,
            Array.from({ length: nLocal }, (_, i) => i),
          ),
        )
      : new Int32Array(0);
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
    shapAlgorithm: shapPlan.algorithm,
    local,
    shap: { explanation: shap, rows: rows.X },
    budget: {
      secondsPerRow: cost,
      shap: { ...shapPlan, testRows: test.X.rows, trainRows: background.X.rows },
      permutation: {
        ...permPlan,
        testRows: test.X.rows,
        configuredRepeats: config.permutationRepeats,
      },
    },
  };
}

/**
 * What the explanations left out, in words for the report: one sentence per reduction (rows
 * sampled, background summarised, coalitions sampled, repeats cut); empty when nothing was.
 */
export function explanationReductions(budget: ExplanationBudget): string[] {
  const out: string[] = [];
  const p = budget.permutation;
  if (p.rows < p.testRows)
    out.push(
      `Permutation importance scored a stratified sample of ${p.rows} of ${p.testRows} test rows.`,
    );
  if (p.repeats < p.configuredRepeats)
    out.push(
      `Permutation importance used ${p.repeats} of ${p.configuredRepeats} repeats to fit its time budget.`,
    );
  const s = budget.shap;
  if (s.rows < s.testRows)
    out.push(`Shapley values explain a stratified sample of ${s.rows} of ${s.testRows} test rows.`);
  if (s.background < s.trainRows)
    out.push(
      `The Shapley background is a ${s.background}-row weighted k-means summary of ${s.trainRows} training rows.`,
    );
  if (s.algorithm === 'kernel')
    out.push(
      s.coalitions < s.fullCoalitions
        ? `Kernel SHAP evaluated ${s.coalitions} coalitions per row (${s.fullCoalitions} without the time budget).`
        : `Kernel SHAP evaluated ${s.coalitions} coalitions per row.`,
    );
  return out;
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

/**
 * Calibrates split-conformal sets of a fitted model on `calibration` (at most
 * {@link CONFORMAL_ROWS} of its rows) and measures them on `test`.
 */
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
  const rows = stratifiedSample(calibration, CONFORMAL_ROWS, 0);
  conformal.fit(rows.X, rows.y);
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
