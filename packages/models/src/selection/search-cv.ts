import type { DenseMatrix } from '../data/matrix.js';
import { DataFormatError, InvalidParameterError, NotFittedError } from '../errors.js';
import { checkJSONType, toFloat64, toInt32 } from '../estimators/base.js';
import type { Classifier, EstimatorJSON } from '../estimators/classifier.js';
import { classifierFromJSON, registerEstimator } from '../estimators/estimator-registry.js';
import { checkFitInput } from '../estimators/input-checks.js';
import { checkNumber } from '../estimators/param-checks.js';
import type { Scorer, ScorerName } from '../metrics/scorer.js';
import { scorer } from '../metrics/scorer.js';
import type { CvSpec } from './cross-validate.js';
import { foldData, resolveSplits } from './cross-validate.js';
import type { ParamDistributions, ParamGrid } from './param-grid.js';
import { expandGrid, sampleParams } from './param-grid.js';
import { StratifiedKFold } from './stratified-kfold.js';

/**
 * The results table of a search, column-wise like scikit-learn's `cv_results_`: entry `i` of every
 * column describes candidate `i`. {@link cvResultsRows} turns it into rows with scikit-learn's
 * column names.
 */
export interface CvResults {
  /** Each candidate's parameters. */
  readonly params: Record<string, unknown>[];
  /** `splitTestScores[s][i]`: candidate `i`'s score on split `s` (`split<s>_test_score`). */
  readonly splitTestScores: Float64Array[];
  /** Mean test score over splits. */
  readonly meanTestScore: Float64Array;
  /** Population standard deviation of the test scores. */
  readonly stdTestScore: Float64Array;
  /** Rank by mean test score, 1 = best; ties share the smallest rank; NaN scores rank last. */
  readonly rankTestScore: Int32Array;
  /** Mean seconds to fit, per split. */
  readonly meanFitTime: Float64Array;
  /** Standard deviation of the fit times. */
  readonly stdFitTime: Float64Array;
  /** Mean seconds to score, per split. */
  readonly meanScoreTime: Float64Array;
  /** Standard deviation of the score times. */
  readonly stdScoreTime: Float64Array;
  /** Training scores per split, when `returnTrainScore`. */
  readonly splitTrainScores?: Float64Array[];
  /** Mean training score, when `returnTrainScore`. */
  readonly meanTrainScore?: Float64Array;
  /** Standard deviation of the training scores, when `returnTrainScore`. */
  readonly stdTrainScore?: Float64Array;
}

/** Options shared by {@link GridSearchCV} and {@link RandomizedSearchCV}. */
export interface SearchOptions {
  /** The splits. Default 5 stratified folds. */
  cv?: CvSpec;
  /** What to maximise. Default `'accuracy'`. */
  scoring?: ScorerName | Scorer;
  /** Refit the best candidate on all the data as `bestEstimator`. Default `true`. */
  refit?: boolean;
  /** Also score the training folds. Default `false`. */
  returnTrainScore?: boolean;
}

/** Fitted results of a search. */
interface SearchState {
  cvResults: CvResults;
  bestIndex: number;
  bestEstimator: Classifier | null;
}

/** Population standard deviation. */
function std(values: ArrayLike<number>, mean: number): number {
  let s = 0;
  for (let i = 0; i < values.length; i++) s += (values[i] - mean) ** 2;
  return Math.sqrt(s / values.length);
}

function rankDescending(scores: Float64Array): Int32Array {
  const order = Array.from(scores.keys()).sort((a, b) => {
    const x = Number.isNaN(scores[a]) ? -Infinity : scores[a];
    const y = Number.isNaN(scores[b]) ? -Infinity : scores[b];
    return y - x || a - b;
  });
  const rank = new Int32Array(scores.length);
  order.forEach((c, pos) => {
    const prev = order[pos - 1];
    rank[c] = pos > 0 && scores[prev] === scores[c] ? rank[prev] : pos + 1;
  });
  return rank;
}

/**
 * The machinery of a hyper-parameter search: cross-validates every candidate on the same folds
 * (materialised once), fills `cvResults`, picks the best mean test score (first on ties, as
 * scikit-learn) and refits it on all the data. The search is itself a classifier that predicts
 * with `bestEstimator`.
 */
export abstract class BaseSearchCV<
  P extends SearchOptions & { estimator: Classifier },
