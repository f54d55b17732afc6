import { EigenvalueDecomposition, Matrix } from 'ml-matrix';
import type { DenseMatrix } from '../data/matrix.js';
import { denseMatrix } from '../data/matrix.js';
import { Random } from '../data/random.js';
import { EstimatorInputError } from '../errors.js';
import { neighborIndex } from '../estimators/neighbor-index.js';
import { checkMatrix } from '../estimators/input-checks.js';
import { checkChoice, checkNumber } from '../estimators/param-checks.js';
import { QuadTree } from './quadtree.js';

/** Options of {@link tsne}. */
export interface TsneOptions {
  /** Effective number of neighbours each point attends to. Default 30 (must be below the row count). */
  readonly perplexity?: number;
  /** Barnes–Hut accuracy: cells narrower than θ × distance act as one point. Default 0.5. */
  readonly theta?: number;
  /** Gradient-descent iterations in total. Default 1,000. */
  readonly nIter?: number;
  /** Factor on the input affinities during the first iterations, to separate clusters. Default 12. */
  readonly earlyExaggeration?: number;
  /** Iterations with early exaggeration (and momentum 0.5). Default 250. */
  readonly exaggerationIter?: number;
  /** Step size, or `'auto'` = max(n / earlyExaggeration / 4, 50) as scikit-learn. Default `'auto'`. */
  readonly learningRate?: number | 'auto';
  /** `'pca'` (default): start from the first two principal components; `'random'`: small Gaussian noise. */
  readonly init?: 'pca' | 'random';
  /** Seed of the random initialisation (and of nothing else). Default 0. */
  readonly seed?: number;
  /** Most rows accepted. Default 20,000. */
  readonly maxRows?: number;
}

/** A t-SNE embedding and its final cost. */
export interface TsneResult {
  /** The 2D coordinates, one row per input row. */
  readonly embedding: DenseMatrix;
  /** The Kullback–Leibler divergence between input and embedding affinities at the end. */
  readonly klDivergence: number;
}

/**
 * t-SNE (van der Maaten & Hinton 2008) to two dimensions with the Barnes–Hut approximation
 * (van der Maaten 2014), following scikit-learn's `TSNE(method='barnes_hut')`: input affinities
 * from the 3·perplexity nearest neighbours (k-d tree) with a per-point bandwidth found by
 * bisection, symmetrised and normalised; PCA initialisation scaled to a standard deviation of
 * 1e-4; gradient descent with momentum (0.5 then 0.8), adaptive gains and early exaggeration.
 * Deterministic for a given input and options.
 *
 * Hand-written: the npm t-SNE packages (tsne-js, @keckelt/tsne, druidjs) are exact O(n²) per
 * iteration, far from the 3,000-points-in-10-seconds target; this one keeps the sparse affinities
 * and the quadtree in typed arrays.
 *
 * @example
 * ```ts
 * const { embedding } = tsne(test.X, { perplexity: 30, seed: 1 });
 * ```
 */
