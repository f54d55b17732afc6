import { EstimatorInputError } from '../errors.js';
import { checkNumber } from '../estimators/param-checks.js';

/** Options of {@link calibrationCurve}. */
export interface CalibrationCurveOptions {
  /** Number of bins (default 5, as scikit-learn). */
  readonly nBins?: number;
  /** `uniform`: equal-width bins on [0, 1]; `quantile`: bins holding equal numbers of samples. */
  readonly strategy?: 'uniform' | 'quantile';
}

/** The points of a reliability diagram, one per non-empty bin. */
export interface CalibrationCurve {
  /** Fraction of positives in each non-empty bin. */
  readonly probTrue: Float64Array;
  /** Mean predicted probability in each non-empty bin. */
  readonly probPred: Float64Array;
  /** Number of samples in each non-empty bin. */
  readonly counts: Int32Array;
}

/** numpy's default (linear) percentile of sorted values at fraction `q`. */
function percentile(sorted: Float64Array, q: number): number {
  const pos = q * (sorted.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, sorted.length - 1);
  const frac = pos - lo;
  const a = sorted[lo];
  const b = sorted[hi];
  // numpy's _lerp: interpolate from the nearer end for accuracy.
  return frac >= 0.5 ? b - (b - a) * (1 - frac) : a + (b - a) * frac;
}

/**
 * True and predicted probabilities for a calibration curve (reliability diagram), as
 * scikit-learn's `calibration_curve`: samples are binned by predicted probability (a value on an
 * inner edge goes to the lower bin) and empty bins are dropped.
 *
 * @param yBinary - Outcomes, 0 or 1.
 * @param prob - Predicted probabilities of the positive class, in [0, 1].
 * @example
 * ```ts
 * const { probTrue, probPred } = calibrationCurve(isClass2, proba2, { nBins: 10 });
 * ```
 */
export function calibrationCurve(
  yBinary: ArrayLike<number>,
  prob: ArrayLike<number>,
  options: CalibrationCurveOptions = {},
): CalibrationCurve {
  const nBins = options.nBins ?? 5;
  const strategy = options.strategy ?? 'uniform';
  checkNumber('calibrationCurve', 'nBins', nBins, { min: 1, integer: true });
  const n = prob.length;
  if (n === 0) throw new EstimatorInputError('calibrationCurve', 'no predictions given.');
  if (yBinary.length !== n) {
    throw new EstimatorInputError(
      'calibrationCurve',
      `${yBinary.length} outcomes for ${n} predictions.`,
    );
  }
  for (let i = 0; i < n; i++) {
    if (!(prob[i] >= 0 && prob[i] <= 1)) {
      throw new EstimatorInputError(
        'calibrationCurve',
        `prob[${i}] = ${prob[i]} is outside [0, 1]; pass probabilities, not scores.`,
      );
    }
    if (yBinary[i] !== 0 && yBinary[i] !== 1) {
      throw new EstimatorInputError(
        'calibrationCurve',
        `yBinary[${i}] = ${yBinary[i]}; outcomes must be 0 or 1.`,
      );
    }
  }
  const edges = new Float64Array(nBins + 1);
  if (strategy === 'quantile') {
    const sorted = Float64Array.from(prob).sort();
    for (let k = 0; k <= nBins; k++) edges[k] = percentile(sorted, k / nBins);
  } else if (strategy === 'uniform') {
    for (let k = 0; k <= nBins; k++) edges[k] = k / nBins;
  } else {
    throw new EstimatorInputError(
      'calibrationCurve',
      `unknown strategy "${String(strategy)}"; use 'uniform' or 'quantile'.`,
    );
  }
  const sumPred = new Float64Array(nBins);
  const sumTrue = new Float64Array(nBins);
  const total = new Int32Array(nBins);
  for (let i = 0; i < n; i++) {
    // numpy.searchsorted(edges[1:-1], p, side='left'): the number of inner edges strictly below p.
    let lo = 1;
    let hi = nBins;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (edges[mid] < prob[i]) lo = mid + 1;
      else hi = mid;
    }
    const bin = lo - 1;
    sumPred[bin] += prob[i];
    sumTrue[bin] += yBinary[i];
    total[bin]++;
  }
  const keep: number[] = [];
  for (let k = 0; k < nBins; k++) if (total[k] > 0) keep.push(k);
  return {
    probTrue: Float64Array.from(keep, (k) => sumTrue[k] / total[k]),
    probPred: Float64Array.from(keep, (k) => sumPred[k] / total[k]),
    counts: Int32Array.from(keep, (k) => total[k]),
  };
}