> implements Classifier<P> {
  /** The parameters. */
  readonly params: Readonly<P>;
  #state: SearchState | undefined;

  protected constructor(
    readonly typeName: string,
    params: P,
  ) {
    if (!params || typeof params.estimator?.withParams !== 'function') {
      throw new InvalidParameterError(typeName, 'estimator', 'must be a classifier to tune.');
    }
    if (params.scoring !== undefined) scorer(params.scoring);
    this.params = Object.freeze({ ...params });
  }

  /** The parameter combinations to try. */
  protected abstract candidates(): Record<string, unknown>[];

  /** Cross-validates every candidate, then refits the best (unless `refit: false`). */
  fit(X: DenseMatrix, y: Int32Array): this {
    checkFitInput(this.typeName, X, y);
    const { estimator, refit = true, returnTrainScore = false } = this.params;
    const score = scorer(this.params.scoring ?? 'accuracy');
    const candidates = this.candidates();
    // Build every candidate first, so that a bad parameter fails before any fitting.
    const models = candidates.map((c) => estimator.withParams(c));
    const folds = foldData(X, y, resolveSplits(this.params.cv, y));
    const nc = candidates.length;
    const ns = folds.length;
    const splitTest = folds.map(() => new Float64Array(nc));
    const splitTrain = returnTrainScore ? folds.map(() => new Float64Array(nc)) : undefined;
    const fitT = new Float64Array(nc * ns);
    const scoreT = new Float64Array(nc * ns);
    models.forEach((model, c) => {
      folds.forEach((f, s) => {
        const t0 = performance.now();
        const m = model.withParams({}).fit(f.Xtrain, f.ytrain);
        const t1 = performance.now();
        splitTest[s][c] = score(m, f.Xtest, f.ytest);
        fitT[c * ns + s] = (t1 - t0) / 1000;
        scoreT[c * ns + s] = (performance.now() - t1) / 1000;
        if (splitTrain) splitTrain[s][c] = score(m, f.Xtrain, f.ytrain);
      });
    });
    const meanOf = (cols: Float64Array[], c: number) => cols.reduce((a, col) => a + col[c], 0) / ns;
    const meanTest = Float64Array.from({ length: nc }, (_, c) => meanOf(splitTest, c));
    const column = (t: Float64Array, c: number) => t.subarray(c * ns, (c + 1) * ns);
    const cvResults: CvResults = {
      params: candidates,
      splitTestScores: splitTest,
      meanTestScore: meanTest,
      stdTestScore: Float64Array.from({ length: nc }, (_, c) =>
        std(
          splitTest.map((col) => col[c]),
          meanTest[c],
        ),
      ),
      rankTestScore: rankDescending(meanTest),
      meanFitTime: Float64Array.from({ length: nc }, (_, c) => mean(column(fitT, c))),
      stdFitTime: Float64Array.from({ length: nc }, (_, c) =>
        std(column(fitT, c), mean(column(fitT, c))),
      ),
      meanScoreTime: Float64Array.from({ length: nc }, (_, c) => mean(column(scoreT, c))),
      stdScoreTime: Float64Array.from({ length: nc }, (_, c) =>
        std(column(scoreT, c), mean(column(scoreT, c))),
      ),
      ...(splitTrain
        ? {
            splitTrainScores: splitTrain,
            meanTrainScore: Float64Array.from({ length: nc }, (_, c) => meanOf(splitTrain, c)),
            stdTrainScore: Float64Array.from({ length: nc }, (_, c) =>
              std(
                splitTrain.map((col) => col[c]),
                meanOf(splitTrain, c),
              ),
            ),
          }
        : {}),
    };
    const bestIndex = cvResults.rankTestScore.indexOf(1);
    const bestEstimator = refit ? models[bestIndex].withParams({}).fit(X, y) : null;
    this.#state = { cvResults, bestIndex, bestEstimator };
    return this;
  }

  private get state(): SearchState {
    if (!this.#state) throw new NotFittedError(this.typeName);
    return this.#state;
  }

  /** The results table; throws `NotFittedError` before `fit`. */
  get cvResults(): CvResults {
    return this.state.cvResults;
  }

  /** Index of the best candidate in `cvResults`. */
  get bestIndex(): number {
    return this.state.bestIndex;
  }

  /** The best candidate's parameters. */
  get bestParams(): Record<string, unknown> {
    return this.state.cvResults.params[this.state.bestIndex];
  }

  /** The best mean test score. */
  get bestScore(): number {
    return this.state.cvResults.meanTestScore[this.state.bestIndex];
  }

  /** The best candidate refitted on all the data (requires `refit: true`). */
  get bestEstimator(): Classifier {
    const best = this.state.bestEstimator;
    if (!best) {
      throw new NotFittedError(`${this.typeName}.bestEstimator (the search ran with refit: false)`);
    }
    return best;
  }

  /** Whether `fit` has run. */
  get isFitted(): boolean {
    return this.#state !== undefined;
  }

  /** The classes of the best estimator. */
  get classes(): Int32Array {
    return this.#state?.bestEstimator?.classes ?? new Int32Array(0);
  }

  /** Predictions of the best estimator. */
  predict(X: DenseMatrix): Int32Array {
    return this.bestEstimator.predict(X);
  }

  /** Probabilities of the best estimator. */
  predictProba(X: DenseMatrix): DenseMatrix {
    return this.bestEstimator.predictProba(X);
  }

  /** A new, unfitted search with `params` overriding the current ones. */
  withParams(params: Partial<P>): this {
    const Ctor = this.constructor as new (p: P) => this;
    return new Ctor({ ...this.params, ...params });
  }

  /** The JSON form: the tuned estimator's JSON, the search space, and the fitted results. */
  toJSON(): EstimatorJSON {
    const p = this.params;
    const cv = p.cv instanceof StratifiedKFold ? { ...p.cv.options } : p.cv;
    const params: Record<string, unknown> = {
      ...p,
      estimator: p.estimator.toJSON(),
      cv,
      // A custom scorer function cannot be stored; it must be passed again to refit.
      scoring: typeof p.scoring === 'function' ? null : (p.scoring ?? 'accuracy'),
    };
    const s = this.#state;
    return {
      type: this.typeName,
      params,
      state: s
        ? {
            cvResults: s.cvResults,
            bestIndex: s.bestIndex,
            bestEstimator: s.bestEstimator ? s.bestEstimator.toJSON() : null,
          }
        : null,
    };
  }

  /** Restores the fitted results from `toJSON().state`. */
  protected restore(state: unknown): this {
    if (!state) return this;
    const s = state as {
      cvResults: Record<string, unknown>;
      bestIndex: number;
      bestEstimator: EstimatorJSON | null;
    };
    const r = s.cvResults;
    const cols = (v: unknown) => (v === undefined ? undefined : (v as unknown[]).map(toFloat64));
    const cvResults: CvResults = {
      params: r.params as Record<string, unknown>[],
      splitTestScores: cols(r.splitTestScores)!,
      meanTestScore: toFloat64(r.meanTestScore),
      stdTestScore: toFloat64(r.stdTestScore),
      rankTestScore: toInt32(r.rankTestScore),
      meanFitTime: toFloat64(r.meanFitTime),
      stdFitTime: toFloat64(r.stdFitTime),
      meanScoreTime: toFloat64(r.meanScoreTime),
      stdScoreTime: toFloat64(r.stdScoreTime),
      ...(r.splitTrainScores
        ? {
            splitTrainScores: cols(r.splitTrainScores),
            meanTrainScore: toFloat64(r.meanTrainScore),
            stdTrainScore: toFloat64(r.stdTrainScore),
          }
        : {}),
    };
    this.#state = {
      cvResults,
      bestIndex: Number(s.bestIndex),
      bestEstimator: s.bestEstimator ? classifierFromJSON(s.bestEstimator) : null,
    };
    return this;
  }
}

