import type { DenseMatrix } from '../data/matrix.js';
import { denseMatrix, takeRows } from '../data/matrix.js';
import { checkJSONType, toFloat64, toInt32 } from '../estimators/base.js';
import type { Classifier, EstimatorJSON } from '../estimators/classifier.js';
import { classifierFromJSON, registerEstimator } from '../estimators/estimator-registry.js';
import { classifierParam, declareParams } from '../estimators/param-spec.js';
import { permutationImportance } from '../explain/permutation.js';
import type { ScorerName } from '../metrics/scorer.js';
import { SCORER_NAMES, scorer } from '../metrics/scorer.js';
import { StratifiedKFold } from '../selection/stratified-kfold.js';
import { FeatureSelector } from './selector.js';

/** Hyper-parameters of {@link RFECV}. */
export interface RFECVParams {
  /** The classifier refitted on each feature subset. */
  estimator: Classifier;
  /** Features removed per round. Default 1. */
  step: number;
  /** Stratified folds used to score each subset size. Default 5. */
  cv: number;
  /** The score to maximise. Default `'accuracy'`. */
  scoring: ScorerName;
  /** Fewest features kept. Default 1. */
  minFeatures: number;
  /**
   * How features are ranked each round: `'auto'` (default) uses the fitted estimator's
   * `featureImportances` when it has them (forests) and permutation importance on the training
   * rows otherwise; `'permutation'` always permutes.
   */
  importance: 'auto' | 'permutation';
  /** Permutation repeats per feature. Default 3. */
  nRepeats: number;
  /** Seed of the permutations. Default 0. */
  seed: number;
  /**
   * Keep the fewest features whose mean score is within `tolerance` of the best mean score
   * (0, the default, is scikit-learn's choice of the best score): a small tolerance stops fold
   * noise from keeping useless features.
   */
  tolerance: number;
}

/** What {@link RFECV} learned. */
export interface RFECVDetails {
  /** 1 for kept features; otherwise the round (from the end) in which a feature was dropped plus 1. */
  ranking: Int32Array;
  /** The feature counts that were scored, descending. */
  nFeaturesTried: Int32Array;
  /** Mean cross-validated score for each entry of `nFeaturesTried`. */
  meanScores: Float64Array;
}

/** The declared hyper-parameters of {@link RFECV}. */
export const RFECV_PARAMS = declareParams<RFECVParams>('RFECV', {
  estimator: classifierParam('The classifier refitted on each subset.', ['fit', 'withParams']),
  step: { kind: 'number', integer: true, min: 1, default: 1, doc: 'Features removed per round.' },
  cv: { kind: 'number', integer: true, min: 2, default: 5, doc: 'Stratified folds.' },
  scoring: { kind: 'choice', values: SCORER_NAMES, default: 'accuracy', doc: 'The score.' },
  minFeatures: { kind: 'number', integer: true, min: 1, default: 1, doc: 'Fewest features kept.' },
  importance: {
    kind: 'choice',
    values: ['auto', 'permutation'],
    default: 'auto',
    doc: 'How features are ranked.',
  },
  nRepeats: { kind: 'number', integer: true, min: 1, default: 3, doc: 'Permutation repeats.' },
  seed: { kind: 'number', default: 0, doc: 'Seed of the permutations.' },
  tolerance: { kind: 'number', min: 0, default: 0, doc: 'Score tolerance of the fewest features.' },
});

/**
 * Recursive feature elimination with cross-validation (scikit-learn's `RFECV`): within each
 * training fold the estimator is fitted, the least important `step` features are dropped and the
 * rest scored on the held-out fold, down to `minFeatures`; the feature count with the best mean
 * score (the fewest on ties) is kept, and the elimination is replayed on all rows to choose which
 * features. Importances come from the estimator (`featureImportances`) or from permutation.
 * A transformer for use in a `Pipeline`.
 *
 * @example
 * ```ts
 * const rfe = new RFECV({ estimator: new GaussianNB(), cv: 5 }).fit(X, y);
 * rfe.featureNamesOut(names);
 * ```
 */
export class RFECV extends FeatureSelector<RFECVParams, RFECVDetails> {
  constructor(params: Partial<RFECVParams> & { estimator: Classifier }) {
    super(RFECV_PARAMS, params);
  }

  /** Rebuilds the selector (fitted or not) from its JSON form. */
  static fromJSON(json: EstimatorJSON): RFECV {
    checkJSONType(json, 'RFECV');
    const params = json.params;
    const estimator = classifierFromJSON(params.estimator as EstimatorJSON);
    return new RFECV({ ...(params as Partial<RFECVParams>), estimator }).restore(
      json.state,
      (d) => {
        const details = d as { ranking: unknown; nFeaturesTried: unknown; meanScores: unknown };
        return {
          ranking: toInt32(details.ranking),
          nFeaturesTried: toInt32(details.nFeaturesTried),
          meanScores: toFloat64(details.meanScores),
        };
      },
    );
  }

