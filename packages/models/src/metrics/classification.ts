import type { DenseMatrix } from '../data/matrix.js';
import { checkPair, unionLabels } from './labels.js';

/** Fraction of predictions equal to the true label (scikit-learn's `accuracy_score`). */
export function accuracy(yTrue: ArrayLike<number>, yPred: ArrayLike<number>): number {
  checkPair('accuracy', yTrue, yPred);
  let hits = 0;
  for (let i = 0; i < yTrue.length; i++) if (yTrue[i] === yPred[i]) hits++;
  return hits / yTrue.length;
}

/** A confusion matrix: a `DenseMatrix` of counts (row = true label, column = predicted label). */
export interface ConfusionMatrix extends DenseMatrix {
  /** The label of each row and column, in order. */
  readonly labels: Int32Array;
}

/** Options of the label-based metrics. */
export interface LabelOptions {
  /** The labels to report, in order. Default: the sorted union of `yTrue` and `yPred`. */
  labels?: ArrayLike<number>;
}

/**
 * Counts of (true, predicted) label pairs, like scikit-learn's `confusion_matrix`.
 *
 * @example
 * ```ts
 * const cm = confusionMatrix(test.y, model.predict(test.X));
 * cm.data[i * cm.cols + j]; // samples of class cm.labels[i] predicted as cm.labels[j]
 * ```
 */
export function confusionMatrix(
  yTrue: ArrayLike<number>,
  yPred: ArrayLike<number>,
  options: LabelOptions = {},
): ConfusionMatrix {
  checkPair('confusionMatrix', yTrue, yPred);
  const labels = options.labels ? Int32Array.from(options.labels) : unionLabels(yTrue, yPred);
  const k = labels.length;
  const data = new Float64Array(k * k);
  const map = new Map<number, number>();
  labels.forEach((l, i) => map.set(l, i));
  for (let i = 0; i < yTrue.length; i++) {
    // As in scikit-learn, pairs with a label outside `labels` are left out.
    const t = map.get(yTrue[i]);
    const p = map.get(yPred[i]);
    if (t !== undefined && p !== undefined) data[t * k + p]++;
  }
  return { data, rows: k, cols: k, labels };
}

/**
 * Mean recall over the classes present in `yTrue` (scikit-learn's `balanced_accuracy_score`):
 * accuracy that weighs every class equally.
 */
export function balancedAccuracy(yTrue: ArrayLike<number>, yPred: ArrayLike<number>): number {
  checkPair('balancedAccuracy', yTrue, yPred);
  const cm = confusionMatrix(yTrue, yPred);
  const k = cm.rows;
  let sum = 0;
  let classes = 0;
  for (let i = 0; i < k; i++) {
    let support = 0;
    for (let j = 0; j < k; j++) support += cm.data[i * k + j];
    if (support > 0) {
      sum += cm.data[i * k + i] / support;
      classes++;
    }
  }
  return sum / classes;
}

/** Precision, recall and F1 averaged over classes. */
export interface AveragedScores {
  /** Averaged precision. */
  readonly precision: number;
  /** Averaged recall. */
  readonly recall: number;
  /** Averaged F1 (the average of per-class F1, as scikit-learn computes `f1_macro`). */
  readonly f1: number;
}

/** Per-class precision, recall, F1 and support, with macro and support-weighted averages. */
export interface PrecisionRecallF1 {
  /** The class of each entry. */
  readonly labels: Int32Array;
  /** Per-class precision: correct predictions of the class / predictions of the class. */
  readonly precision: Float64Array;
  /** Per-class recall: correct predictions of the class / samples of the class. */
  readonly recall: Float64Array;
  /** Per-class F1, the harmonic mean of precision and recall. */
  readonly f1: Float64Array;
  /** Number of true samples of each class. */
  readonly support: Int32Array;
  /** Unweighted means over classes. */
  readonly macro: AveragedScores;
  /** Means over classes weighted by support. */
  readonly weighted: AveragedScores;
}

/** Options of {@link precisionRecallF1}. */
export interface PrecisionRecallF1Options extends LabelOptions {
  /** Value used where a ratio is 0/0 (no predictions, or no samples, of a class). Default 0. */
  zeroDivision?: number;
}

/**
 * Per-class precision, recall and F1 with macro and weighted averages, as scikit-learn's
 * `precision_recall_fscore_support` (and `f1_score(average=...)`).
 */
export function precisionRecallF1(
  yTrue: ArrayLike<number>,
  yPred: ArrayLike<number>,
  options: PrecisionRecallF1Options = {},
): PrecisionRecallF1 {
  checkPair('precisionRecallF1', yTrue, yPred);
  const zd = options.zeroDivision ?? 0;
  const labels = options.labels ? Int32Array.from(options.labels) : unionLabels(yTrue, yPred);
  const k = labels.length;
  const tp = new Float64Array(k);
  const predicted = new Float64Array(k);
  const support = new Int32Array(k);
  const map = new Map<number, number>();
  labels.forEach((l, i) => map.set(l, i));
  for (let i = 0; i < yTrue.length; i++) {
    const t = map.get(yTrue[i]);
    const p = map.get(yPred[i]);
    if (t !== undefined) support[t]++;
    if (p !== undefined) predicted[p]++;
    if (t !== undefined && t === p) tp[t]++;
  }
  const precision = new Float64Array(k);
  const recall = new Float64Array(k);
  const f1 = new Float64Array(k);
  for (let c = 0; c < k; c++) {
    precision[c] = predicted[c] > 0 ? tp[c] / predicted[c] : zd;
    recall[c] = support[c] > 0 ? tp[c] / support[c] : zd;
    // scikit-learn 1.2: F = 2·tp / (2·tp + fp + fn), 0/0 → zero_division.
    const denom = predicted[c] + support[c];
    f1[c] = denom > 0 ? (2 * tp[c]) / denom : zd;
  }
  const mean = (a: Float64Array) => a.reduce((s, v) => s + v, 0) / k;
  let total = 0;
  for (let c = 0; c < k; c++) total += support[c];
  const wmean = (a: Float64Array) => {
    if (total === 0) return zd;
    let s = 0;
    for (let c = 0; c < k; c++) s += a[c] * support[c];
    return s / total;
  };
  return {
    labels,
    precision,
    recall,
    f1,
    support,
    macro: { precision: mean(precision), recall: mean(recall), f1: mean(f1) },
    weighted: { precision: wmean(precision), recall: wmean(recall), f1: wmean(f1) },
  };
}