function mean(a: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i];
  return s / a.length;
}

/** Parameters of {@link GridSearchCV}. */
export interface GridSearchParams extends SearchOptions {
  /** The classifier to tune (it is copied, never fitted itself). */
  estimator: Classifier;
  /** Candidate values per parameter, or a list of such grids. */
  paramGrid: ParamGrid | readonly ParamGrid[];
}

/**
 * Exhaustive search over a parameter grid with cross-validation, like scikit-learn's
 * `GridSearchCV`.
 *
 * @example
 * ```ts
 * const search = new GridSearchCV({
 *   estimator: new KNeighborsClassifier(),
 *   paramGrid: { nNeighbors: [5, 15, 25], weights: ['uniform', 'distance'] },
 *   cv: 5,
 *   scoring: 'accuracy',
 * }).fit(train.X, train.y);
 * search.bestParams; search.cvResults.meanTestScore; search.bestEstimator.predict(test.X);
 * ```
 */
export class GridSearchCV extends BaseSearchCV<GridSearchParams> {
  constructor(params: GridSearchParams) {
    super('GridSearchCV', params);
    expandGrid(params.paramGrid);
  }

  /** Rebuilds a `GridSearchCV` from `toJSON()` output. */
  static fromJSON(json: EstimatorJSON): GridSearchCV {
    checkJSONType(json, 'GridSearchCV');
    const p = json.params;
    return new GridSearchCV(restoreParams(p) as unknown as GridSearchParams).restore(json.state);
  }

