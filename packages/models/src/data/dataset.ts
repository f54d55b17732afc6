import type { DenseMatrix } from './matrix.js';

/**
 * A labelled data set: features as a row-major matrix, labels as class indices into `classNames`.
 */
export interface Dataset {
  /** Features, one row per sample. */
  readonly X: DenseMatrix;
  /** Class index of each sample (`0 ≤ y[i] < classNames.length`). */
  readonly y: Int32Array;
  /** One name per feature column. */
  readonly featureNames: readonly string[];
  /** One name per class; `classNames[y[i]]` is the original label. */
  readonly classNames: readonly string[];
}
