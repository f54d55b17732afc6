import type { DenseMatrix } from '../data/matrix.js';
import { takeRows } from '../data/matrix.js';
import { InvalidParameterError } from '../errors.js';
import type { Classifier } from '../estimators/classifier.js';
import { checkFitInput } from '../estimators/input-checks.js';
import type { Scorer, ScorerName } from '../metrics/scorer.js';
import { scorer } from '../metrics/scorer.js';
import type { Split, StratifiedKFoldOptions } from './stratified-kfold.js';
import { StratifiedKFold } from './stratified-kfold.js';

/**
 * How to split: a fold count (stratified, unshuffled, as scikit-learn's `cv=5`), the options of a
 * {@link StratifiedKFold}, a splitter, or explicit splits.
 */
export type CvSpec = number | Partial<StratifiedKFoldOptions> | StratifiedKFold | readonly Split[];

/** One scorer, several by name, or named custom scorers. */
export type ScoringSpec =
  ScorerName | Scorer | readonly ScorerName[] | Readonly<Record<string, ScorerName | Scorer>>;

/** Options of {@link crossValidate}. */
export interface CrossValidateOptions {
  /** The splits. Default 5 stratified folds. */
  cv?: CvSpec;
  /** What to score (greater is better). Default `'accuracy'`. */
  scoring?: ScoringSpec;
  /** Also score each fold's training rows. Default `false`. */
  returnTrainScore?: boolean;
  /** Keep each fold's fitted estimator. Default `false`. */
  returnEstimator?: boolean;
}

/** The result of {@link crossValidate}: one entry per fold in each array. */
export interface CrossValidateResult {
  /** Seconds spent fitting each fold. */
  readonly fitTime: Float64Array;
  /** Seconds spent scoring each fold. */
  readonly scoreTime: Float64Array;
  /** Test scores by scorer name. */
  readonly testScores: Readonly<Record<string, Float64Array>>;
  /** Test scores of the first (or only) scorer. */
  readonly testScore: Float64Array;
  /** Training scores by scorer name, when `returnTrainScore`. */
  readonly trainScores?: Readonly<Record<string, Float64Array>>;
  /** Each fold's fitted estimator, when `returnEstimator`. */
  readonly estimators?: Classifier[];
}

/** The splits a {@link CvSpec} stands for on labels `y`. */
export function resolveSplits(cv: CvSpec | undefined, y: Int32Array): Split[] {
  if (cv === undefined) return new StratifiedKFold().split(y);
  if (typeof cv === 'number') return new StratifiedKFold({ nSplits: cv }).split(y);
  if (cv instanceof StratifiedKFold) return cv.split(y);
  if (Array.isArray(cv)) return [...(cv as readonly Split[])];
  return new StratifiedKFold(cv as Partial<StratifiedKFoldOptions>).split(y);
}

/** The named scorers a {@link ScoringSpec} stands for, in order. */
export function resolveScorers(scoring: ScoringSpec | undefined): [string, Scorer][] {
  if (scoring === undefined) return [['accuracy', scorer('accuracy')]];
  if (typeof scoring === 'string') return [[scoring, scorer(scoring)]];
  if (typeof scoring === 'function') return [[scoring.name || 'score', scoring]];
  const entries: [string, ScorerName | Scorer][] = Array.isArray(scoring)
    ? (scoring as readonly ScorerName[]).map((n) => [n, n])
    : Object.entries(scoring as Record<string, ScorerName | Scorer>);
  if (entries.length === 0) {
    throw new InvalidParameterError('crossValidate', 'scoring', 'needs at least one scorer.');
  }
  return entries.map(([name, s]) => [name, scorer(s)]);
}

/** Training and test subsets of every split, made once and reused across candidates. */
export interface FoldData {
  /** Training features. */
  readonly Xtrain: DenseMatrix;
  /** Training labels. */
  readonly ytrain: Int32Array;
  /** Test features. */
  readonly Xtest: DenseMatrix;
  /** Test labels. */
  readonly ytest: Int32Array;
}

/** Materialises the rows of each split. */
export function foldData(X: DenseMatrix, y: Int32Array, splits: readonly Split[]): FoldData[] {
  const pick = (idx: Int32Array) => {
    const out = new Int32Array(idx.length);
    for (let i = 0; i < idx.length; i++) out[i] = y[idx[i]];
    return out;
  };
  return splits.map(({ train, test }) => ({
    Xtrain: takeRows(X, train),
    ytrain: pick(train),
    Xtest: takeRows(X, test),
    ytest: pick(test),
  }));
}

/**
 * Fits a fresh copy of `estimator` (`withParams({})`) on each training fold and scores it on the
 * matching test fold, like scikit-learn's `cross_validate`. Synchronous; the folds run in turn.
 *
 * @example
 * ```ts
 * const r = crossValidate(new GaussianNB(), data.X, data.y, { cv: 5, scoring: ['accuracy', 'neg_log_loss'] });
 * r.testScores.neg_log_loss; // one value per fold
 * ```
 */
export function crossValidate(
  estimator: Classifier,
  X: DenseMatrix,
  y: Int32Array,
  options: CrossValidateOptions = {},
): CrossValidateResult {
  checkFitInput('crossValidate', X, y);
  const scorers = resolveScorers(options.scoring);
  const folds = foldData(X, y, resolveSplits(options.cv, y));
  const k = folds.length;
  const fitTime = new Float64Array(k);
  const scoreTime = new Float64Array(k);
  const testScores: Record<string, Float64Array> = {};
  const trainScores: Record<string, Float64Array> = {};
  for (const [name] of scorers) {
    testScores[name] = new Float64Array(k);
    if (options.returnTrainScore) trainScores[name] = new Float64Array(k);
  }
  const estimators: Classifier[] = [];
  folds.forEach((f, i) => {
    const t0 = performance.now();
    const model = estimator.withParams({}).fit(f.Xtrain, f.ytrain);
    const t1 = performance.now();
    for (const [name, s] of scorers) testScores[name][i] = s(model, f.Xtest, f.ytest);
    fitTime[i] = (t1 - t0) / 1000;
    scoreTime[i] = (performance.now() - t1) / 1000;
    if (options.returnTrainScore) {
      for (const [name, s] of scorers) trainScores[name][i] = s(model, f.Xtrain, f.ytrain);
    }
    if (options.returnEstimator) estimators.push(model);
  });
  return {
    fitTime,
    scoreTime,
    testScores,
    testScore: testScores[scorers[0][0]],
    ...(options.returnTrainScore ? { trainScores } : {}),
    ...(options.returnEstimator ? { estimators } : {}),
  };
}
