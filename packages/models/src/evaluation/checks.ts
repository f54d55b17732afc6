// Input checks shared by the evaluation modules (calibration, ensembles, conformal sets,
// explanations, selection, embedding). Private to the package: not exported from index.ts.
import type { DenseMatrix } from '../data/matrix.js';
import { EstimatorInputError, InvalidParameterError } from '../errors.js';

/** Throws unless `X` is a non-empty, consistent matrix of finite numbers. */
export function checkMatrix(owner: string, X: DenseMatrix, what = 'X'): void {
  if (!X || !(X.data instanceof Float64Array)) {
    throw new EstimatorInputError(owner, `${what} must be a DenseMatrix (Float64Array data).`);
  }
  if (X.rows <= 0 || X.cols <= 0) {
    throw new EstimatorInputError(
      owner,
      `${what} is empty (${X.rows}×${X.cols}); pass at least one row and one column.`,
    );
  }
  if (X.data.length !== X.rows * X.cols) {
    throw new EstimatorInputError(
      owner,
      `${what} has ${X.data.length} values for a ${X.rows}×${X.cols} matrix.`,
    );
  }
  const d = X.data;
  for (let i = 0; i < d.length; i++) {
    if (!Number.isFinite(d[i])) {
      const r = Math.floor(i / X.cols);
      throw new EstimatorInputError(
        owner,
        `${what} has a non-finite value (${d[i]}) at row ${r}, column ${i - r * X.cols}; impute or drop it first.`,
      );
    }
  }
}

/** Throws unless `y` holds `rows` non-negative class indices. */
export function checkLabels(owner: string, y: Int32Array, rows: number, what = 'y'): void {
  if (!(y instanceof Int32Array)) {
    throw new EstimatorInputError(owner, `${what} must be an Int32Array of class indices.`);
  }
  if (y.length !== rows) {
    throw new EstimatorInputError(owner, `${what} has ${y.length} labels for ${rows} rows.`);
  }
  for (let i = 0; i < y.length; i++) {
    if (y[i] < 0)
      throw new EstimatorInputError(owner, `${what}[${i}] is ${y[i]}; class indices must be ≥ 0.`);
  }
}

/** Throws unless `X` has the feature count seen at fit time. */
export function checkFeatureCount(owner: string, X: DenseMatrix, expected: number): void {
  if (X.cols !== expected) {
    throw new EstimatorInputError(
      owner,
      `X has ${X.cols} features but the estimator was fitted with ${expected}.`,
    );
  }
}

/** The sorted distinct values of `y`. */
export function uniqueLabels(y: Int32Array): Int32Array {
  return Int32Array.from(new Set(y)).sort();
}

/** Number of samples of each class index in `0..nClasses-1`. */
export function classCounts(y: Int32Array, nClasses: number): Int32Array {
  const counts = new Int32Array(nClasses);
  for (let i = 0; i < y.length; i++) if (y[i] < nClasses) counts[y[i]]++;
  return counts;
}

/** Throws `InvalidParameterError` unless `value` is an integer in `[min, max]`. */
export function checkInteger(
  owner: string,
  name: string,
  value: number,
  min: number,
  max = Infinity,
): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    const range = max === Infinity ? `≥ ${min}` : `in [${min}, ${max}]`;
    throw new InvalidParameterError(
      owner,
      name,
      `expected an integer ${range}, got ${String(value)}.`,
    );
  }
}

/** Throws `InvalidParameterError` unless `value` is a finite number strictly between `lo` and `hi`. */
export function checkOpenInterval(
  owner: string,
  name: string,
  value: number,
  lo: number,
  hi: number,
): void {
  if (typeof value !== 'number' || !(value > lo && value < hi)) {
    throw new InvalidParameterError(
      owner,
      name,
      `expected a number in (${lo}, ${hi}), got ${String(value)}.`,
    );
  }
}

/** Index of the largest value of `v[offset..offset+n)`; ties go to the lowest index. */
export function argmax(v: ArrayLike<number>, offset = 0, n = v.length - offset): number {
  let best = 0;
  let bestValue = v[offset];
  for (let j = 1; j < n; j++) {
    if (v[offset + j] > bestValue) {
      bestValue = v[offset + j];
      best = j;
    }
  }
  return best;
}
