import type { DenseMatrix } from '../data/matrix.js';
import { checkJSONType, toFloat64, toInt32 } from '../estimators/base.js';
import type { EstimatorJSON } from '../estimators/classifier.js';
import { registerEstimator } from '../estimators/estimator-registry.js';
import { encodeLabels } from '../estimators/input-checks.js';
import { declareParams } from '../estimators/param-spec.js';
import { falseDiscoveryControl } from './fdr.js';
import { averageRanks, kruskalWallis, mannWhitneyPValue } from './rank-tests.js';
import { FeatureSelector } from './selector.js';

/** Hyper-parameters of {@link FreshSelector}. */
export interface FreshSelectorParams {
  /** The false discovery rate controlled over the features (tsfresh's `fdr_level`). Default 0.05. */
  fdrLevel: number;
  /**
   * `'mann-whitney'` (default): one test per class, that class against the rest, as tsfresh's
   * multiclass mode; `'kruskal'`: one Kruskal–Wallis test across all classes.
   */
  test: 'mann-whitney' | 'kruskal';
  /** With `'mann-whitney'`, how many classes a feature must be relevant for (tsfresh's `n_significant`). Default 1. */
  nSignificant: number;
  /**
   * `false` (default): Benjamini–Yekutieli, valid whatever the dependence between features (tsfresh's
   * `hypotheses_independent=False`); `true`: Benjamini–Hochberg, for independent features.
   */
  independent: boolean;
  /** When fewer features are relevant, keep this many with the smallest p-values anyway. Default 1. */
  keepAtLeast: number;
}

/** What {@link FreshSelector} learned. */
export interface FreshDetails {
  /** p-values, `nFeatures × nTests` row-major (one test per class, or one Kruskal–Wallis test). */
  pValues: Float64Array;
  /** Number of tests per feature. */
  nTests: number;
  /** For each feature, the number of tests (classes) whose FDR procedure found it relevant. */
  relevantFor: Int32Array;
}

/** The declared hyper-parameters of {@link FreshSelector}. */
export const FRESH_SELECTOR_PARAMS = declareParams<FreshSelectorParams>('FreshSelector', {
  fdrLevel: {
    kind: 'number',
    min: 0,
    exclusiveMin: true,
    max: 1,
    default: 0.05,
    doc: 'The false discovery rate.',
  },
  test: {
    kind: 'choice',
    values: ['mann-whitney', 'kruskal'],
    default: 'mann-whitney',
    doc: 'The hypothesis test.',
  },
  nSignificant: {
    kind: 'number',
    integer: true,
    min: 1,
    default: 1,
    doc: 'Classes a feature must be relevant for.',
  },
  independent: {
    kind: 'boolean',
    default: false,
    doc: 'Benjamini–Hochberg instead of –Yekutieli.',
  },
  keepAtLeast: {
    kind: 'number',
    integer: true,
    min: 0,
    default: 1,
    doc: 'Features kept anyway.',
  },
});

/**
 * FRESH feature selection (Christ et al., as in tsfresh): a non-parametric test of each feature
 * against the class, then a false-discovery-rate procedure across features keeps those whose
 * relation is significant. Multi-class targets are tested one class against the rest with
 * Mann–Whitney U (a feature is kept when relevant for at least `nSignificant` classes) or all at
 * once with Kruskal–Wallis. A transformer, for use inside a `Pipeline`.
 *
 * @example
 * ```ts
 * const fresh = new FreshSelector({ fdrLevel: 0.01 }).fit(X, y);
 * fresh.featureNamesOut(names); // the relevant features
 * ```
 */
export class FreshSelector extends FeatureSelector<FreshSelectorParams, FreshDetails> {
  constructor(params: Partial<FreshSelectorParams> = {}) {
    super(FRESH_SELECTOR_PARAMS, params);
  }

  /** Rebuilds a selector (fitted or not) from its JSON form. */
  static fromJSON(json: EstimatorJSON): FreshSelector {
    checkJSONType(json, 'FreshSelector');
    return new FreshSelector(json.params).restore(json.state, (d) => {
      const details = d as { pValues: unknown; nTests: unknown; relevantFor: unknown };
      return {
        pValues: toFloat64(details.pValues),
        nTests: Number(details.nTests),
        relevantFor: toInt32(details.relevantFor),
      };
    });
  }

  /** The p-values, `nFeatures × nTests` row-major. */
  get pValues(): Float64Array {
    return this.details.pValues;
  }

  /** For each feature, how many tests found it relevant. */
  get relevantFor(): Int32Array {
    return this.details.relevantFor;
  }

  protected select(X: DenseMatrix, y: Int32Array): { support: Int32Array; details: FreshDetails } {
    const { classes, yIndex } = encodeLabels(y);
    const k = classes.length;
    const p = X.cols;
    const n = X.rows;
    if (this.params.keepAtLeast > p) this.checkCount('keepAtLeast', this.params.keepAtLeast, p);
    const oneVsRest = this.params.test === 'mann-whitney';
    // With two classes, "class 0 vs rest" and "class 1 vs rest" are the same test.
    const nTests = oneVsRest ? (k === 2 ? 1 : k) : 1;
    const pValues = new Float64Array(p * nTests);
    const column = new Float64Array(n);
    for (let j = 0; j < p; j++) {
      for (let i = 0; i < n; i++) column[i] = X.data[i * p + j];
      const ranks = averageRanks(column);
      if (oneVsRest) {
        for (let t = 0; t < nTests; t++) {
          pValues[j * nTests + t] = mannWhitneyPValue(ranks, (i) => yIndex[i] === t);
        }
      } else {
        pValues[j] = kruskalWallis(ranks, yIndex, k).pValue;
      }
    }
    const relevantFor = new Int32Array(p);
    const family = new Float64Array(p);
    for (let t = 0; t < nTests; t++) {
      for (let j = 0; j < p; j++) family[j] = pValues[j * nTests + t];
      const { reject } = falseDiscoveryControl(
        family,
        this.params.fdrLevel,
        !this.params.independent,
      );
      for (let j = 0; j < p; j++) relevantFor[j] += reject[j];
    }
    const needed = oneVsRest ? Math.min(this.params.nSignificant, nTests) : 1;
    const support: number[] = [];
    for (let j = 0; j < p; j++) if (relevantFor[j] >= needed) support.push(j);
    if (support.length < this.params.keepAtLeast) {
      // Rank the rest by their smallest p-value over the tests.
      const best = Float64Array.from({ length: p }, (_, j) =>
        Math.min(...pValues.subarray(j * nTests, (j + 1) * nTests)),
      );
      const order = Array.from({ length: p }, (_, j) => j).sort(
        (a, b) => best[a] - best[b] || a - b,
      );
      for (const j of order) {
        if (support.length >= this.params.keepAtLeast) break;
        if (!support.includes(j)) support.push(j);
      }
    }
    return { support: Int32Array.from(support), details: { pValues, nTests, relevantFor } };
  }
}

registerEstimator('FreshSelector', FreshSelector, (json) => FreshSelector.fromJSON(json));
