import type { DenseMatrix } from '../data/matrix.js';
import type { Neighbors } from './kd-tree.js';
import { NeighborHeap, sortedNeighbors } from './neighbor-heap.js';
import type { NeighborIndex } from './neighbor-index.js';

/**
 * An exact Euclidean k-nearest-neighbour search by scanning every point: the right search in
 * many dimensions, where a k-d tree visits every leaf anyway (see {@link neighborIndex}). Each
 * distance is summed in blocks of 8 dimensions and abandoned as soon as it passes the current
 * k-th nearest, which skips most of the work on all but the nearest points; kept distances are
 * summed in full, in dimension order, so they equal a k-d tree's to the last bit. Equal
 * distances keep the point with the smaller index.
 */
export class BruteForceNeighbors implements NeighborIndex {
  /** Number of indexed points. */
  readonly size: number;
  /** Number of dimensions. */
  readonly dim: number;
  private readonly points: Float64Array;

  /** Indexes the rows of `X` (copied: `X` may change afterwards). */
  constructor(X: DenseMatrix) {
    this.size = X.rows;
    this.dim = X.cols;
    this.points = X.data.slice(0, X.rows * X.cols);
  }

  /** The `k` nearest indexed points of each row of `Q`, nearest first. */
  query(Q: DenseMatrix, k: number): Neighbors {
    return sortedNeighbors(this, Q, k);
  }

  /**
   * Runs the scan for every row of `Q` and hands `visit` the row number and its `k` neighbours
   * (row indices and squared distances, in heap order, in reused buffers).
   */
  forEachQuery(
    Q: DenseMatrix,
    k: number,
    visit: (row: number, indices: Int32Array, squaredDistances: Float64Array) => void,
  ): void {
    if (k > this.size) throw new RangeError(`Asked for ${k} neighbours of ${this.size} points.`);
    const d = this.dim;
    const n = this.size;
    const pts = this.points;
    const q = Q.data;
    const heap = new NeighborHeap(k);
    const blocked = d - (d % 8);
    for (let qi = 0; qi < Q.rows; qi++) {
      heap.reset();
      const qo = qi * d;
      for (let p = 0; p < n; p++) {
        // Until k points are held every point is kept, even at an infinite distance.
        const full = heap.count === k;
        const worst = heap.worst;
        const o = p * d;
        let s = 0;
        let j = 0;
        for (; j < blocked; j += 8) {
          const t0 = pts[o + j] - q[qo + j];
          const t1 = pts[o + j + 1] - q[qo + j + 1];
          const t2 = pts[o + j + 2] - q[qo + j + 2];
          const t3 = pts[o + j + 3] - q[qo + j + 3];
          const t4 = pts[o + j + 4] - q[qo + j + 4];
          const t5 = pts[o + j + 5] - q[qo + j + 5];
          const t6 = pts[o + j + 6] - q[qo + j + 6];
          const t7 = pts[o + j + 7] - q[qo + j + 7];
          // Added one by one, in order, so that a kept sum equals the plain loop's.
          s += t0 * t0;
          s += t1 * t1;
          s += t2 * t2;
          s += t3 * t3;
          s += t4 * t4;
          s += t5 * t5;
          s += t6 * t6;
          s += t7 * t7;
          if (full && s >= worst) break;
        }
        if (full && s >= worst) continue;
        for (; j < d; j++) {
          const t = pts[o + j] - q[qo + j];
          s += t * t;
        }
        heap.push(s, p);
      }
      visit(qi, heap.indices, heap.distances);
    }
  }
}
