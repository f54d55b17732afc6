import type { DenseMatrix } from '../data/matrix.js';
import { InvalidParameterError } from '../errors.js';
import type { Classifier } from '../estimators/classifier.js';
import { accuracy, balancedAccuracy, precisionRecallF1 } from './classification.js';
import { brierScore, logLoss, rocAucOvr } from './probability.js';

/**
 * Scores a fitted classifier on `X`, `y`; greater is better (losses are negated), as scikit-learn's
 * scorers.
 */
export type Scorer = (estimator: Classifier, X: DenseMatrix, y: Int32Array) => number;

/** The scorer names understood by {@link scorer}, as in scikit-learn. */
export type ScorerName =
  | 'accuracy'
  | 'balanced_accuracy'
  | 'f1_macro'
  | 'f1_weighted'
  | 'precision_macro'
  | 'precision_weighted'
  | 'recall_macro'
  | 'recall_weighted'
  | 'neg_log_loss'
  | 'neg_brier_score'
  | 'roc_auc_ovr'
  | 'roc_auc_ovr_weighted';

/** Each scorer, and whether it reads `predictProba` (`true`) or only `predict`. */
const SCORERS: Record<ScorerName, readonly [Scorer, boolean]> = {
  accuracy: [(e, X, y) => accuracy(y, e.predict(X)), false],
  balanced_accuracy: [(e, X, y) => balancedAccuracy(y, e.predict(X)), false],
  f1_macro: [(e, X, y) => precisionRecallF1(y, e.predict(X)).macro.f1, false],
  f1_weighted: [(e, X, y) => precisionRecallF1(y, e.predict(X)).weighted.f1, false],
  precision_macro: [(e, X, y) => precisionRecallF1(y, e.predict(X)).macro.precision, false],
  precision_weighted: [(e, X, y) => precisionRecallF1(y, e.predict(X)).weighted.precision, false],
  recall_macro: [(e, X, y) => precisionRecallF1(y, e.predict(X)).macro.recall, false],
  recall_weighted: [(e, X, y) => precisionRecallF1(y, e.predict(X)).weighted.recall, false],
  neg_log_loss: [(e, X, y) => -logLoss(y, e.predictProba(X), { labels: e.classes }), true],
  neg_brier_score: [(e, X, y) => -brierScore(y, e.predictProba(X), { labels: e.classes }), true],
  roc_auc_ovr: [(e, X, y) => rocAucOvr(y, e.predictProba(X), { labels: e.classes }), true],
  roc_auc_ovr_weighted: [
    (e, X, y) => rocAucOvr(y, e.predictProba(X), { labels: e.classes, average: 'weighted' }),
    true,
  ],
};

/** The names {@link scorer} accepts. */
export const SCORER_NAMES = Object.freeze(Object.keys(SCORERS)) as readonly ScorerName[];

/**
 * The scorer registered under `name` (greater is better), or `name` itself when it is already a
 * function.
 *
 * @example
 * ```ts
 * const score = scorer('neg_log_loss')(model, test.X, test.y); // −log loss
 * ```
 */
export function scorer(name: ScorerName | Scorer): Scorer {
  if (typeof name === 'function') return name;
  const s = Object.prototype.hasOwnProperty.call(SCORERS, name) ? SCORERS[name][0] : undefined;
  if (!s) {
    throw new InvalidParameterError(
      'scorer',
      'name',
      `unknown scorer ${JSON.stringify(name)}; known ones are ${SCORER_NAMES.join(', ')}.`,
    );
  }
  return s;
}

/**
 * Whether the scorer `name` reads class probabilities (`predictProba`) rather than only the
 * predicted labels: a search scored by labels alone can skip fitting probabilities.
 */
export function scorerUsesProbabilities(name: ScorerName): boolean {
  scorer(name); // an unknown name is an InvalidParameterError naming the known ones
  return SCORERS[name][1];
}
