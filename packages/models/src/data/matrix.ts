/**
 * A dense row-major matrix of numbers: element (i, j) is `data[i * cols + j]`. Plain data, so it
 * survives `structuredClone`, the cache and the tracker without a custom serializer.
 */
export interface DenseMatrix {
  /** Row-major values, `rows * cols` long. */
  readonly data: Float64Array;
  /** Number of rows (samples). */
  readonly rows: number;
  /** Number of columns (features, or classes for probabilities). */
  readonly cols: number;
}

/** Creates a `rows × cols` matrix, zero-filled or over `data` (not copied). */
export function denseMatrix(rows: number, cols: number, data?: Float64Array): DenseMatrix {
  if (data && data.length !== rows * cols) {
    throw new RangeError(
      `A ${rows}×${cols} matrix needs ${rows * cols} values, got ${data.length}.`,
    );
  }
  return { data: data ?? new Float64Array(rows * cols), rows, cols };
}

/** Builds a matrix from an array of equal-length rows. */
export function fromRows(rows: ArrayLike<number>[]): DenseMatrix {
  const cols = rows.length > 0 ? rows[0].length : 0;
  const m = denseMatrix(rows.length, cols);
  rows.forEach((row, i) => {
    if (row.length !== cols)
      throw new RangeError(`Row ${i} has ${row.length} values, expected ${cols}.`);
    m.data.set(row, i * cols);
  });
  return m;
}

/** Row `i` as a view (no copy). */
export function row(m: DenseMatrix, i: number): Float64Array {
  return m.data.subarray(i * m.cols, (i + 1) * m.cols);
}

/** A new matrix holding the given rows of `m`, in that order. */
export function takeRows(m: DenseMatrix, indices: ArrayLike<number>): DenseMatrix {
  const out = denseMatrix(indices.length, m.cols);
  for (let k = 0; k < indices.length; k++) {
    const i = indices[k];
    out.data.set(m.data.subarray(i * m.cols, (i + 1) * m.cols), k * m.cols);
  }
  return out;
}

/** The parts of an ml-matrix `Matrix` (or any 2D array) that {@link asDenseMatrix} reads. */
export interface MatrixLike {
  /** Number of rows. */
  readonly rows: number;
  /** Number of columns. */
  readonly columns: number;
  /** Element (i, j). */
  get(i: number, j: number): number;
}

/**
 * A `DenseMatrix` from an ml-matrix `Matrix`, an array of rows, or a `DenseMatrix` (returned as
 * is), so that data held in ml-matrix goes straight into the estimators.
 */
export function asDenseMatrix(
  X: DenseMatrix | MatrixLike | readonly ArrayLike<number>[],
): DenseMatrix {
  if (Array.isArray(X)) return fromRows(X as ArrayLike<number>[]);
  if ('data' in X && X.data instanceof Float64Array) return X;
  const m = X as MatrixLike;
  const out = denseMatrix(m.rows, m.columns);
  for (let i = 0; i < m.rows; i++)
    for (let j = 0; j < m.columns; j++) out.data[i * m.columns + j] = m.get(i, j);
  return out;
}
