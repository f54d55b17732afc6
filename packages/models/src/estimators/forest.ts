import type { DenseMatrix } from '../data/matrix.js';
import { denseMatrix } from '../data/matrix.js';
import { Random } from '../data/random.js';
import { BaseClassifier, checkJSONType, toFloat64 } from './base.js';
import type { EstimatorJSON } from './classifier.js';
import { registerEstimator } from './estimator-registry.js';
import { normalise } from './tree.js';
import type { TreeArrays } from './tree-builder.js';
import { accumulateTreeProba, growTree, presort } from './tree-builder.js';
import type { TreeParams } from './tree-params.js';
import { decodeTree, growOptions, treeParamSpecs } from './tree-params.js';
import { declareParams } from './param-spec.js';

/** Hyper-parameters of {@link RandomForestClassifier}. */
export interface RandomForestParams extends TreeParams {
  /** Number of trees. Default 100. */
  nEstimators: number;
  /** Grow each tree on a bootstrap sample (with replacement) of the rows. Default `true`. */
  bootstrap: boolean;
  /** Rows per bootstrap sample: a count, a fraction, or `null` (default) for all `n`. */
  maxSamples: number | null;
}

/** The fitted state of {@link RandomForestClassifier}. */
export interface ForestModel {
  /** The trees. */
  trees: TreeArrays[];
  /** Mean normalised impurity decrease per feature. */
  featureImportances: Float64Array;
}

const TREE_SPECS = treeParamSpecs('sqrt');

/** The declared hyper-parameters of {@link RandomForestClassifier}. */
export const RANDOM_FOREST_PARAMS = declareParams<RandomForestParams>('RandomForestClassifier', {
  nEstimators: {
    kind: 'number',
    integer: true,
    min: 1,
    default: 100,
    grid: [100],
    doc: 'Numbers of trees.',
  },
  ...TREE_SPECS,
  maxDepth: { ...TREE_SPECS.maxDepth, grid: [null] },
  minSamplesLeaf: { ...TREE_SPECS.minSamplesLeaf, grid: [5] },
  bootstrap: { kind: 'boolean', default: true, doc: 'Grow each tree on a bootstrap sample.' },
  maxSamples: {
    kind: 'number',
    min: 0,
    exclusiveMin: true,
    nullable: true,
    default: null,
    doc: 'Rows per bootstrap sample (null: all).',
  },
});

/**
 * A random forest, as scikit-learn's `RandomForestClassifier`: each tree grows on a bootstrap
 * sample (as row weights) with `maxFeatures` features drawn per split; probabilities are the mean
 * of the trees' leaf class distributions. Every tree has its own seed drawn from `seed`, so fits
 * reproduce exactly. Each feature's rows are sorted once for the whole forest.
 *
 * @example
 * ```ts
 * const rf = new RandomForestClassifier({ nEstimators: 100, seed: 42 }).fit(train.X, train.y);
 * const proba = rf.predictProba(test.X);
 * ```
 */
export class RandomForestClassifier extends BaseClassifier<RandomForestParams, ForestModel> {
  constructor(params: Partial<RandomForestParams> = {}) {
    super(RANDOM_FOREST_PARAMS, params);
  }

  /** Rebuilds a `RandomForestClassifier` from `toJSON()` output. */
  static fromJSON(json: EstimatorJSON): RandomForestClassifier {
    checkJSONType(json, 'RandomForestClassifier');
    return new RandomForestClassifier(json.params).restore(json.state);
  }

  /** The fitted trees. */
  get trees(): readonly Readonly<TreeArrays>[] {
    return this.model.trees;
  }

  /** Mean over trees of each tree's normalised impurity decrease per feature (MDI). */
  get featureImportances(): Float64Array {
    return this.model.featureImportances;
  }

  protected fitEncoded(X: DenseMatrix, y: Int32Array, k: number): ForestModel {
    const n = X.rows;
    const { nEstimators, bootstrap, maxSamples, seed } = this.params;
    const data = presort(X);
    const options = growOptions(this.params, X.cols);
    const draws =
      maxSamples === null
        ? n
        : maxSamples < 1
          ? Math.max(1, Math.round(maxSamples * n))
          : Math.min(n, maxSamples);
    const master = new Random(seed);
    const trees: TreeArrays[] = [];
    const importances = new Float64Array(X.cols);
    const weight = new Float64Array(n);
    for (let t = 0; t < nEstimators; t++) {
      const rng = new Random(master.nextSeed());
      let w: Float64Array | null = null;
      if (bootstrap) {
        weight.fill(0);
        for (let i = 0; i < draws; i++) weight[rng.int(n)]++;
        w = weight;
      }
      const imp = new Float64Array(X.cols);
      trees.push(growTree(data, y, k, w, options, rng, imp));
      const norm = normalise(imp);
      for (let j = 0; j < X.cols; j++) importances[j] += norm[j] / nEstimators;
    }
    return { trees, featureImportances: importances };
  }

  protected probaEncoded(X: DenseMatrix): DenseMatrix {
    const k = this.classes.length;
    const out = denseMatrix(X.rows, k);
    const trees = this.model.trees;
    // Sum, then divide once: adding 1/n per tree drifts past 1 (100 × 0.01 = 1.0000000000000007).
    for (const tree of trees) accumulateTreeProba(tree, X, k, 1, out.data);
    for (let i = 0; i < out.data.length; i++) out.data[i] /= trees.length;
    return out;
  }

  protected decodeModel(data: unknown): ForestModel {
    const m = data as { trees: unknown[]; featureImportances: unknown };
    return { trees: m.trees.map(decodeTree), featureImportances: toFloat64(m.featureImportances) };
  }
}

registerEstimator('RandomForestClassifier', RandomForestClassifier, (json) =>
  RandomForestClassifier.fromJSON(json),
);
