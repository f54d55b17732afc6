import type { DenseMatrix } from '../data/matrix.js';
import { EstimatorInputError } from '../errors.js';
import { labelIndexer } from './labels.js';

/** Options of the probability metrics. */
export interface ProbabilityOptions {
  /**
   * The label of each column of `proba`, in order (a classifier's `classes`). Default: the column
   * indices `0 … proba.cols−1`.
   */
  labels?: ArrayLike<number>;
}

/** Validates `proba` against `yTrue` and returns each row's true column. */
function trueColumns(
  metric: string,
  yTrue: ArrayLike<number>,
  proba: DenseMatrix,
  labels: ArrayLike<number> | undefined,
): Int32Array {
  if (proba.rows !== yTrue.length) {
    throw new EstimatorInputError(
      metric,
      `yTrue has ${yTrue.length} labels but proba has ${proba.rows} rows; they must match.`,
    );
  }
  if (yTrue.length === 0) throw new EstimatorInputError(metric, 'no samples (zero-length labels).');
  const cols = labels ?? Int32Array.from({ length: proba.cols }, (_, i) => i);
  if (cols.length !== proba.cols) {
    throw new EstimatorInputError(
      metric,
      `proba has ${proba.cols} columns but ${cols.length} labels were given.`,
    );
  }
  const index = labelIndexer(metric, cols);
  const out = new Int32Array(yTrue.length);
  for (let i = 0; i < yTrue.length; i++) out[i] = index(yTrue[i]);
  // Averaged or renormalised probabilities may leave [0, 1] by a rounding error (a forest's mean of
  // 100 trees can give 1.0000000000000007); only a real excursion is an error.
  const tolerance = 1e-9;
  for (let i = 0; i < proba.data.length; i++) {
    const v = proba.data[i];
    if (!(v >= -tolerance && v <= 1 + tolerance)) {
      throw new EstimatorInputError(metric, `proba holds ${v}; probabilities must lie in [0, 1].`);
    }
  }
  return out;
}

/** Options of {@link logLoss}. */
export interface LogLossOptions extends ProbabilityOptions {
  /** Probabilities are clipped to `[eps, 1 − eps]` before the logarithm. Default `1e-15`. */
  eps?: number;
}

/**
 * Mean negative log-likelihood of the true classes (scikit-learn's `log_loss`): probabilities are
 * clipped to `[eps, 1 − eps]` and each row renormalised before taking the logarithm.
 */
export function logLoss(
  yTrue: ArrayLike<number>,
  proba: DenseMatrix,
  options: LogLossOptions = {},
): number {
  const t = trueColumns('logLoss', yTrue, proba, options.labels);
  const eps = options.eps ?? 1e-15;
  const k = proba.cols;
  const p = proba.data;
  let loss = 0;
  for (let i = 0; i < t.length; i++) {
    let sum = 0;
    for (let c = 0; c < k; c++) sum += Math.min(Math.max(p[i * k + c], eps), 1 - eps);
    const pt = Math.min(Math.max(p[i * k + t[i]], eps), 1 - eps);
    loss -= Math.log(pt / sum);
  }
  return loss / t.length;
}

/**
 * Multi-class Brier score: the mean over rows of Σₖ (pₖ − yₖ)², where y is the one-hot true class.
 * 0 is perfect; 2 is the worst possible.
 */
export function brierScore(
  yTrue: ArrayLike<number>,
  proba: DenseMatrix,
  options: ProbabilityOptions = {},
): number {
  const t = trueColumns('brierScore', yTrue, proba, options.labels);
  const k = proba.cols;
  const p = proba.data;
  let total = 0;
  for (let i = 0; i < t.length; i++) {
    for (let c = 0; c < k; c++) {
      const e = p[i * k + c] - (c === t[i] ? 1 : 0);
      total += e * e;
    }
  }
  return total / t.length;
}

/**
 * Area under the ROC curve of a binary problem: the probability that a random positive scores
 * higher than a random negative, ties counting one half (equal to the trapezoidal ROC area).
 * Returns NaN when either class is absent.
 */
export function binaryRocAuc(
  positive: ArrayLike<boolean | number>,
  score: ArrayLike<number>,
): number {
  const n = score.length;
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  order.sort((a, b) => score[a] - score[b]);
  let nPos = 0;
  let rankSumPos = 0;
  let i = 0;
  while (i < n) {
    let j = i;
    while (j + 1 < n && score[order[j + 1]] === score[order[i]]) j++;
    // Tied scores share the mean of their 1-based ranks i+1 … j+1.
    const rank = (i + j + 2) / 2;
    for (let m = i; m <= j; m++) {
      if (positive[order[m]]) {
        nPos++;
        rankSumPos += rank;
      }
    }
    i = j + 1;
  }
  const nNeg = n - nPos;
  if (nPos === 0 || nNeg === 0) return NaN;
  return (rankSumPos - (nPos * (nPos + 1)) / 2) / (nPos * nNeg);
}

/** Options of {@link rocAucOvr}. */
export interface RocAucOptions extends ProbabilityOptions {
  /** `macro` (default): unweighted mean over classes; `weighted`: weighted by class support. */
  average?: 'macro' | 'weighted';
}

/**
 * One-vs-rest ROC AUC averaged over classes (scikit-learn's `roc_auc_score(multi_class='ovr')`):
 * for each class, the AUC of its probability column separating it from the others.
 */
export function rocAucOvr(
  yTrue: ArrayLike<number>,
  proba: DenseMatrix,
  options: RocAucOptions = {},
): number {
  const t = trueColumns('rocAucOvr', yTrue, proba, options.labels);
  const k = proba.cols;
  const n = t.length;
  if (k < 2) throw new EstimatorInputError('rocAucOvr', 'proba needs at least two class columns.');
  const support = new Float64Array(k);
  for (let i = 0; i < n; i++) support[t[i]]++;
  for (let c = 0; c < k; c++) {
    if (support[c] === 0) {
      throw new EstimatorInputError(
        'rocAucOvr',
        `class column ${c} has no samples in yTrue; one-vs-rest AUC is undefined for it.`,
      );
    }
  }
  const positive = new Uint8Array(n);
  const score = new Float64Array(n);
  let total = 0;
  for (let c = 0; c < k; c++) {
    for (let i = 0; i < n; i++) {
      positive[i] = t[i] === c ? 1 : 0;
      score[i] = proba.data[i * k + c];
    }
    const auc = binaryRocAuc(positive, score);
    total += options.average === 'weighted' ? (auc * support[c]) / n : auc / k;
  }
  return total;
}
