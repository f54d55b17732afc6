/**
 * `@tideflow/models`: a multi-class classification toolkit in the shape of scikit-learn, built on
 * typed arrays, and the clustering-classification pipeline as tideflow flows.
 *
 * @packageDocumentation
 */
export { denseMatrix, fromRows, row, takeRows } from './data/matrix.js';
export type { DenseMatrix } from './data/matrix.js';
export type { Dataset } from './data/dataset.js';
export type { Classifier, Transformer, EstimatorJSON } from './estimators/classifier.js';
export { EstimatorInputError, InvalidParameterError, NotFittedError, DataFormatError } from './errors.js';
