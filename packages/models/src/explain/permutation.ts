import type { DenseMatrix } from '../data/matrix.js';
import { denseMatrix } from '../data/matrix.js';
import { Random } from '../data/random.js';
import type { Classifier } from '../estimators/classifier.js';
import { checkLabels, checkMatrix } from '../estimators/input-checks.js';
import { checkNumber } from '../estimators/param-checks.js';
import type { Scorer, ScorerName } from '../metrics/scorer.js';
import { scorer } from '../metrics/scorer.js';

/** Options of {@link permutationImportance}. */
export interface PermutationImportanceOptions {
  /** The score (greater is better): a scorer name or function. Default `'accuracy'`. */
  readonly scoring?: ScorerName | Scorer;
  /** How many times each feature is shuffled. Default 5. */
  readonly nRepeats?: number;
  /** Seed of the shuffles. Default 0. */
  readonly seed?: number;
}

/** Permutation importances: how much the score drops when a feature's values are shuffled. */
export interface PermutationImportance {
  /** The score on the data as given. */
  readonly baseline: number;
  /** Mean drop of each feature over the repeats. */
  readonly importancesMean: Float64Array;
  /** Standard deviation (population) of each feature's drops. */
  readonly importancesStd: Float64Array;
  /** Every drop, `features × nRepeats` row-major. */
  readonly importances: DenseMatrix;
}

/**
 * Permutation feature importance of a fitted classifier (scikit-learn's `permutation_importance`):
 * the drop in score when one feature's column is shuffled, breaking its relation to the label,
 * repeated `nRepeats` times per feature. Measured on held-out data it shows which features the
 * model relies on; features that are correlated share their importance.
 *
 * @example
 * ```ts
 * const imp = permutationImportance(model, test.X, test.y, { nRepeats: 5, seed: 1 });
 * imp.importancesMean; // one value per feature
 * ```
 */
export function permutationImportance(
  estimator: Classifier,
  X: DenseMatrix,
  y: Int32Array,
  options: PermutationImportanceOptions = {},
): PermutationImportance {
  const nRepeats = options.nRepeats ?? 5;
  const seed = options.seed ?? 0;
  checkNumber('permutationImportance', 'nRepeats', nRepeats, { min: 1, integer: true });
  checkNumber('permutationImportance', 'seed', seed);
  checkMatrix('permutationImportance', X);
  checkLabels('permutationImportance', X, y);
  const score = scorer(options.scoring ?? 'accuracy');
  const baseline = score(estimator, X, y);
  const n = X.rows;
  const p = X.cols;
  // One working copy: each feature's column is shuffled in place, then restored.
  const work = denseMatrix(n, p, X.data.slice());
  const saved = new Float64Array(n);
  const rng = new Random(seed);
  const importances = denseMatrix(p, nRepeats);
  for (let j = 0; j < p; j++) {
    for (let i = 0; i < n; i++) saved[i] = work.data[i * p + j];
    for (let r = 0; r < nRepeats; r++) {
      const perm = rng.permutation(n);
      for (let i = 0; i < n; i++) work.data[i * p + j] = saved[perm[i]];
      importances.data[j * nRepeats + r] = baseline - score(estimator, work, y);
    }
    for (let i = 0; i < n; i++) work.data[i * p + j] = saved[i];
  }
  const importancesMean = new Float64Array(p);
  const importancesStd = new Float64Array(p);
  for (let j = 0; j < p; j++) {
    let m = 0;
    for (let r = 0; r < nRepeats; r++) m += importances.data[j * nRepeats + r];
    m /= nRepeats;
    let v = 0;
    for (let r = 0; r < nRepeats; r++) v += (importances.data[j * nRepeats + r] - m) ** 2;
    importancesMean[j] = m;
    importancesStd[j] = Math.sqrt(v / nRepeats);
  }
  return { baseline, importancesMean, importancesStd, importances };
}