  /** Feature ranking: 1 for kept features, larger for features dropped earlier. */
  get ranking(): Int32Array {
    return this.details.ranking;
  }

  /** Mean cross-validated score per feature count tried, as `[nFeatures, score]` pairs. */
  get cvScores(): [number, number][] {
    const d = this.details;
    return Array.from(d.nFeaturesTried, (n, k) => [n, d.meanScores[k]]);
  }

  protected override paramsJSON(): Record<string, unknown> {
    return { ...this.params, estimator: this.params.estimator.toJSON() };
  }

  protected select(X: DenseMatrix, y: Int32Array): { support: Int32Array; details: RFECVDetails } {
    const p = X.cols;
    this.checkCount('minFeatures', this.params.minFeatures, p);
    const score = scorer(this.params.scoring);
    const splits = new StratifiedKFold({ nSplits: this.params.cv }).split(y);
    const sums = new Map<number, number>();
    for (const { train, test } of splits) {
      const Xtr = takeRows(X, train);
      const ytr = Int32Array.from(train, (i) => y[i]);
      const Xte = takeRows(X, test);
      const yte = Int32Array.from(test, (i) => y[i]);
      this.eliminate(Xtr, ytr, this.params.minFeatures, (features, model) => {
        const s = score(model, pickColumns(Xte, features), yte);
        sums.set(features.length, (sums.get(features.length) ?? 0) + s);
      });
    }
    const tried = [...sums.keys()].sort((a, b) => b - a);
    const meanScores = Float64Array.from(tried, (n) => (sums.get(n) ?? 0) / splits.length);
    const bestScore = Math.max(...meanScores);
    // The fewest features within tolerance of the best (tried is in descending order).
    let bestN = tried[0];
    for (let k = 0; k < tried.length; k++)
      if (meanScores[k] >= bestScore - this.params.tolerance) bestN = tried[k];
    const ranking = new Int32Array(p);
    let round = 0;
    const dropped: number[][] = [];
    const kept = this.eliminate(
      X,
      y,
      bestN,
      () => undefined,
      (removed) => dropped.push(removed),
    );
    for (const j of kept) ranking[j] = 1;
    for (let r = dropped.length - 1; r >= 0; r--) {
      round++;
      for (const j of dropped[r]) ranking[j] = round + 1;
    }
    return {
      support: Int32Array.from(kept),
      details: { ranking, nFeaturesTried: Int32Array.from(tried), meanScores },
    };
  }

  /**
   * Backward elimination on (X, y) down to `target` features; `visit` sees each subset with the
   * estimator fitted on it, `onDrop` the features removed each round. Returns the kept features.
   */
  private eliminate(
    X: DenseMatrix,
    y: Int32Array,
    target: number,
    visit: (features: number[], model: Classifier) => void,
    onDrop?: (removed: number[]) => void,
  ): number[] {
    let features = Array.from({ length: X.cols }, (_, j) => j);
    for (;;) {
      const Xs = pickColumns(X, features);
      const model = this.params.estimator.withParams({}).fit(Xs, y);
      visit(features, model);
      if (features.length <= target) return features;
      const imp = this.importances(model, Xs, y);
      const order = features.map((_, k) => k).sort((a, b) => imp[a] - imp[b] || b - a);
      const nDrop = Math.min(this.params.step, features.length - target);
      const drop = new Set(order.slice(0, nDrop));
      onDrop?.(features.filter((_, k) => drop.has(k)));
      features = features.filter((_, k) => !drop.has(k));
    }
  }

  private importances(model: Classifier, X: DenseMatrix, y: Int32Array): Float64Array {
    const own = (model as { featureImportances?: unknown }).featureImportances;
    if (this.params.importance === 'auto' && own instanceof Float64Array && own.length === X.cols)
      return own;
    return permutationImportance(model, X, y, {
      scoring: this.params.scoring,
      nRepeats: this.params.nRepeats,
      seed: this.params.seed,
    }).importancesMean;
  }
}

function pickColumns(X: DenseMatrix, cols: readonly number[]): DenseMatrix {
  const out = denseMatrix(X.rows, cols.length);
  const k = cols.length;
  for (let i = 0; i < X.rows; i++)
    for (let c = 0; c < k; c++) out.data[i * k + c] = X.data[i * X.cols + cols[c]];
  return out;
}

registerEstimator('RFECV', RFECV, (json) => RFECV.fromJSON(json));
