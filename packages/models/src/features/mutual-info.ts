import digamma from '@stdlib/math-base-special-digamma';
import type { DenseMatrix } from '../data/matrix.js';
import { Random } from '../data/random.js';
import { EstimatorInputError } from '../errors.js';
import { checkLabels, checkMatrix, encodeLabels } from '../estimators/input-checks.js';
import { checkNumber } from '../estimators/param-checks.js';

/** Options of {@link mutualInfoClassif}. */
export interface MutualInfoOptions {
  /** Neighbours used by the k-NN estimator (scikit-learn's `n_neighbors`, default 3). */
  readonly nNeighbors?: number;
  /** Seed of the tiny noise that breaks ties between equal feature values (default 0). */
  readonly seed?: number;
}

/**
 * Mutual information (in nats) between each continuous feature and the class label, by the k-NN
 * estimator of Ross (2014) that scikit-learn's `mutual_info_classif` uses: each feature is scaled
 * to unit variance and jittered by 1e-10 (seeded) to break ties; for each sample, the distance to
 * its k-th neighbour within its class sets a radius, and the number of samples of any class inside
 * that radius enters the digamma formula. Negative estimates are clipped to 0.
 *
 * Features are one-dimensional, so neighbours are found on sorted values in O(n log n) instead of
 * with a k-d tree.
 *
 * @example
 * ```ts
 * const mi = mutualInfoClassif(train.X, train.y, { seed: 1 });
 * ```
 */
export function mutualInfoClassif(
  X: DenseMatrix,
  y: Int32Array,
  options: MutualInfoOptions = {},
): Float64Array {
  const nNeighbors = options.nNeighbors ?? 3;
  checkNumber('mutualInfoClassif', 'nNeighbors', nNeighbors, { min: 1, integer: true });
  checkMatrix('mutualInfoClassif', X);
  checkLabels('mutualInfoClassif', X, y);
  const { classes, yIndex } = encodeLabels(y);
  const n = X.rows;
  const p = X.cols;
  if (classes.length < 2)
    throw new EstimatorInputError('mutualInfoClassif', 'y has a single class.');
  const rng = new Random(options.seed ?? 0);
  const col = new Float64Array(n);
  const out = new Float64Array(p);
  const noise = new Float64Array(n * p);
  // Noise is drawn row-major like NumPy's standard_normal((n, p)), so it does not depend on p's order.
  for (let i = 0; i < noise.length; i++) noise[i] = rng.normal();
  for (let j = 0; j < p; j++) {
    for (let i = 0; i < n; i++) {
      const v = X.data[i * p + j];
      col[i] = v;
    }
    let mean = 0;
    for (let i = 0; i < n; i++) mean += col[i];
    mean /= n;
    let variance = 0;
    for (let i = 0; i < n; i++) variance += (col[i] - mean) * (col[i] - mean);
    const std = Math.sqrt(variance / n);
    // Scale to unit variance without centring (scikit-learn's `scale(with_mean=False)`).
    const scale = std > 0 ? std : 1;
    let meanAbs = 0;
    for (let i = 0; i < n; i++) {
      col[i] /= scale;
      meanAbs += Math.abs(col[i]);
    }
    meanAbs /= n;
    const amp = 1e-10 * Math.max(1, meanAbs);
    for (let i = 0; i < n; i++) col[i] += amp * noise[i * p + j];
    out[j] = miContinuousDiscrete(col, yIndex, classes.length, nNeighbors);
  }
  return out;
}

/** Ross's estimator for one continuous variable `c` and discrete labels `d ∈ 0 … k−1`. */
function miContinuousDiscrete(
  c: Float64Array,
  d: Int32Array,
  k: number,
  nNeighbors: number,
): number {
  const n = c.length;
  const counts = new Int32Array(k);
  for (let i = 0; i < n; i++) counts[d[i]]++;
  // Samples sorted by value, overall and within each class.
  const sortedAll = Float64Array.from(c).sort();
  const byClass: Float64Array[] = [];
  for (let cl = 0; cl < k; cl++) byClass.push(new Float64Array(counts[cl]));
  const fill = new Int32Array(k);
  for (let i = 0; i < n; i++) byClass[d[i]][fill[d[i]]++] = c[i];
  for (const a of byClass) a.sort();

  let used = 0;
  let sumDigK = 0;
  let sumDigCount = 0;
  let sumDigM = 0;
  for (let cl = 0; cl < k; cl++) {
    const vals = byClass[cl];
    const count = vals.length;
    if (count <= 1) continue; // a class seen once carries no neighbour information
    const kk = Math.min(nNeighbors, count - 1);
    const digK = digamma(kk);
    const digCount = digamma(count);
    for (let pos = 0; pos < count; pos++) {
      const r = kthNeighbourDistance(vals, pos, kk);
      // Points strictly closer than r (scikit-learn queries radius nextafter(r, 0)), itself included.
      const m = countWithin(sortedAll, vals[pos], r);
      sumDigK += digK;
      sumDigCount += digCount;
      sumDigM += digamma(m);
      used++;
    }
  }
  if (used === 0) return 0;
  const mi = digamma(used) + sumDigK / used - sumDigCount / used - sumDigM / used;
  return Math.max(0, mi);
}

/** Distance from `a[pos]` to its k-th nearest other value in the sorted array `a`. */
function kthNeighbourDistance(a: Float64Array, pos: number, k: number): number {
  let left = pos - 1;
  let right = pos + 1;
  let dist = 0;
  for (let step = 0; step < k; step++) {
    const dl = left >= 0 ? a[pos] - a[left] : Infinity;
    const dr = right < a.length ? a[right] - a[pos] : Infinity;
    if (dl <= dr) {
      dist = dl;
      left--;
    } else {
      dist = dr;
      right++;
    }
  }
  return dist;
}

/**
 * Number of values `v` of sorted `a` with `|v − x| < r` (or `= 0` when `r` is 0: the radius query
 * of scikit-learn at `nextafter(r, 0)` always counts the point itself).
 */
function countWithin(a: Float64Array, x: number, r: number): number {
  if (r === 0) r = Number.MIN_VALUE;
  // First index with x − a[i] < r (differences shrink as i grows on the left side) ...
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (x - a[mid] < r) hi = mid;
    else lo = mid + 1;
  }
  const first = lo;
  // ... and first index with a[i] − x ≥ r.
  lo = first;
  hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid] - x < r) lo = mid + 1;
    else hi = mid;
  }
  return lo - first;
}
