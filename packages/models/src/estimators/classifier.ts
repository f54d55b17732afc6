import type { DenseMatrix } from '../data/matrix.js';

/** The JSON form of a fitted (or unfitted) estimator or transformer: enough to rebuild it. */
export interface EstimatorJSON {
  /** The registered type name, e.g. `GaussianNB`. */
  readonly type: string;
  /** Hyper-parameters. */
  readonly params: Record<string, unknown>;
  /** Fitted state, or `null` when unfitted. Typed arrays allowed (structured-clone data). */
  readonly state: unknown;
}

/**
 * The contract of every classifier, like scikit-learn's: `fit` learns from features `X` and class
 * indices `y`; `predict` returns class labels; `predictProba` returns one row per sample with one
 * column per entry of `classes`, each row summing to 1.
 */
export interface Classifier<P extends object = object> {
  /** Fits the model in place and returns it. Throws `EstimatorInputError` on bad input. */
  fit(X: DenseMatrix, y: Int32Array): this;
  /** Predicted class label of each row. */
  predict(X: DenseMatrix): Int32Array;
  /** Class probabilities, `X.rows × classes.length`, rows summing to 1. */
  predictProba(X: DenseMatrix): DenseMatrix;
  /** The sorted class labels seen by `fit` (empty before). */
  readonly classes: Int32Array;
  /**
   * `true` when `predict` is exactly the arg-max of `predictProba` (ties to the smaller label), so
   * a caller that needs both can take the labels from the probabilities (`predictWithProba`).
   * Absent or `false`: `predict` decides otherwise (an SVC's one-vs-one votes).
   */
  readonly predictsArgmax?: boolean;
  /** The hyper-parameters. */
  readonly params: Readonly<P>;
  /** A new, unfitted estimator of the same type with `params` overriding the current ones. */
  withParams(params: Partial<P>): Classifier<P>;
  /** The JSON form; `estimatorFromJSON` rebuilds it. */
  toJSON(): EstimatorJSON;
}

/**
 * The contract of a feature transformer (scaler, coordinate transform, selector): `fit` learns from
 * the data, `transform` maps rows, `featureNamesOut` names the output columns.
 */
export interface Transformer<P extends object = object> {
  /** Learns the transform (labels are used by supervised selectors) and returns it. */
  fit(X: DenseMatrix, y?: Int32Array): this;
  /** Maps each row of `X`. */
  transform(X: DenseMatrix): DenseMatrix;
  /** Names of the output columns given names of the input columns. */
  featureNamesOut(input: readonly string[]): string[];
  /** The hyper-parameters. */
  readonly params: Readonly<P>;
  /** A new, unfitted transformer with `params` overriding the current ones. */
  withParams(params: Partial<P>): Transformer<P>;
  /** The JSON form; `estimatorFromJSON` rebuilds it. */
  toJSON(): EstimatorJSON;
}
