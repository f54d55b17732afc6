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

  /** {@inheritDoc NeighborIndex.query} */
  query(Q: DenseMatrix, k: number): Neighbors {
    return sortedNeighbors(this, Q, k);
  }

  /** {@inheritDoc NeighborIndex.forEachQuery} */
  forEachQuery(
    Q: DenseMatrix,
    k: number,
    visit: (row: number, indices: Int32Array, squaredDistances: Float64Array) => void,
  ): void {
    const heap = new NeighborHeap(k, this.size);
    const { dim: d, size: n, points: pts } = this;
    const q = Q.data;
    for (let qi = 0; qi < Q.rows; qi++) {
      heap.reset();
      const qo = qi * d;
      for (let p = 0; p < n; p++) {
        // Until k points are held every point is kept, even at an infinite distance.
        const full = heap.count === k;
        const worst = heap.worst;
        const o = p * d;
        let s = 0;
        // Summed in dimension order (so a kept sum equals the k-d tree's), checked every 8.
        for (let j = 0; j < d && !(full && s >= worst);) {
          const end = Math.min(j + 8, d);
          for (; j < end; j++) {
            const t = pts[o + j] - q[qo + j];
            s += t * t;
          }
        }
        if (full && s >= worst) continue;
        heap.push(s, p);
      }
      visit(qi, heap.indices, heap.distances);
    }
  }
}
