import type { DenseMatrix } from '../data/matrix.js';
import { checkJSONType, toFloat64 } from '../estimators/base.js';
import type { EstimatorJSON } from '../estimators/classifier.js';
import { registerEstimator } from '../estimators/estimator-registry.js';
import { checkChoice, checkNumber } from '../estimators/param-checks.js';
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

const DEFAULTS: SelectKBestParams = { k: 10, score: 'f_classif', nNeighbors: 3, seed: 0 };

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
    super('SelectKBest', DEFAULTS, params);
    if (this.params.k !== 'all')
      checkNumber(this.typeName, 'k', this.params.k, { min: 1, integer: true });
    checkChoice(this.typeName, 'score', this.params.score, ['f_classif', 'mutual_info']);
    checkNumber(this.typeName, 'nNeighbors', this.params.nNeighbors, { min: 1, integer: true });
    checkNumber(this.typeName, 'seed', this.params.seed);
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
