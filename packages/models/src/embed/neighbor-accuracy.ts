import type { DenseMatrix } from '../data/matrix.js';
import { neighborIndex } from '../estimators/neighbor-index.js';

/**
 * Leave-one-out k-NN class accuracy: the share of rows whose k nearest other rows vote (majority,
 * ties to the smaller label) for their own class. Comparing it in 3D and in a 2D embedding says how
 * well the embedding kept the classes' neighbourhoods.
 *
 * @example
 * ```ts
 * neighborAccuracy(test.X, test.y) - neighborAccuracy(tsne(test.X).embedding, test.y); // the loss, in accuracy
 * ```
 */
export function neighborAccuracy(X: DenseMatrix, y: Int32Array, k = 5): number {
  const nb = neighborIndex(X, 16, k + 1).query(X, k + 1);
  let hits = 0;
  for (let i = 0; i < X.rows; i++) {
    const votes = new Map<number, number>();
    let used = 0;
    for (let t = 0; t <= k && used < k; t++) {
      const j = nb.indices[i * (k + 1) + t];
      if (j === i) continue;
      used++;
      votes.set(y[j], (votes.get(y[j]) ?? 0) + 1);
    }
    let best = -1;
    let bestVotes = -1;
    for (const [label, v] of [...votes].sort((a, b) => a[0] - b[0])) {
      if (v > bestVotes) {
        bestVotes = v;
        best = label;
      }
    }
    if (best === y[i]) hits++;
  }
  return hits / X.rows;
}
