import type { DenseMatrix } from '../data/matrix.js';
import type { Neighbors } from './kd-tree.js';
import type { NeighborIndex } from './neighbor-index.js';

/**
 * The `k` smallest squared distances seen so far, as a max-heap in typed arrays: the root is the
 * current k-th nearest, so a candidate is kept only when it is nearer than the root. Shared by
 * every neighbour search ({@link KDTree}, {@link BruteForceNeighbors}); equal distances keep the
 * point offered first.
 */
export class NeighborHeap {
  /** Squared distances, in heap order. */
  readonly distances: Float64Array;
  /** Point indices matching `distances`. */
  readonly indices: Int32Array;
  /** Points held (at most `k`). */
  count = 0;
  /** The k-th smallest squared distance once `k` points are held, else `Infinity`. */
  worst = Infinity;

  /**
   * @param k - the number of neighbours kept.
   * @param points - how many points the search offers; `k` may not exceed it.
   */
  constructor(
    readonly k: number,
    points: number,
  ) {
    if (k > points) throw new RangeError(`Asked for ${k} neighbours of ${points} points.`);
    this.distances = new Float64Array(k);
    this.indices = new Int32Array(k);
  }

  /** Empties the heap for the next query. */
  reset(): void {
    this.count = 0;
    this.worst = Infinity;
  }

  /** Offers point `p` at squared distance `s`; kept when fewer than `k` are held or `s < worst`. */
  push(s: number, p: number): void {
    const k = this.k;
    const heapD = this.distances;
    const heapI = this.indices;
    if (this.count < k) {
      // Sift up into the max-heap.
      let c = this.count++;
      while (c > 0) {
        const parent = (c - 1) >> 1;
        if (heapD[parent] >= s) break;
        heapD[c] = heapD[parent];
        heapI[c] = heapI[parent];
        c = parent;
      }
      heapD[c] = s;
      heapI[c] = p;
      if (this.count === k) this.worst = heapD[0];
    } else if (s < this.worst) {
      // Replace the root and sift down.
      let c = 0;
      for (;;) {
        const l = 2 * c + 1;
        if (l >= k) break;
        const r = l + 1;
        const big = r < k && heapD[r] > heapD[l] ? r : l;
        if (heapD[big] <= s) break;
        heapD[c] = heapD[big];
        heapI[c] = heapI[big];
        c = big;
      }
      heapD[c] = s;
      heapI[c] = p;
      this.worst = heapD[0];
    }
  }
}

/**
 * The neighbours of every query in ascending order of distance, from an index's heaps (equal
 * distances keep their heap order, as the search offered them).
 */
export function sortedNeighbors(index: NeighborIndex, Q: DenseMatrix, k: number): Neighbors {
  const m = Q.rows;
  const indices = new Int32Array(m * k);
  const distances = new Float64Array(m * k);
  index.forEachQuery(Q, k, (qi, idx, dist2) => {
    // Heap → ascending order (k is small: insertion sort).
    for (let a = 1; a < k; a++) {
      const dv = dist2[a];
      const iv = idx[a];
      let b = a - 1;
      while (b >= 0 && dist2[b] > dv) {
        dist2[b + 1] = dist2[b];
        idx[b + 1] = idx[b];
        b--;
      }
      dist2[b + 1] = dv;
      idx[b + 1] = iv;
    }
    for (let a = 0; a < k; a++) {
      indices[qi * k + a] = idx[a];
      distances[qi * k + a] = Math.sqrt(dist2[a]);
    }
  });
  return { k, indices, distances };
}
