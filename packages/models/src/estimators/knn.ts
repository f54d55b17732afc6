import type { DenseMatrix } from '../data/matrix.js';
import { denseMatrix } from '../data/matrix.js';
import { EstimatorInputError } from '../errors.js';
import { BaseClassifier, checkJSONType, toFloat64, toInt32 } from './base.js';
import type { EstimatorJSON } from './classifier.js';
import type { Neighbors } from './kd-tree.js';
import { neighborIndex, type NeighborIndex } from './neighbor-index.js';
import { registerEstimator } from './estimator-registry.js';
import { checkPredictInput } from './input-checks.js';
import { checkNumber } from './param-checks.js';
import { declareParams } from './param-spec.js';

/** Hyper-parameters of {@link KNeighborsClassifier}. */
export interface KNeighborsParams {
  /** Number of neighbours that vote. Default 5 (scikit-learn's `n_neighbors`). */
  nNeighbors: number;
  /**
   * `uniform` (default): each neighbour counts once; `distance`: neighbours weigh 1/distance (and
   * neighbours at distance 0, when there are any, take all the weight).
   */
  weights: 'uniform' | 'distance';
  /** Largest leaf of the k-d tree (used below 16 features); changes speed only. Default 30 (as scikit-learn). */
  leafSize: number;
}

/** The fitted data of {@link KNeighborsClassifier}: the training set itself and its index. */
export interface KNeighborsModel {
  /** The training rows. */
  X: DenseMatrix;
  /** Class index of each training row. */
  y: Int32Array;
  /** Number of classes. */
  nClasses: number;
  /**
   * The neighbour search over `X`: a k-d tree in few dimensions, a brute-force scan in many (see
   * `neighborIndex`); rebuilt, not stored, by the JSON form.
   */
  tree: NeighborIndex;
}

/** The declared hyper-parameters of {@link KNeighborsClassifier}. */
export const KNN_PARAMS = declareParams<KNeighborsParams>('KNeighborsClassifier', {
  nNeighbors: {
    kind: 'number',
    integer: true,
    min: 1,
    default: 5,
    grid: [5, 15, 31],
    doc: 'Numbers of neighbours.',
  },
  weights: {
    kind: 'choice',
    values: ['uniform', 'distance'],
    default: 'uniform',
    grid: ['uniform', 'distance'],
    doc: 'Neighbour weighting.',
  },
  leafSize: { kind: 'number', integer: true, min: 1, default: 30, doc: 'Largest k-d tree leaf.' },
});

/**
 * k-nearest-neighbours classification (Euclidean), like scikit-learn's `KNeighborsClassifier`:
 * probabilities are the (weighted) fractions of the k neighbours in each class, and `predict` takes
 * the most probable class, ties going to the smallest label. Queries are exact: a k-d tree up to 15
 * features, a brute-force scan beyond (scikit-learn's `algorithm='auto'`).
 *
 * @example
 * ```ts
 * const knn = new KNeighborsClassifier({ nNeighbors: 15 }).fit(train.X, train.y);
 * const labels = knn.predict(test.X);
 * ```
 */
export class KNeighborsClassifier extends BaseClassifier<KNeighborsParams, KNeighborsModel> {
  constructor(params: Partial<KNeighborsParams> = {}) {
    super(KNN_PARAMS, params);
  }

  /** Rebuilds a `KNeighborsClassifier` from `toJSON()` output (the k-d tree is rebuilt). */
  static fromJSON(json: EstimatorJSON): KNeighborsClassifier {
    checkJSONType(json, 'KNeighborsClassifier');
    return new KNeighborsClassifier(json.params).restore(json.state);
  }

  /**
   * The `k` nearest training rows of each row of `X` (indices into the training set, distances),
   * nearest first; `k` defaults to `nNeighbors`.
   */
  kneighbors(X: DenseMatrix, k: number = this.params.nNeighbors): Neighbors {
    checkPredictInput(this.typeName, X, this.nFeatures);
    checkNumber(this.typeName, 'k', k, { min: 1, max: this.model.X.rows, integer: true });
    return this.model.tree.query(X, k);
  }

  protected fitEncoded(X: DenseMatrix, y: Int32Array, nClasses: number): KNeighborsModel {
    if (this.params.nNeighbors > X.rows) {
      throw new EstimatorInputError(
        this.typeName,
        `nNeighbors=${this.params.nNeighbors} is larger than the ${X.rows} training rows; lower it.`,
      );
    }
    const Xc = denseMatrix(X.rows, X.cols, X.data.slice());
    return {
      X: Xc,
      y: y.slice(),
      nClasses,
      tree: neighborIndex(Xc, this.params.leafSize, this.params.nNeighbors),
    };
  }

  protected probaEncoded(X: DenseMatrix): DenseMatrix {
    const { y, nClasses, tree } = this.model;
    const k = this.params.nNeighbors;
    const out = denseMatrix(X.rows, nClasses);
    const p = out.data;
    if (this.params.weights === 'uniform') {
      tree.forEachQuery(X, k, (qi, idx) => {
        const o = qi * nClasses;
        for (let a = 0; a < k; a++) p[o + y[idx[a]]] += 1;
        for (let c = 0; c < nClasses; c++) p[o + c] /= k;
      });
    } else {
      tree.forEachQuery(X, k, (qi, idx, d2) => {
        const o = qi * nClasses;
        let exact = 0;
        for (let a = 0; a < k; a++) if (d2[a] === 0) exact++;
        let total = 0;
        for (let a = 0; a < k; a++) {
          // scikit-learn: when some neighbours coincide with the query, only they vote.
          const w = exact > 0 ? (d2[a] === 0 ? 1 : 0) : 1 / Math.sqrt(d2[a]);
          p[o + y[idx[a]]] += w;
          total += w;
        }
        for (let c = 0; c < nClasses; c++) p[o + c] /= total;
      });
    }
    return out;
  }

  protected override encodeModel(model: KNeighborsModel): unknown {
    return { X: model.X, y: model.y, nClasses: model.nClasses };
  }

  protected decodeModel(data: unknown): KNeighborsModel {
    const m = data as {
      X: { rows: number; cols: number; data: unknown };
      y: unknown;
      nClasses: number;
    };
    const X = denseMatrix(Number(m.X.rows), Number(m.X.cols), toFloat64(m.X.data));
    return {
      X,
      y: toInt32(m.y),
      nClasses: Number(m.nClasses),
      tree: neighborIndex(X, this.params.leafSize, this.params.nNeighbors),
    };
  }
}

registerEstimator('KNeighborsClassifier', KNeighborsClassifier, (json) =>
  KNeighborsClassifier.fromJSON(json),
);
