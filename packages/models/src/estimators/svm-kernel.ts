import type { DenseMatrix } from '../data/matrix.js';

/** A kernel function's parameters. */
export interface KernelSpec {
  /** `rbf`: exp(−γ‖x − z‖²); `linear`: x·z. */
  kind: 'rbf' | 'linear';
  /** The RBF width γ (ignored by the linear kernel). */
  gamma: number;
}

/**
 * Σ (A[a + j] − B[b + j])² over j < d, for rows starting at offsets `a` and `b`: four running
 * sums, so that the loop is not one long chain of dependent additions.
 */
function squaredDistance(
  A: Float64Array,
  a: number,
  B: Float64Array,
  b: number,
  d: number,
): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let j = 0;
  for (; j + 4 <= d; j += 4) {
    const t0 = A[a + j] - B[b + j];
    const t1 = A[a + j + 1] - B[b + j + 1];
    const t2 = A[a + j + 2] - B[b + j + 2];
    const t3 = A[a + j + 3] - B[b + j + 3];
    s0 += t0 * t0;
    s1 += t1 * t1;
    s2 += t2 * t2;
    s3 += t3 * t3;
  }
  for (; j < d; j++) {
    const t = A[a + j] - B[b + j];
    s0 += t * t;
  }
  return s0 + s1 + s2 + s3;
}

/** Σ A[a + j] · B[b + j] over j < d. */
function dot(A: Float64Array, a: number, B: Float64Array, b: number, d: number): number {
  let s = 0;
  for (let j = 0; j < d; j++) s += A[a + j] * B[b + j];
  return s;
}

/** k(a, b) for rows `a` of `A` and `b` of `B`. */
export function kernelValue(
  spec: KernelSpec,
  A: Float64Array,
  a: number,
  B: Float64Array,
  b: number,
  d: number,
): number {
  if (spec.kind === 'linear') return dot(A, a * d, B, b * d, d);
  return Math.exp(-spec.gamma * squaredDistance(A, a * d, B, b * d, d));
}

/**
 * k(x, b) of row `a` of `A` against every row of `B` (`out[b]`, `B.rows` values): the kernel
 * half of an SVM prediction, one call per predicted row.
 */
export function kernelRow(
  spec: KernelSpec,
  A: Float64Array,
  a: number,
  B: DenseMatrix,
  out: Float64Array,
): void {
  const d = B.cols;
  const o = a * d;
  const rows = B.rows;
  const data = B.data;
  if (spec.kind === 'linear') {
    for (let b = 0; b < rows; b++) out[b] = dot(A, o, data, b * d, d);
    return;
  }
  const gamma = spec.gamma;
  for (let b = 0; b < rows; b++) out[b] = Math.exp(-gamma * squaredDistance(A, o, data, b * d, d));
}

/**
 * Kernel rows over a subset of the training rows (one class pair), computed on demand and kept
 * as `Float32Array` (like libsvm's `Qfloat` cache) within a memory budget, least recently used
 * rows dropped first. Symmetry is used: a value already held in another cached row is copied
 * rather than recomputed.
 */
export class KernelCache {
  /** Number of rows in the subset. */
  readonly size: number;
  /** k(x, x) of each row of the subset. */
  readonly diagonal: Float64Array;
  private readonly rows: (Float32Array | null)[];
  private readonly lastUse: Float64Array;
  private readonly capacity: number;
  private readonly points: Float64Array;
  private readonly d: number;
  private held = 0;
  private clock = 0;

  /**
   * @param X - the training matrix.
   * @param subset - the training rows this cache covers.
   * @param budgetBytes - most bytes of cached rows.
   */
  constructor(
    X: DenseMatrix,
    subset: Int32Array,
    private readonly spec: KernelSpec,
    budgetBytes: number,
  ) {
    const n = subset.length;
    const d = X.cols;
    this.size = n;
    this.d = d;
    this.points = new Float64Array(n * d);
    for (let i = 0; i < n; i++)
      this.points.set(X.data.subarray(subset[i] * d, subset[i] * d + d), i * d);
    this.diagonal = new Float64Array(n);
    for (let i = 0; i < n; i++)
      this.diagonal[i] = kernelValue(spec, this.points, i, this.points, i, d);
    this.rows = new Array<Float32Array | null>(n).fill(null);
    this.lastUse = new Float64Array(n);
    this.capacity = Math.max(2, Math.floor(budgetBytes / (4 * Math.max(1, n))));
  }

  /** Whether row `g` is cached. */
  has(g: number): boolean {
    return this.rows[g] !== null;
  }

  /** k(x_g, x_t) for every row t of the subset. */
  row(g: number): Float32Array {
    this.lastUse[g] = ++this.clock;
    const hit = this.rows[g];
    if (hit !== null) return hit;
    if (this.held >= this.capacity) this.evict();
    const n = this.size;
    const d = this.d;
    const x = this.points;
    const r = new Float32Array(n);
    const rbf = this.spec.kind === 'rbf';
    const gamma = this.spec.gamma;
    const o = g * d;
    for (let t = 0; t < n; t++) {
      const other = this.rows[t];
      if (other !== null) {
        r[t] = other[g];
        continue;
      }
      r[t] = rbf ? Math.exp(-gamma * squaredDistance(x, o, x, t * d, d)) : dot(x, o, x, t * d, d);
    }
    this.rows[g] = r;
    this.held++;
    return r;
  }

  private evict(): void {
    let victim = -1;
    let oldest = Infinity;
    for (let g = 0; g < this.rows.length; g++) {
      if (this.rows[g] !== null && this.lastUse[g] < oldest) {
        oldest = this.lastUse[g];
        victim = g;
      }
    }
    if (victim >= 0) {
      this.rows[victim] = null;
      this.held--;
    }
  }
}
