import { Matrix } from 'ml-matrix';
import type { DenseMatrix } from './matrix.js';

// Apart from data/matrix.ts so that the estimators (and the serving entry that loads them) do not
// import ml-matrix, which costs a cold process tens of milliseconds.
/** An ml-matrix `Matrix` holding a copy of `X`, for its linear algebra. */
export function toMlMatrix(X: DenseMatrix): Matrix {
  const m = new Matrix(X.rows, X.cols);
  for (let i = 0; i < X.rows; i++)
    m.setRow(i, Array.from(X.data.subarray(i * X.cols, (i + 1) * X.cols)));
  return m;
}