  protected candidates(): Record<string, unknown>[] {
    return expandGrid(this.params.paramGrid);
  }
}

/** Parameters of {@link RandomizedSearchCV}. */
export interface RandomizedSearchParams extends SearchOptions {
  /** The classifier to tune. */
  estimator: Classifier;
  /** Per parameter, a list of values (drawn uniformly) or a {@link Distribution}. */
  paramDistributions: ParamDistributions;
  /** Number of candidates drawn. Default 10. */
  nIter?: number;
  /** Seed of the draws. Default 0. */
  seed?: number;
}

/**
 * Search over `nIter` seeded random candidates with cross-validation, like scikit-learn's
 * `RandomizedSearchCV`.
 *
 * @example
 * ```ts
 * const search = new RandomizedSearchCV({
 *   estimator: new SVC(),
 *   paramDistributions: { C: logUniform(0.1, 100), gamma: logUniform(1e-3, 1) },
 *   nIter: 20,
 *   seed: 0,
 * }).fit(X, y);
 * ```
 */
export class RandomizedSearchCV extends BaseSearchCV<RandomizedSearchParams> {
  constructor(params: RandomizedSearchParams) {
    super('RandomizedSearchCV', params);
    checkNumber(this.typeName, 'nIter', params.nIter ?? 10, { min: 1, integer: true });
    checkNumber(this.typeName, 'seed', params.seed ?? 0);
    sampleParams(params.paramDistributions, 1, 0);
  }

  /** Rebuilds a `RandomizedSearchCV` from `toJSON()` output. */
  static fromJSON(json: EstimatorJSON): RandomizedSearchCV {
    checkJSONType(json, 'RandomizedSearchCV');
    const p = json.params;
    return new RandomizedSearchCV(restoreParams(p) as unknown as RandomizedSearchParams).restore(
      json.state,
    );
  }

  protected candidates(): Record<string, unknown>[] {
    return sampleParams(
      this.params.paramDistributions,
      this.params.nIter ?? 10,
      this.params.seed ?? 0,
    );
  }
}

/** Turns stored search parameters back into constructor parameters. */
function restoreParams(p: Record<string, unknown>): Record<string, unknown> {
  if (!p.estimator) throw new DataFormatError('Search JSON has no estimator.');
  const out: Record<string, unknown> = {
    ...p,
    estimator: classifierFromJSON(p.estimator as EstimatorJSON),
  };
  if (p.scoring === null) {
    out.scoring = () => {
      throw new InvalidParameterError(
        'search',
        'scoring',
        'this search was stored with a custom scorer function; pass it again with withParams({ scoring }).',
      );
    };
  }
  return out;
}

/**
 * The results table as rows keyed like scikit-learn's `cv_results_` columns (`params`,
 * `param_<name>`, `split<k>_test_score`, `mean_test_score`, `std_test_score`, `rank_test_score`,
 * `mean_fit_time`, …), one row per candidate: handy for logging and printing.
 */
export function cvResultsRows(results: CvResults): Record<string, unknown>[] {
  return results.params.map((params, c) => {
    const row: Record<string, unknown> = { params };
    for (const [k, v] of Object.entries(params)) row[`param_${k}`] = v;
    results.splitTestScores.forEach((col, s) => (row[`split${s}_test_score`] = col[c]));
    row.mean_test_score = results.meanTestScore[c];
    row.std_test_score = results.stdTestScore[c];
    row.rank_test_score = results.rankTestScore[c];
    if (results.splitTrainScores && results.meanTrainScore && results.stdTrainScore) {
      results.splitTrainScores.forEach((col, s) => (row[`split${s}_train_score`] = col[c]));
      row.mean_train_score = results.meanTrainScore[c];
      row.std_train_score = results.stdTrainScore[c];
    }
    row.mean_fit_time = results.meanFitTime[c];
    row.std_fit_time = results.stdFitTime[c];
    row.mean_score_time = results.meanScoreTime[c];
    row.std_score_time = results.stdScoreTime[c];
    return row;
  });
}

registerEstimator('GridSearchCV', GridSearchCV, (json) => GridSearchCV.fromJSON(json));
registerEstimator('RandomizedSearchCV', RandomizedSearchCV, (json) =>
  RandomizedSearchCV.fromJSON(json),
);