export function tsne(X: DenseMatrix, options: TsneOptions = {}): TsneResult {
  const perplexity = options.perplexity ?? 30;
  const theta = options.theta ?? 0.5;
  const nIter = options.nIter ?? 1000;
  const exaggeration = options.earlyExaggeration ?? 12;
  const exaggerationIter = options.exaggerationIter ?? 250;
  const init = options.init ?? 'pca';
  const seed = options.seed ?? 0;
  const maxRows = options.maxRows ?? 20_000;
  checkMatrix('tsne', X);
  checkNumber('tsne', 'perplexity', perplexity, { min: 1 });
  checkNumber('tsne', 'theta', theta, { min: 0 });
  checkNumber('tsne', 'nIter', nIter, { min: 1, integer: true });
  checkNumber('tsne', 'earlyExaggeration', exaggeration, { min: 1 });
  checkNumber('tsne', 'exaggerationIter', exaggerationIter, { min: 0, integer: true });
  checkChoice('tsne', 'init', init, ['pca', 'random']);
  checkNumber('tsne', 'seed', seed);
  checkNumber('tsne', 'maxRows', maxRows, { min: 2, integer: true });
  const n = X.rows;
  if (n > maxRows) {
    throw new EstimatorInputError(
      'tsne',
      `${n} rows exceed maxRows (${maxRows}); embed a sample, or raise maxRows.`,
    );
  }
  if (n - 1 < perplexity) {
    throw new EstimatorInputError(
      'tsne',
      `perplexity ${perplexity} needs more than ${perplexity} rows, got ${n}; lower it.`,
    );
  }
  const learningRate =
    options.learningRate === undefined || options.learningRate === 'auto'
      ? Math.max(n / exaggeration / 4, 50)
      : options.learningRate;
  checkNumber('tsne', 'learningRate', learningRate, { min: 0, exclusiveMin: true });

  const P = jointProbabilities(X, perplexity);
  const y = init === 'pca' ? pcaInit(X) : randomInit(n, seed);
  const update = new Float64Array(2 * n);
  const gains = new Float64Array(2 * n).fill(1);
  const grad = new Float64Array(2 * n);
  const tree = new QuadTree(n);
  const theta2 = theta * theta;
  let sumQ = 1;
  for (let it = 0; it < nIter; it++) {
    const early = it < exaggerationIter;
    const pScale = early ? exaggeration : 1;
    const momentum = early ? 0.5 : 0.8;
    sumQ = gradient(P, y, pScale, tree, theta2, grad);
    for (let k = 0; k < 2 * n; k++) {
      const g = grad[k];
      // Delta-bar-delta gains: grow while the direction holds, shrink when it flips.
      gains[k] = update[k] * g < 0 ? gains[k] + 0.2 : Math.max(gains[k] * 0.8, 0.01);
      update[k] = momentum * update[k] - learningRate * gains[k] * g;
      y[k] += update[k];
    }
  }
  return { embedding: denseMatrix(n, 2, y), klDivergence: klDivergence(P, y, sumQ) };
}

/** Sparse symmetric input affinities in CSR form, summing to 1. */
interface Affinities {
  indptr: Int32Array;
  indices: Int32Array;
  values: Float64Array;
}

/**
 * p_ij = (p_j|i + p_i|j) / Σ over the k = min(n − 1, ⌊3·perplexity + 1⌋) nearest neighbours,
 * each p_·|i a Gaussian whose bandwidth gives the conditional distribution the target perplexity.
 */
function jointProbabilities(X: DenseMatrix, perplexity: number): Affinities {
  const n = X.rows;
  const k = Math.min(n - 1, Math.floor(3 * perplexity + 1));
  const nb = neighborIndex(X, 16, k + 1).query(X, k + 1);
  const nbr = new Int32Array(n * k);
  const dist2 = new Float64Array(n * k);
  for (let i = 0; i < n; i++) {
    // Drop the point itself (or, among exact duplicates, one entry).
    let w = 0;
    let droppedSelf = false;
    for (let t = 0; t <= k && w < k; t++) {
      const j = nb.indices[i * (k + 1) + t];
      if (!droppedSelf && j === i) {
        droppedSelf = true;
        continue;
      }
      nbr[i * k + w] = j;
      const d = nb.distances[i * (k + 1) + t];
      dist2[i * k + w] = d * d;
      w++;
    }
  }
  const cond = conditionalProbabilities(dist2, n, k, perplexity);
  // Symmetrise: add p_j|i at (i, j) and at (j, i), then merge duplicates per row.
  const rowCount = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) {
    for (let t = 0; t < k; t++) {
      rowCount[i + 1]++;
      rowCount[nbr[i * k + t] + 1]++;
    }
  }
  for (let i = 0; i < n; i++) rowCount[i + 1] += rowCount[i];
  const cols = new Int32Array(rowCount[n]);
  const vals = new Float64Array(rowCount[n]);
  const fill = rowCount.slice(0, n);
  for (let i = 0; i < n; i++) {
    for (let t = 0; t < k; t++) {
      const j = nbr[i * k + t];
      const p = cond[i * k + t];
      cols[fill[i]] = j;
      vals[fill[i]++] = p;
      cols[fill[j]] = i;
      vals[fill[j]++] = p;
    }
  }
  const indptr = new Int32Array(n + 1);
  const outCols: number[] = [];
  const outVals: number[] = [];
  const acc = new Float64Array(n);
  const seen = new Int32Array(n).fill(-1);
  const touched: number[] = [];
  let total = 0;
  for (let i = 0; i < n; i++) {
    touched.length = 0;
    for (let e = rowCount[i]; e < rowCount[i + 1]; e++) {
      const j = cols[e];
      if (seen[j] !== i) {
        seen[j] = i;
        acc[j] = 0;
        touched.push(j);
      }
      acc[j] += vals[e];
    }
    touched.sort((a, b) => a - b);
    for (const j of touched) {
      outCols.push(j);
      outVals.push(acc[j]);
      total += acc[j];
    }
    indptr[i + 1] = outCols.length;
  }
  const values = Float64Array.from(outVals);
  const norm = Math.max(total, Number.MIN_VALUE);
  for (let e = 0; e < values.length; e++) values[e] /= norm;
  return { indptr, indices: Int32Array.from(outCols), values };
}

