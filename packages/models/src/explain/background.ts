import type { DenseMatrix } from '../data/matrix.js';
import { denseMatrix } from '../data/matrix.js';
import { Random } from '../data/random.js';
import { checkMatrix } from '../estimators/input-checks.js';
import { checkNumber } from '../estimators/param-checks.js';

/** A background summarised to a few weighted rows (see {@link kmeansBackground}). */
export interface WeightedBackground {
  /** The summary rows. */
  readonly data: DenseMatrix;
  /** The share of the original rows each summary row stands for; they add up to 1. */
  readonly weights: Float64Array;
}

/** Options of {@link kmeansBackground}. */
export interface KmeansBackgroundOptions {
  /** Seed of the k-means++ initialisation. @default 0 */
  readonly seed?: number;
  /** Most Lloyd iterations. @default 50 */
  readonly maxIter?: number;
}

/**
 * Summarises a background data set to `k` weighted rows, as shap's `kmeans(X, k)` does: k-means
 * (k-means++ initialisation, seeded; Lloyd iterations until no row changes cluster), each centre
 * weighted by the share of rows in its cluster, and each centre's value in every feature replaced
 * by the nearest value that feature actually takes, so that a summary row never holds a value the
 * model has not seen (an integer or one-hot feature stays integer). Shapley values need one model
 * evaluation per background row and coalition, so a 10-row summary is 10× cheaper than 100 raw
 * rows while keeping the background's spread. With `k ≥ X.rows` the rows are returned with equal
 * weights.
 *
 * Hand-written rather than taken from npm (ml-kmeans): it needs the cluster sizes as weights,
 * the snapping to observed values and the project's cross-platform seeded generator, and is a few
 * dozen lines.
 *
 * @example
 * ```ts
 * const bg = kmeansBackground(train.X, 10, { seed: 1 });
 * kernelShap(model, rows, { background: bg.data, backgroundWeights: bg.weights });
 * ```
 */
export function kmeansBackground(
  X: DenseMatrix,
  k: number,
  options: KmeansBackgroundOptions = {},
): WeightedBackground {
  const seed = options.seed ?? 0;
  const maxIter = options.maxIter ?? 50;
  checkMatrix('kmeansBackground', X);
  checkNumber('kmeansBackground', 'k', k, { min: 1, integer: true });
  checkNumber('kmeansBackground', 'seed', seed);
  checkNumber('kmeansBackground', 'maxIter', maxIter, { min: 1, integer: true });
  const n = X.rows;
  const d = X.cols;
  if (k >= n) {
    return { data: denseMatrix(n, d, X.data.slice()), weights: new Float64Array(n).fill(1 / n) };
  }
  const x = X.data;
  const centres = initialCentres(X, k, new Random(seed));
  const assign = new Int32Array(n).fill(-1);
  const counts = new Float64Array(k);
  for (let iter = 0; iter < maxIter; iter++) {
    let changed = 0;
    for (let i = 0; i < n; i++) {
      const c = nearest(x, i, centres, k, d);
      if (c !== assign[i]) {
        assign[i] = c;
        changed++;
      }
    }
    centres.fill(0);
    counts.fill(0);
    for (let i = 0; i < n; i++) {
      const c = assign[i];
      counts[c]++;
      for (let j = 0; j < d; j++) centres[c * d + j] += x[i * d + j];
    }
    for (let c = 0; c < k; c++) {
      // An emptied cluster keeps weight 0 and a centre at an arbitrary row; it does not vote.
      if (counts[c] === 0) centres.set(x.subarray(0, d), c * d);
      else for (let j = 0; j < d; j++) centres[c * d + j] /= counts[c];
    }
    if (changed === 0) break;
  }
  snapToObserved(X, centres, k);
  return { data: denseMatrix(k, d, centres), weights: counts.map((c) => c / n) };
}

/** k-means++: the first centre uniformly, each next one with probability ∝ squared distance. */
function initialCentres(X: DenseMatrix, k: number, rng: Random): Float64Array {
  const { rows: n, cols: d, data: x } = X;
  const centres = new Float64Array(k * d);
  const dist = new Float64Array(n).fill(Infinity);
  let pick = rng.int(n);
  for (let c = 0; c < k; c++) {
    centres.set(x.subarray(pick * d, pick * d + d), c * d);
    let total = 0;
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let j = 0; j < d; j++) s += (x[i * d + j] - centres[c * d + j]) ** 2;
      if (s < dist[i]) dist[i] = s;
      total += dist[i];
    }
    if (total === 0) pick = rng.int(n);
    else {
      let u = rng.next() * total;
      pick = n - 1;
      for (let i = 0; i < n; i++) {
        u -= dist[i];
        if (u < 0) {
          pick = i;
          break;
        }
      }
    }
  }
  return centres;
}

function nearest(x: Float64Array, i: number, centres: Float64Array, k: number, d: number): number {
  let best = 0;
  let bestDist = Infinity;
  for (let c = 0; c < k; c++) {
    let s = 0;
    for (let j = 0; j < d && s < bestDist; j++) s += (x[i * d + j] - centres[c * d + j]) ** 2;
    if (s < bestDist) {
      bestDist = s;
      best = c;
    }
  }
  return best;
}

/** Replaces each centre's value of feature j by the closest value of column j in `X`. */
function snapToObserved(X: DenseMatrix, centres: Float64Array, k: number): void {
  const { rows: n, cols: d, data: x } = X;
  const column = new Float64Array(n);
  for (let j = 0; j < d; j++) {
    for (let i = 0; i < n; i++) column[i] = x[i * d + j];
    column.sort();
    for (let c = 0; c < k; c++) {
      const v = centres[c * d + j];
      // Binary search for the first value ≥ v, then take the closer neighbour.
      let lo = 0;
      let hi = n;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (column[mid] < v) lo = mid + 1;
        else hi = mid;
      }
      const above = column[Math.min(lo, n - 1)];
      const below = column[Math.max(lo - 1, 0)];
      centres[c * d + j] = Math.abs(above - v) < Math.abs(v - below) ? above : below;
    }
  }
}
