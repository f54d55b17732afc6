import type { DenseMatrix } from '../data/matrix.js';
import { checkJSONType, toFloat64 } from '../estimators/base.js';
import type { EstimatorJSON } from '../estimators/classifier.js';
import { registerEstimator } from '../estimators/estimator-registry.js';
import { declareParams } from '../estimators/param-spec.js';
import { fClassif } from './f-classif.js';
import { mutualInfoClassif } from './mutual-info.js';
import { FeatureSelector, topK } from './selector.js';

/** Hyper-parameters of {@link SelectKBest}. */
export interface SelectKBestParams {
  /** How many features to keep, or `'all'`. Default 10 as scikit-learn (must not exceed the feature count). */
  k: number | 'all';
  /** The univariate score: ANOVA F (`'f_classif'`, default) or k-NN mutual information (`'mutual_info'`). */
  score: 'f_classif' | 'mutual_info';
  /** Neighbours of the mutual-information estimator. Default 3. */
  nNeighbors: number;
  /** Seed of the mutual-information estimator's tie-breaking noise. Default 0. */
  seed: number;
}

/** What {@link SelectKBest} learned: every feature's score and p-value. */
export interface SelectKBestDetails {
  /** The score of each input feature. */
  scores: Float64Array;
  /** The p-value of each input feature (`null` for mutual information, which has none). */
  pValues: Float64Array | null;
}

/** The declared hyper-parameters of {@link SelectKBest}. */
export const SELECT_K_BEST_PARAMS = declareParams<SelectKBestParams>('SelectKBest', {
  k: {
    kind: 'number',
    integer: true,
    min: 1,
    named: ['all'],
    default: 10,
    doc: "Features kept, or 'all'.",
  },
  score: {
    kind: 'choice',
    values: ['f_classif', 'mutual_info'],
    default: 'f_classif',
    doc: 'The univariate score.',
  },
  nNeighbors: {
    kind: 'number',
    integer: true,
    min: 1,
    default: 3,
    doc: 'Neighbours of the mutual-information estimator.',
  },
  seed: { kind: 'number', default: 0, doc: 'Seed of the tie-breaking noise.' },
});

/**
 * Keeps the `k` features with the highest univariate score against the class (scikit-learn's
 * `SelectKBest` with `f_classif` or `mutual_info_classif`). A transformer: put it in a `Pipeline`
 * before the classifier so that the exported model carries its feature selection.
 *
 * @example
 * ```ts
 * const select = new SelectKBest({ k: 3, score: 'mutual_info' }).fit(X, y);
 * const Xk = select.transform(X); // the 3 most informative columns
 * ```
 */
export class SelectKBest extends FeatureSelector<SelectKBestParams, SelectKBestDetails> {
  constructor(params: Partial<SelectKBestParams> = {}) {
    super(SELECT_K_BEST_PARAMS, params);
  }

  /** Rebuilds a selector (fitted or not) from its JSON form. */
  static fromJSON(json: EstimatorJSON): SelectKBest {
    checkJSONType(json, 'SelectKBest');
    return new SelectKBest(json.params).restore(json.state, (d) => {
      const details = d as { scores: unknown; pValues: unknown };
      return {
        scores: toFloat64(details.scores),
        pValues: details.pValues == null ? null : toFloat64(details.pValues),
      };
    });
  }

  /** The score of every input feature. */
  get scores(): Float64Array {
    return this.details.scores;
  }

  /** The p-value of every input feature, or `null` for mutual information. */
  get pValues(): Float64Array | null {
    return this.details.pValues;
  }

  protected select(
    X: DenseMatrix,
    y: Int32Array,
  ): { support: Int32Array; details: SelectKBestDetails } {
    const k = this.params.k === 'all' ? X.cols : this.params.k;
    this.checkCount('k', k, X.cols);
    if (this.params.score === 'mutual_info') {
      const scores = mutualInfoClassif(X, y, {
        nNeighbors: this.params.nNeighbors,
        seed: this.params.seed,
      });
      return { support: topK(scores, k), details: { scores, pValues: null } };
    }
    const { scores, pValues } = fClassif(X, y);
    return { support: topK(scores, k), details: { scores, pValues } };
  }
}

registerEstimator('SelectKBest', SelectKBest, (json) => SelectKBest.fromJSON(json));
