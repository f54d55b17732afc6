import type { DenseMatrix } from '../data/matrix.js';
import { denseMatrix } from '../data/matrix.js';
import { Random } from '../data/random.js';
import { BaseClassifier, checkJSONType, toFloat64 } from './base.js';
import type { EstimatorJSON } from './classifier.js';
import { registerEstimator } from './estimator-registry.js';
import type { TreeArrays } from './tree-builder.js';
import { accumulateTreeProba, growTree, presort } from './tree-builder.js';
import type { TreeParams } from './tree-params.js';
import { decodeTree, growOptions, treeParamSpecs } from './tree-params.js';
import { declareParams } from './param-spec.js';

/** Hyper-parameters of {@link DecisionTreeClassifier}. */
export type DecisionTreeParams = TreeParams;

/** The fitted state of {@link DecisionTreeClassifier}. */
export interface DecisionTreeModel {
  /** The tree. */
  tree: TreeArrays;
  /** Normalised impurity decrease per feature. */
  featureImportances: Float64Array;
}

/** The declared hyper-parameters of {@link DecisionTreeClassifier}. */
export const DECISION_TREE_PARAMS = declareParams<DecisionTreeParams>(
  'DecisionTreeClassifier',
  treeParamSpecs(null),
);

/**
 * A CART decision tree, as scikit-learn's `DecisionTreeClassifier`: exact best splits (midpoints
 * between distinct values) by Gini or entropy, probabilities = the class distribution of the
 * leaf's training rows.
 *
 * @example
 * ```ts
 * const tree = new DecisionTreeClassifier({ maxDepth: 5 }).fit(train.X, train.y);
 * tree.featureImportances; // impurity decrease per feature, summing to 1
 * ```
 */
export class DecisionTreeClassifier extends BaseClassifier<DecisionTreeParams, DecisionTreeModel> {
  constructor(params: Partial<DecisionTreeParams> = {}) {
    super(DECISION_TREE_PARAMS, params);
  }

  /** Rebuilds a `DecisionTreeClassifier` from `toJSON()` output. */
  static fromJSON(json: EstimatorJSON): DecisionTreeClassifier {
    checkJSONType(json, 'DecisionTreeClassifier');
    return new DecisionTreeClassifier(json.params).restore(json.state);
  }

  /** The fitted tree's arrays. */
  get tree(): Readonly<TreeArrays> {
    return this.model.tree;
  }

  /** Normalised total impurity decrease contributed by each feature (scikit-learn's MDI). */
  get featureImportances(): Float64Array {
    return this.model.featureImportances;
  }

  /** Depth of the fitted tree (a lone root has depth 0). */
  get depth(): number {
    const { feature, left } = this.model.tree;
    const depthOf = new Int32Array(left.length);
    let max = 0;
    for (let i = 0; i < left.length; i++) {
      if (feature[i] >= 0) {
        depthOf[left[i]] = depthOf[i] + 1;
        depthOf[left[i] + 1] = depthOf[i] + 1;
        max = Math.max(max, depthOf[i] + 1);
      }
    }
    return max;
  }

  protected fitEncoded(X: DenseMatrix, y: Int32Array, k: number): DecisionTreeModel {
    const importances = new Float64Array(X.cols);
    const tree = growTree(
      presort(X),
      y,
      k,
      null,
      growOptions(this.params, X.cols),
      new Random(this.params.seed),
      importances,
    );
    return { tree, featureImportances: normalise(importances) };
  }

  protected probaEncoded(X: DenseMatrix): DenseMatrix {
    const k = this.classes.length;
    const out = denseMatrix(X.rows, k);
    accumulateTreeProba(this.model.tree, X, k, 1, out.data);
    return out;
  }

  protected decodeModel(data: unknown): DecisionTreeModel {
    const m = data as Record<string, unknown>;
    return { tree: decodeTree(m.tree), featureImportances: toFloat64(m.featureImportances) };
  }
}

/** Scales non-negative values to sum to 1 (all zeros stay zeros). */
export function normalise(a: Float64Array): Float64Array {
  const s = a.reduce((x, v) => x + v, 0);
  return s > 0 ? a.map((v) => v / s) : a;
}

registerEstimator('DecisionTreeClassifier', DecisionTreeClassifier, (json) =>
  DecisionTreeClassifier.fromJSON(json),
);
