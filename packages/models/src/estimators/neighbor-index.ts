import type { DenseMatrix } from '../data/matrix.js';
import { BruteForceNeighbors } from './brute-neighbors.js';
import { KDTree, type Neighbors } from './kd-tree.js';

/** An exact Euclidean k-nearest-neighbour search over the rows of a matrix. */
export interface NeighborIndex {
  /** Number of indexed points. */
  readonly size: number;
  /** Number of dimensions. */
  readonly dim: number;
  /** The `k` nearest indexed points of each row of `Q`, nearest first. */
  query(Q: DenseMatrix, k: number): Neighbors;
  /**
   * Runs the search for every row of `Q` and hands `visit` the row number and its `k`
   * neighbours (original row indices and squared distances, in heap order, in reused buffers).
   */
  forEachQuery(
    Q: DenseMatrix,
    k: number,
    visit: (row: number, indices: Int32Array, squaredDistances: Float64Array) => void,
  ): void;
}

/**
 * Dimensions from which a brute-force scan beats a k-d tree: scikit-learn's
 * `algorithm='auto'` switches to brute force above 15 features, where a tree's bounding boxes
 * stop pruning (every leaf is visited, and each node adds a box distance on top).
 */
export const BRUTE_FORCE_MIN_DIM = 16;

/**
 * The neighbour search that suits the data, as scikit-learn's `algorithm='auto'`: a
 * {@link KDTree} below {@link BRUTE_FORCE_MIN_DIM} dimensions, a {@link BruteForceNeighbors}
 * scan from there (or when `k` would reach half the points, where a tree prunes nothing either).
 * Both are exact; only the order of neighbours at equal distances can differ.
 *
 * @param leafSize - the k-d tree's largest leaf; speed only.
 * @param k - the most neighbours a query will ask for, when known.
 */
export function neighborIndex(X: DenseMatrix, leafSize = 16, k = 1): NeighborIndex {
  return X.cols >= BRUTE_FORCE_MIN_DIM || 2 * k >= X.rows
    ? new BruteForceNeighbors(X)
    : new KDTree(X, leafSize);
}