/** p_j|i over each row's neighbours, with β found by bisection so that 2^H = perplexity. */
function conditionalProbabilities(
  dist2: Float64Array,
  n: number,
  k: number,
  perplexity: number,
): Float64Array {
  const out = new Float64Array(n * k);
  const target = Math.log(perplexity);
  for (let i = 0; i < n; i++) {
    let beta = 1;
    let lo = -Infinity;
    let hi = Infinity;
    const o = i * k;
    for (let step = 0; step < 100; step++) {
      let sum = 0;
      for (let t = 0; t < k; t++) {
        const p = Math.exp(-dist2[o + t] * beta);
        out[o + t] = p;
        sum += p;
      }
      if (sum === 0) sum = 1e-8;
      let sumDP = 0;
      for (let t = 0; t < k; t++) {
        out[o + t] /= sum;
        sumDP += dist2[o + t] * out[o + t];
      }
      const entropy = Math.log(sum) + beta * sumDP;
      const diff = entropy - target;
      if (Math.abs(diff) <= 1e-5) break;
      if (diff > 0) {
        lo = beta;
        beta = hi === Infinity ? beta * 2 : (beta + hi) / 2;
      } else {
        hi = beta;
        beta = lo === -Infinity ? beta / 2 : (beta + lo) / 2;
      }
    }
  }
  return out;
}

/** Fills `grad` with the KL gradient and returns Z = Σ_{i≠j} (1 + d²)⁻¹ (Barnes–Hut). */
function gradient(
  P: Affinities,
  y: Float64Array,
  pScale: number,
  tree: QuadTree,
  theta2: number,
  grad: Float64Array,
): number {
  const n = y.length / 2;
  // Points taken in Morton (Z-curve) order: consecutive traversals walk the same cells, which
  // keeps them in cache (about 1.5× faster than input order at 3,000 points).
  const order = mortonOrder(y);
  tree.build(y, order);
  grad.fill(0);
  let sumQ = 0;
  for (let t = 0; t < n; t++) {
    const i = order[t];
    sumQ += tree.repulsion(i, y[2 * i], y[2 * i + 1], theta2, grad);
  }
  // grad now holds the repulsive sums; combine with the attractive forces.
  const { indptr, indices, values } = P;
  const invZ = 1 / sumQ;
  for (let i = 0; i < n; i++) {
    const yi0 = y[2 * i];
    const yi1 = y[2 * i + 1];
    let ax = 0;
    let ay = 0;
    for (let e = indptr[i]; e < indptr[i + 1]; e++) {
      const j = indices[e];
      const dx = yi0 - y[2 * j];
      const dy = yi1 - y[2 * j + 1];
      const pq = (pScale * values[e]) / (1 + dx * dx + dy * dy);
      ax += pq * dx;
      ay += pq * dy;
    }
    grad[2 * i] = 4 * (ax - grad[2 * i] * invZ);
    grad[2 * i + 1] = 4 * (ay - grad[2 * i + 1] * invZ);
  }
  return sumQ;
}

