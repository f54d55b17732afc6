import type { Dataset } from '../data/dataset.js';
import { VotingClassifier } from '../ensemble/voting.js';
import { crossValidate } from '../selection/cross-validate.js';
import { StratifiedKFold } from '../selection/stratified-kfold.js';
import type { PipelineConfig } from './config.js';
import type { FamilyResult } from './results.js';
import { stratifiedSample } from './splits.js';

/** The cross-validated score of a soft vote, as {@link crossValidateVote} measured it. */
export interface VoteCvScore {
  /** Mean fold score (config `search.scoring`). */
  readonly score: number;
  /** Standard deviation of the fold scores. */
  readonly std: number;
  /** The score of each fold. */
  readonly foldScores: number[];
  /** Training rows the folds were drawn from (a stratified sample when the members' caps are smaller). */
  readonly rows: number;
}

/**
 * The soft vote's own cross-validated score: the vote of `members` (each family's pipeline with
 * its tuned parameters fixed, refitted on every training fold) scored on the folds the search
 * used, so that the number beside the ensemble is the ensemble's and not its best member's. The
 * folds are drawn, as in the search, from a seeded stratified sample of the training split of
 * at most `search.maxSamples` rows and the smallest member cap (`models.<family>.maxSamples`):
 * with no cap below the data's size these are exactly the members' folds. Probability
 * calibration is not part of it (it is fitted on its own split afterwards).
 */
export function crossValidateVote(
  members: readonly FamilyResult[],
  train: Dataset,
  config: PipelineConfig,
): VoteCvScore {
  const search = config.search;
  const cap = Math.min(
    search.maxSamples,
    ...members.map((m) => config.models[m.family].maxSamples ?? train.X.rows),
  );
  const sample = stratifiedSample(train, cap, search.seed, search.folds);
  const vote = new VotingClassifier({
    estimators: members.map((m) => ({ name: m.family, estimator: m.model.withParams({}) })),
    voting: 'soft',
  });
  const cv = new StratifiedKFold({ nSplits: search.folds, shuffle: true, seed: search.seed });
  const folds = [
    ...crossValidate(vote, sample.X, sample.y, { cv, scoring: search.scoring }).testScore,
  ];
  const score = folds.reduce((s, v) => s + v, 0) / folds.length;
  const std = Math.sqrt(folds.reduce((s, v) => s + (v - score) ** 2, 0) / folds.length);
  return { score, std, foldScores: folds, rows: sample.X.rows };
}
