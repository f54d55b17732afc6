import type { DenseMatrix } from '../data/matrix.js';
import { InvalidParameterError } from '../errors.js';
import type { Classifier } from '../estimators/classifier.js';
import { checkChoice, checkNumber } from '../estimators/param-checks.js';
import type { Scorer, ScorerName } from '../metrics/scorer.js';
import type { CvSpec } from '../selection/cross-validate.js';
import { crossValidate } from '../selection/cross-validate.js';
import type { NamedClassifier } from './voting.js';

/** Options of {@link selectBestModel}. */
export interface SelectBestModelOptions {
  /** The score to maximise (losses are negated, as scikit-learn's scorers). Default `'accuracy'`. */
  readonly scoring?: ScorerName | Scorer;
  /** Cross-validation splits (a fold count, `StratifiedKFold` options, a splitter or splits). Default 5. */
  readonly cv?: CvSpec;
  /**
   * How candidates are ranked: `'mean'` (default) by mean fold score; `'lower-bound'` by mean − std,
   * which prefers models that are good on every fold.
   */
  readonly criterion?: 'mean' | 'lower-bound';
  /**
   * Candidates whose criterion is within `tolerance` of the best count as tied, and the one listed
   * first wins: list simpler models first to prefer them unless a complex one is clearly better.
   * Default 0.
   */
  readonly tolerance?: number;
  /** Fit the winner on all of `X`, `y` (`best` is then ready to predict). Default true. */
  readonly refit?: boolean;
}

/** One candidate's cross-validation result. */
export interface CandidateResult {
  /** The candidate's name. */
  readonly name: string;
  /** The candidate as given (unfitted). */
  readonly estimator: Classifier;
  /** Its position in the candidate list. */
  readonly index: number;
  /** One score per fold. */
  readonly scores: Float64Array;
  /** Mean fold score. */
  readonly meanScore: number;
  /** Standard deviation of the fold scores (population). */
  readonly stdScore: number;
  /** The ranking criterion's value. */
  readonly criterion: number;
  /** 1 for the selected model, then 2, 3, … in ranking order. */
  readonly rank: number;
}

/** The outcome of {@link selectBestModel}. */
export interface ModelSelection {
  /** The winner's name. */
  readonly bestName: string;
  /** The winner: fitted on all the data when `refit`, else unfitted. */
  readonly best: Classifier;
  /** Every candidate in ranking order (best first), e.g. to ensemble the top few. */
  readonly ranking: readonly CandidateResult[];
}

/**
 * Chooses the best of several classifiers by cross-validated score: each candidate is evaluated on
 * the same stratified folds, ranked by its mean (or mean − std) fold score, ties within
 * `tolerance` going to the candidate listed first, and the winner is refitted on all the data.
 *
 * @example
 * ```ts
 * const { best, bestName, ranking } = selectBestModel(
 *   [{ name: 'nb', estimator: new GaussianNB() }, { name: 'knn15', estimator: new KNeighborsClassifier({ nNeighbors: 15 }) }],
 *   train.X, train.y, { scoring: 'neg_log_loss', cv: 5 },
 * );
 * ```
 */
export function selectBestModel(
  candidates: readonly NamedClassifier[],
  X: DenseMatrix,
  y: Int32Array,
  options: SelectBestModelOptions = {},
): ModelSelection {
  const owner = 'selectBestModel';
  if (!candidates || !(candidates.length > 0)) {
    throw new InvalidParameterError(owner, 'candidates', 'needs at least one { name, estimator }.');
  }
  const names = new Set<string>();
  for (const c of candidates) {
    if (typeof c?.name !== 'string' || typeof c.estimator?.fit !== 'function') {
      throw new InvalidParameterError(
        owner,
        'candidates',
        'every entry must be { name: string, estimator: Classifier }.',
      );
    }
    if (names.has(c.name))
      throw new InvalidParameterError(owner, 'candidates', `the name "${c.name}" is used twice.`);
    names.add(c.name);
  }
  const criterion = options.criterion ?? 'mean';
  checkChoice(owner, 'criterion', criterion, ['mean', 'lower-bound']);
  const tolerance = options.tolerance ?? 0;
  checkNumber(owner, 'tolerance', tolerance, { min: 0 });
  const scoring = options.scoring ?? 'accuracy';
  const results = candidates.map((c, index) => {
    const scores = crossValidate(c.estimator, X, y, { cv: options.cv ?? 5, scoring }).testScore;
    const mean = scores.reduce((s, v) => s + v, 0) / scores.length;
    const std = Math.sqrt(scores.reduce((s, v) => s + (v - mean) ** 2, 0) / scores.length);
    const value = criterion === 'mean' ? mean : mean - std;
    return {
      name: c.name,
      estimator: c.estimator,
      index,
      scores,
      meanScore: mean,
      stdScore: std,
      criterion: value,
      rank: 0,
    };
  });
  if (results.some((r) => Number.isNaN(r.criterion))) {
    const bad = results.find((r) => Number.isNaN(r.criterion));
    throw new InvalidParameterError(
      owner,
      'scoring',
      `gave NaN for "${bad?.name}"; use a scorer defined on every fold.`,
    );
  }
  const top = Math.max(...results.map((r) => r.criterion));
  const winner = results.find((r) => r.criterion >= top - tolerance) ?? results[0];
  const rest = results
    .filter((r) => r !== winner)
    .sort((a, b) => b.criterion - a.criterion || a.index - b.index);
  const ranking = [winner, ...rest].map((r, k) => ({ ...r, rank: k + 1 }));
  const best =
    options.refit === false ? winner.estimator : winner.estimator.withParams({}).fit(X, y);
  return { bestName: winner.name, best, ranking };
}
