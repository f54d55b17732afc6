import betainc from '@stdlib/math-base-special-betainc';
import type { DenseMatrix } from '../data/matrix.js';
import { EstimatorInputError } from '../errors.js';
import { checkLabels, checkMatrix, encodeLabels } from '../estimators/input-checks.js';

/** Per-feature scores of a univariate test, with p-values. */
export interface UnivariateScores {
  /** The test statistic of each feature (higher means more related to the class). */
  readonly scores: Float64Array;
  /** The p-value of each feature under the null hypothesis of no relation. */
  readonly pValues: Float64Array;
}

/**
 * Upper tail of the F distribution with `(d1, d2)` degrees of freedom at `f` (scipy's `fdtrc`),
 * through the regularized incomplete beta function.
 */
export function fSurvival(f: number, d1: number, d2: number): number {
  if (Number.isNaN(f)) return NaN;
  if (f <= 0) return 1;
  if (f === Infinity) return 0;
  return betainc(d2 / (d2 + d1 * f), d2 / 2, d1 / 2, true, false);
}

/**
 * One-way ANOVA F statistic and p-value of each feature against the class labels: scikit-learn's
 * `f_classif`, with the same sums-of-squares formula so that results agree to rounding. A feature
 * that is constant within every class and differs between classes gets `F = Infinity, p = 0`; a
 * feature constant overall gets `F = 0, p = 1`.
 *
 * @example
 * ```ts
 * const { scores, pValues } = fClassif(train.X, train.y);
 * ```
 */
export function fClassif(X: DenseMatrix, y: Int32Array): UnivariateScores {
  checkMatrix('fClassif', X);
  checkLabels('fClassif', X, y);
  const { classes, yIndex } = encodeLabels(y);
  const k = classes.length;
  if (k < 2)
    throw new EstimatorInputError(
      'fClassif',
      'y has a single class; the F test needs at least two.',
    );
  const n = X.rows;
  const p = X.cols;
  if (n <= k)
    throw new EstimatorInputError(
      'fClassif',
      `${n} samples for ${k} classes; the F test needs more samples than classes.`,
    );
  const counts = new Float64Array(k);
  const sums = new Float64Array(k * p);
  const sqSums = new Float64Array(k * p);
  const d = X.data;
  for (let i = 0; i < n; i++) {
    const c = yIndex[i];
    counts[c]++;
    const o = c * p;
    for (let j = 0; j < p; j++) {
      const v = d[i * p + j];
      sums[o + j] += v;
      sqSums[o + j] += v * v;
    }
  }
  const scores = new Float64Array(p);
  const pValues = new Float64Array(p);
  const dfb = k - 1;
  const dfw = n - k;
  for (let j = 0; j < p; j++) {
    let ssAll = 0;
    let sumAll = 0;
    for (let c = 0; c < k; c++) {
      ssAll += sqSums[c * p + j];
      sumAll += sums[c * p + j];
    }
    const sqOfSumsAll = sumAll * sumAll;
    const sstot = ssAll - sqOfSumsAll / n;
    let ssbn = 0;
    for (let c = 0; c < k; c++) ssbn += (sums[c * p + j] * sums[c * p + j]) / counts[c];
    ssbn -= sqOfSumsAll / n;
    const sswn = sstot - ssbn;
    const msb = ssbn / dfb;
    const msw = sswn / dfw;
    // Sums of squares cancel to rounding noise on a constant feature: treat it as carrying no signal.
    const constant = !(sstot > 1e-13 * ssAll);
    const f = constant ? 0 : msw > 0 ? msb / msw : Infinity;
    scores[j] = f;
    pValues[j] = fSurvival(f, dfb, dfw);
  }
  return { scores, pValues };
}
