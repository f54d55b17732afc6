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

const SCORERS: Record<ScorerName, Scorer> = {
  accuracy: (e, X, y) => accuracy(y, e.predict(X)),
  balanced_accuracy: (e, X, y) => balancedAccuracy(y, e.predict(X)),
  f1_macro: (e, X, y) => precisionRecallF1(y, e.predict(X)).macro.f1,
  f1_weighted: (e, X, y) => precisionRecallF1(y, e.predict(X)).weighted.f1,
  precision_macro: (e, X, y) => precisionRecallF1(y, e.predict(X)).macro.precision,
  precision_weighted: (e, X, y) => precisionRecallF1(y, e.predict(X)).weighted.precision,
  recall_macro: (e, X, y) => precisionRecallF1(y, e.predict(X)).macro.recall,
  recall_weighted: (e, X, y) => precisionRecallF1(y, e.predict(X)).weighted.recall,
  neg_log_loss: (e, X, y) => -logLoss(y, e.predictProba(X), { labels: e.classes }),
  neg_brier_score: (e, X, y) => -brierScore(y, e.predictProba(X), { labels: e.classes }),
  roc_auc_ovr: (e, X, y) => rocAucOvr(y, e.predictProba(X), { labels: e.classes }),
  roc_auc_ovr_weighted: (e, X, y) =>
    rocAucOvr(y, e.predictProba(X), { labels: e.classes, average: 'weighted' }),
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
  const s = Object.prototype.hasOwnProperty.call(SCORERS, name) ? SCORERS[name] : undefined;
  if (!s) {
    throw new InvalidParameterError(
      'scorer',
      'name',
      `unknown scorer ${JSON.stringify(name)}; known ones are ${SCORER_NAMES.join(', ')}.`,
    );
  }
  return s;
}

/** The scorers that read `predictProba`; every other one reads only `predict`. */
const PROBABILITY_SCORERS: ReadonlySet<ScorerName> = new Set([
  'neg_log_loss',
  'neg_brier_score',
  'roc_auc_ovr',
  'roc_auc_ovr_weighted',
]);

/**
 * Whether the scorer `name` reads class probabilities (`predictProba`) rather than only the
 * predicted labels: a search scored by labels alone can skip fitting probabilities.
 */
export function scorerUsesProbabilities(name: ScorerName): boolean {
  return PROBABILITY_SCORERS.has(name);
}
