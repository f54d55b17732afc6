import type { DenseMatrix } from '../data/matrix.js';
import { NeighborHeap, sortedNeighbors } from './neighbor-heap.js';
import type { NeighborIndex } from './neighbor-index.js';

/** The `k` nearest neighbours of each query row. */
export interface Neighbors {
  /** Number of neighbours per query. */
  readonly k: number;
  /** Row indices into the indexed points, `queries × k` row-major, nearest first. */
  readonly indices: Int32Array;
  /** Euclidean distances matching `indices`. */
  readonly distances: Float64Array;
}

/**
 * An exact k-d tree over the rows of a matrix, for Euclidean k-nearest-neighbour queries.
 *
 * Hand-written rather than taken from npm: the JavaScript k-d trees there store points as arrays
 * of objects (slow and memory-hungry at 100k rows) and ml-knn's is ~3000× slower than
 * scikit-learn. This one keeps everything in typed arrays: points are copied in tree order so
 * that a leaf is a contiguous block, the tree is implicit (node `i` has children `2i+1`, `2i+2`,
 * split at the median of the widest dimension, as scikit-learn's `KDTree`), and each node stores
 * its bounding box, so the search prunes a subtree when the box is farther than the current k-th
 * neighbour.
 */
export class KDTree implements NeighborIndex {
  /** Number of indexed points. */
  readonly size: number;
  /** Number of dimensions. */
  readonly dim: number;
  private readonly points: Float64Array;
  private readonly order: Int32Array;
  private readonly start: Int32Array;
  private readonly end: Int32Array;
  private readonly lo: Float64Array;
  private readonly hi: Float64Array;
  private readonly firstLeaf: number;

  /**
   * Indexes the rows of `X` (not copied until build; `X` may change afterwards).
   *
   * @param leafSize - the most points a leaf holds; affects speed only, never results.
   */
  constructor(X: DenseMatrix, leafSize = 16) {
    const n = X.rows;
    const d = X.cols;
    this.size = n;
    this.dim = d;
    let levels = 0;
    while (n / 2 ** levels > leafSize) levels++;
    const nNodes = 2 ** (levels + 1) - 1;
    this.firstLeaf = 2 ** levels - 1;
    this.start = new Int32Array(nNodes);
    this.end = new Int32Array(nNodes);
    this.lo = new Float64Array(nNodes * d);
    this.hi = new Float64Array(nNodes * d);
    const order = new Int32Array(n);
    for (let i = 0; i < n; i++) order[i] = i;
    const x = X.data;
    this.start[0] = 0;
    this.end[0] = n;
    for (let node = 0; node < nNodes; node++) {
      const s = this.start[node];
      const e = this.end[node];
      // Bounding box of the node's points.
      for (let j = 0; j < d; j++) {
        this.lo[node * d + j] = Infinity;
        this.hi[node * d + j] = -Infinity;
      }
      for (let p = s; p < e; p++) {
        const o = order[p] * d;
        for (let j = 0; j < d; j++) {
          const v = x[o + j];
          if (v < this.lo[node * d + j]) this.lo[node * d + j] = v;
          if (v > this.hi[node * d + j]) this.hi[node * d + j] = v;
        }
      }
      if (node >= this.firstLeaf) continue;
      let best = 0;
      let spread = -1;
      for (let j = 0; j < d; j++) {
        const w = this.hi[node * d + j] - this.lo[node * d + j];
        if (w > spread) {
          spread = w;
          best = j;
        }
      }
      const mid = (s + e) >>> 1;
      if (e - s > 1) quickselect(order, x, d, best, s, e - 1, mid);
      this.start[2 * node + 1] = s;
      this.end[2 * node + 1] = mid;
      this.start[2 * node + 2] = mid;
      this.end[2 * node + 2] = e;
    }
    this.order = order;
    this.points = new Float64Array(n * d);
    for (let p = 0; p < n; p++) this.points.set(x.subarray(order[p] * d, order[p] * d + d), p * d);
  }

  /**
   * The `k` nearest indexed points of each row of `Q` (Euclidean), nearest first. Equal
   * distances keep the point met first in tree order.
   */
  query(Q: DenseMatrix, k: number): Neighbors {
    return sortedNeighbors(this, Q, k);
  }

  /**
   * Runs the search for every query row and hands `visit` the row number and its `k` neighbours
   * (original row indices and squared distances, in heap order, in reused buffers). Lets callers
   * aggregate votes without materialising `rows × k` arrays.
   */
  forEachQuery(
    Q: DenseMatrix,
    k: number,
    visit: (row: number, indices: Int32Array, squaredDistances: Float64Array) => void,
  ): void {
    const d = this.dim;
    const q = Q.data;
    const pts = this.points;
    const { start, end, lo, hi, firstLeaf, order } = this;
    const heap = new NeighborHeap(k, this.size);
    const heapI = heap.indices;
    const stackNode = new Int32Array(64);
    const stackDist = new Float64Array(64);
    const query = new Float64Array(d);
    for (let qi = 0; qi < Q.rows; qi++) {
      for (let j = 0; j < d; j++) query[j] = q[qi * d + j];
      heap.reset();
      let top = 0;
      stackNode[0] = 0;
      stackDist[0] = 0;
      top = 1;
      while (top > 0) {
        top--;
        const node = stackNode[top];
        if (stackDist[top] >= heap.worst) continue;
        if (node >= firstLeaf) {
          for (let p = start[node]; p < end[node]; p++) {
            let s = 0;
            const o = p * d;
            for (let j = 0; j < d; j++) {
              const t = pts[o + j] - query[j];
              s += t * t;
            }
            heap.push(s, p);
          }
          continue;
        }
        const left = 2 * node + 1;
        const right = left + 1;
        let dl = 0;
        let dr = 0;
        for (let j = 0; j < d; j++) {
          const v = query[j];
          let t = lo[left * d + j] - v;
          if (t < 0) t = v - hi[left * d + j];
          if (t > 0) dl += t * t;
          t = lo[right * d + j] - v;
          if (t < 0) t = v - hi[right * d + j];
          if (t > 0) dr += t * t;
        }
        // Push the farther child first so that the nearer one is searched first.
        if (dl <= dr) {
          stackNode[top] = right;
          stackDist[top++] = dr;
          stackNode[top] = left;
          stackDist[top++] = dl;
        } else {
          stackNode[top] = left;
          stackDist[top++] = dl;
          stackNode[top] = right;
          stackDist[top++] = dr;
        }
      }
      for (let a = 0; a < k; a++) heapI[a] = order[heapI[a]];
      visit(qi, heapI, heap.distances);
    }
  }
}

/** Reorders `idx[lo..hi]` so that position `kth` holds the median by `x[idx*d + dim]`. */
function quickselect(
  idx: Int32Array,
  x: Float64Array,
  d: number,
  dim: number,
  lo: number,
  hi: number,
  kth: number,
): void {
  while (hi > lo) {
    // Median of three as pivot, for sorted or clustered inputs.
    const mid = (lo + hi) >>> 1;
    const a = x[idx[lo] * d + dim];
    const b = x[idx[mid] * d + dim];
    const c = x[idx[hi] * d + dim];
    const pivot = a < b ? (b < c ? b : a < c ? c : a) : a < c ? a : b < c ? c : b;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (x[idx[i] * d + dim] < pivot) i++;
      while (x[idx[j] * d + dim] > pivot) j--;
      if (i <= j) {
        const t = idx[i];
        idx[i] = idx[j];
        idx[j] = t;
        i++;
        j--;
      }
    }
    if (kth <= j) hi = j;
    else if (kth >= i) lo = i;
    else return;
  }
}