/** Point indices sorted along a Z-order curve over their 16-bit quantised coordinates. */
function mortonOrder(y: Float64Array): Int32Array {
  const n = y.length / 2;
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (let i = 0; i < n; i++) {
    minX = Math.min(minX, y[2 * i]);
    maxX = Math.max(maxX, y[2 * i]);
    minY = Math.min(minY, y[2 * i + 1]);
    maxY = Math.max(maxY, y[2 * i + 1]);
  }
  const sx = 65535 / Math.max(maxX - minX, 1e-300);
  const sy = 65535 / Math.max(maxY - minY, 1e-300);
  const keys = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const code =
      interleave(Math.floor((y[2 * i] - minX) * sx)) +
      2 * interleave(Math.floor((y[2 * i + 1] - minY) * sy));
    // Key and index in one double (32 + 15 bits < 2^53): a native typed-array sort does the rest.
    keys[i] = code * 32768 + i;
  }
  keys.sort();
  const order = new Int32Array(n);
  for (let t = 0; t < n; t++) order[t] = keys[t] % 32768;
  return order;
}

/** Spreads the 16 bits of `v` to the even bit positions (as a non-negative number). */
function interleave(v: number): number {
  let x = v & 0xffff;
  x = (x | (x << 8)) & 0x00ff00ff;
  x = (x | (x << 4)) & 0x0f0f0f0f;
  x = (x | (x << 2)) & 0x33333333;
  x = (x | (x << 1)) & 0x55555555;
  return x >>> 0;
}

/** KL(P ‖ Q) over the non-zero p_ij, with Z from the last Barnes–Hut pass. */
function klDivergence(P: Affinities, y: Float64Array, sumQ: number): number {
  const n = y.length / 2;
  let kl = 0;
  for (let i = 0; i < n; i++) {
    for (let e = P.indptr[i]; e < P.indptr[i + 1]; e++) {
      const j = P.indices[e];
      const dx = y[2 * i] - y[2 * j];
      const dy = y[2 * i + 1] - y[2 * j + 1];
      const q = 1 / (1 + dx * dx + dy * dy) / sumQ;
      const p = P.values[e];
      kl += p * Math.log(Math.max(p, 1e-12) / Math.max(q, 1e-12));
    }
  }
  return kl;
}

/** The first two principal components of `X`, scaled so the first has standard deviation 1e-4. */
function pcaInit(X: DenseMatrix): Float64Array {
  const n = X.rows;
  const d = X.cols;
  const mean = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mean[j] += X.data[i * d + j];
  for (let j = 0; j < d; j++) mean[j] /= n;
  const cov = new Matrix(d, d);
  for (let i = 0; i < n; i++) {
    for (let a = 0; a < d; a++) {
      const va = X.data[i * d + a] - mean[a];
      for (let b = a; b < d; b++) cov.set(a, b, cov.get(a, b) + va * (X.data[i * d + b] - mean[b]));
    }
  }
  for (let a = 0; a < d; a++) for (let b = 0; b < a; b++) cov.set(a, b, cov.get(b, a));
  const evd = new EigenvalueDecomposition(cov, { assumeSymmetric: true });
  const order = evd.realEigenvalues
    .map((v, i) => [v, i])
    .sort((p, q) => q[0] - p[0])
    .map((p) => p[1]);
  const V = evd.eigenvectorMatrix;
  const y = new Float64Array(2 * n);
  for (let c = 0; c < 2; c++) {
    const col = order[Math.min(c, d - 1)];
    // Fix the sign (largest loading positive) so the start does not depend on the solver.
    let big = 0;
    for (let j = 0; j < d; j++) if (Math.abs(V.get(j, col)) > Math.abs(big)) big = V.get(j, col);
    const sign = big < 0 ? -1 : 1;
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let j = 0; j < d; j++) s += (X.data[i * d + j] - mean[j]) * V.get(j, col) * sign;
      // With one input column both coordinates would coincide: offset the second by the row index.
      y[2 * i + c] = c === 1 && d === 1 ? i : s;
    }
  }
  let m = 0;
  for (let i = 0; i < n; i++) m += y[2 * i];
  m /= n;
  let v = 0;
  for (let i = 0; i < n; i++) v += (y[2 * i] - m) ** 2;
  const std = Math.sqrt(v / n) || 1;
  for (let k = 0; k < 2 * n; k++) y[k] = (y[k] / std) * 1e-4;
  return y;
}

function randomInit(n: number, seed: number): Float64Array {
  const rng = new Random(seed);
  const y = new Float64Array(2 * n);
  for (let k = 0; k < 2 * n; k++) y[k] = 1e-4 * rng.normal();
  return y;
}
