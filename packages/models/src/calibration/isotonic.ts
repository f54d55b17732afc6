import { EstimatorInputError, NotFittedError } from '../errors.js';

/**
 * The fitted state of an {@link IsotonicRegression}: the interpolation knots (strictly increasing
 * `x`, non-decreasing `y`).
 */
export interface IsotonicState {
  /** Knot positions, strictly increasing. */
  readonly x: Float64Array;
  /** Fitted values at the knots, non-decreasing. */
  readonly y: Float64Array;
}

/** Resolution under which two inputs count as the same value, as scikit-learn's `_make_unique`. */
const TIE_RESOLUTION = 1e-15;

/**
 * Pool-adjacent-violators on `y` with weights `w`, in place: afterwards `y` is the non-decreasing
 * sequence closest to the input in weighted least squares. A port of scikit-learn's
 * `_inplace_contiguous_isotonic_regression` (single pass with backtracking, O(n)); kept
 * operation-for-operation so that results agree with scikit-learn to the last few ulps.
 */
export function poolAdjacentViolators(y: Float64Array, w: Float64Array): void {
  const n = y.length;
  if (w.length !== n) throw new RangeError(`PAV: ${n} values but ${w.length} weights.`);
  const target = new Int32Array(n);
  for (let i = 0; i < n; i++) target[i] = i;
  let i = 0;
  while (i < n) {
    let k = target[i] + 1;
    if (k === n) break;
    if (y[i] < y[k]) {
      i = k;
      continue;
    }
    let sumWy = w[i] * y[i];
    let sumW = w[i];
    for (;;) {
      const prevY = y[k];
      sumWy += w[k] * y[k];
      sumW += w[k];
      k = target[k] + 1;
      if (k === n || prevY < y[k]) {
        y[i] = sumWy / sumW;
        w[i] = sumW;
        target[i] = k - 1;
        target[k - 1] = i;
        if (i > 0) i = target[i - 1];
        break;
      }
    }
  }
  i = 0;
  while (i < n) {
    const k = target[i] + 1;
    y.fill(y[i], i + 1, k);
    i = k;
  }
}

/**
 * Non-decreasing regression of `y` on a single input `x` (scikit-learn's `IsotonicRegression` with
 * `increasing=True, out_of_bounds='clip'`): duplicate inputs are averaged, the fit is by
 * pool-adjacent-violators, predictions interpolate linearly between knots and clip outside them.
 *
 * @example
 * ```ts
 * const iso = new IsotonicRegression().fit(scores, outcomes);
 * const calibrated = iso.predict(newScores);
 * ```
 */
export class IsotonicRegression {
  private state: IsotonicState | null = null;

  /** Rebuilds a fitted regression from its state. */
  static fromState(state: IsotonicState): IsotonicRegression {
    const iso = new IsotonicRegression();
    iso.state = { x: Float64Array.from(state.x), y: Float64Array.from(state.y) };
    return iso;
  }

  /** Fits on inputs `x` and targets `y` (optionally weighted) and returns `this`. */
  fit(x: ArrayLike<number>, y: ArrayLike<number>, sampleWeight?: ArrayLike<number>): this {
    const n = x.length;
    if (n === 0) throw new EstimatorInputError('IsotonicRegression', 'x is empty.');
    if (y.length !== n) {
      throw new EstimatorInputError(
        'IsotonicRegression',
        `x has ${n} values but y has ${y.length}.`,
      );
    }
    if (sampleWeight && sampleWeight.length !== n) {
      throw new EstimatorInputError(
        'IsotonicRegression',
        `x has ${n} values but sampleWeight has ${sampleWeight.length}.`,
      );
    }
    for (let i = 0; i < n; i++) {
      if (!Number.isFinite(x[i]) || !Number.isFinite(y[i])) {
        throw new EstimatorInputError('IsotonicRegression', `non-finite input at index ${i}.`);
      }
    }
    // Sort by x, then y (numpy's lexsort((y, x))), so duplicates of x are adjacent.
    const order = Array.from({ length: n }, (_, i) => i);
    order.sort((a, b) => x[a] - x[b] || y[a] - y[b] || a - b);
    const ux = new Float64Array(n);
    const uy = new Float64Array(n);
    const uw = new Float64Array(n);
    let m = 0;
    let currentX = x[order[0]];
    let currentY = 0;
    let currentW = 0;
    for (const j of order) {
      const wj = sampleWeight ? sampleWeight[j] : 1;
      if (x[j] - currentX >= TIE_RESOLUTION) {
        ux[m] = currentX;
        uw[m] = currentW;
        uy[m] = currentY / currentW;
        m++;
        currentX = x[j];
        currentW = wj;
        currentY = y[j] * wj;
      } else {
        currentW += wj;
        currentY += y[j] * wj;
      }
    }
    ux[m] = currentX;
    uw[m] = currentW;
    uy[m] = currentY / currentW;
    m++;
    const knotsX = ux.slice(0, m);
    const knotsY = uy.slice(0, m);
    poolAdjacentViolators(knotsY, uw.slice(0, m));
    this.state = { x: knotsX, y: knotsY };
    return this;
  }

  /** Calibrated values for `t`: linear interpolation between knots, clipped to the fitted range. */
  predict(t: ArrayLike<number>): Float64Array {
    const s = this.fitted();
    const { x, y } = s;
    const n = x.length;
    const out = new Float64Array(t.length);
    for (let i = 0; i < t.length; i++) {
      const v = Math.min(Math.max(t[i], x[0]), x[n - 1]);
      if (n === 1) {
        out[i] = y[0];
        continue;
      }
      // First knot ≥ v (numpy searchsorted 'left'), as scipy's interp1d does.
      let lo = 0;
      let hi = n;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (x[mid] < v) lo = mid + 1;
        else hi = mid;
      }
      const k = Math.min(Math.max(lo, 1), n - 1);
      const slope = (y[k] - y[k - 1]) / (x[k] - x[k - 1]);
      out[i] = slope * (v - x[k - 1]) + y[k - 1];
    }
    return out;
  }

  /** The fitted knots. Throws `NotFittedError` before `fit`. */
  get knots(): IsotonicState {
    return this.fitted();
  }

  private fitted(): IsotonicState {
    if (!this.state) throw new NotFittedError('IsotonicRegression');
    return this.state;
  }
}
