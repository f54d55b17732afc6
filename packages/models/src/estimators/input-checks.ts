import type { DenseMatrix } from '../data/matrix.js';
import { EstimatorInputError, NotFittedError } from '../errors.js';

/**
 * Checks that `X` is a usable feature matrix: at least one row and one column, a consistent
 * buffer, and only finite values. `estimator` names the caller in the error.
 */
export function checkMatrix(estimator: string, X: DenseMatrix, what = 'X'): void {
  if (X === null || typeof X !== 'object' || !(X.data instanceof Float64Array)) {
    throw new EstimatorInputError(
      estimator,
      `${what} must be a DenseMatrix ({ data: Float64Array, rows, cols }); use denseMatrix() or fromRows().`,
    );
  }
  if (X.rows === 0) throw new EstimatorInputError(estimator, `${what} has zero rows.`);
  if (X.cols === 0) throw new EstimatorInputError(estimator, `${what} has zero columns.`);
  if (X.data.length !== X.rows * X.cols) {
    throw new EstimatorInputError(
      estimator,
      `${what} claims ${X.rows}×${X.cols} but holds ${X.data.length} values.`,
    );
  }
  const d = X.data;
  for (let i = 0; i < d.length; i++) {
    // `x - x` is NaN exactly for NaN and ±Infinity: one test per value in the hot loop.
    if (d[i] - d[i] !== 0) {
      const r = Math.floor(i / X.cols);
      throw new EstimatorInputError(
        estimator,
        `${what} contains ${d[i]} at row ${r}, column ${i - r * X.cols}; features must be finite (impute or drop those rows).`,
      );
    }
  }
}

/** The result of {@link checkFitInput}: labels encoded as indices into the sorted `classes`. */
export interface EncodedLabels {
  /** Sorted distinct labels of `y`. */
  readonly classes: Int32Array;
  /** `yIndex[i]` is the position of `y[i]` in `classes`. */
  readonly yIndex: Int32Array;
}

/** Sorted distinct labels of `y` and each label's position among them. */
export function encodeLabels(y: ArrayLike<number>): EncodedLabels {
  const sorted = Int32Array.from(y).sort();
  let k = 0;
  for (let i = 0; i < sorted.length; i++)
    if (i === 0 || sorted[i] !== sorted[i - 1]) sorted[k++] = sorted[i];
  const classes = sorted.slice(0, k);
  const yIndex = new Int32Array(y.length);
  // Labels are usually 0..K−1: a direct lookup table avoids a binary search per row.
  const lo = k > 0 ? classes[0] : 0;
  const span = k > 0 ? classes[k - 1] - lo + 1 : 0;
  if (span <= 4 * k + 1024) {
    const table = new Int32Array(span);
    for (let c = 0; c < k; c++) table[classes[c] - lo] = c;
    for (let i = 0; i < y.length; i++) yIndex[i] = table[y[i] - lo];
  } else {
    for (let i = 0; i < y.length; i++) yIndex[i] = lowerBound(classes, y[i]);
  }
  return { classes, yIndex };
}

function lowerBound(a: Int32Array, v: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid] < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Checks that `y` holds one integer label per row of `X`. */
export function checkLabels(estimator: string, X: DenseMatrix, y: ArrayLike<number>): void {
  if (y === null || typeof y !== 'object' || typeof y.length !== 'number') {
    throw new EstimatorInputError(estimator, 'y must be an Int32Array of class labels.');
  }
  if (y.length !== X.rows) {
    throw new EstimatorInputError(
      estimator,
      `X has ${X.rows} rows but y has ${y.length} labels; they must match.`,
    );
  }
  for (let i = 0; i < y.length; i++) {
    if (!Number.isInteger(y[i])) {
      throw new EstimatorInputError(
        estimator,
        `y[${i}] is ${y[i]}; labels must be integers (class indices).`,
      );
    }
  }
}

/**
 * Validates training data for a classifier: finite `X`, one integer label per row, at least two
 * classes. Returns the encoded labels.
 */
export function checkFitInput(
  estimator: string,
  X: DenseMatrix,
  y: ArrayLike<number>,
): EncodedLabels {
  checkMatrix(estimator, X);
  checkLabels(estimator, X, y);
  const enc = encodeLabels(y);
  if (enc.classes.length < 2) {
    throw new EstimatorInputError(
      estimator,
      `y has only one class (${enc.classes[0]}); a classifier needs at least two.`,
    );
  }
  return enc;
}

/** Checks a matrix given to a fitted model: fitted, same feature count as in `fit`, finite values. */
export function checkPredictInput(
  estimator: string,
  X: DenseMatrix,
  nFeatures: number | undefined,
): void {
  if (nFeatures === undefined) throw new NotFittedError(estimator);
  checkMatrix(estimator, X);
  if (X.cols !== nFeatures) {
    throw new EstimatorInputError(
      estimator,
      `X has ${X.cols} features but the model was fitted with ${nFeatures}.`,
    );
  }
}
