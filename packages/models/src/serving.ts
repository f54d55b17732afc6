/**
 * `@tideflow/models/serving`: what a process needs to load a fitted model and predict with it,
 * and nothing else. Importing it registers the serializers of every estimator, transformer and
 * meta-estimator (so `loadModel` and `SerializerRegistry.deserialize` can decode any model the
 * pipeline logs) without loading the pipeline, the plots, the report, t-SNE or the explainers,
 * which the main entry `@tideflow/models` also holds. `loadModel` imports this entry for models
 * of flavor `tideflow.models`.
 *
 * @example
 * ```ts
 * import { loadModel } from '@tideflow/core';
 * import { denseMatrix, type Classifier } from '@tideflow/models/serving';
 *
 * const model = await loadModel<Classifier>('models:/iris@champion');
 * const labels = model.predict(denseMatrix(1, 4, Float64Array.of(5.1, 3.5, 1.4, 0.2)));
 * ```
 *
 * @packageDocumentation
 */
// Each module registers its estimator types when it is evaluated.
import './estimators/knn.js';
import './estimators/naive-bayes.js';
import './estimators/logistic.js';
import './estimators/tree.js';
import './estimators/forest.js';
import './estimators/svm.js';
import './calibration/calibrated-classifier.js';
import './conformal/conformal-classifier.js';
import './ensemble/voting.js';
import './features/estimator-pipeline.js';
import './features/scaler.js';
import './features/coordinates.js';
import './features/derived.js';
import './features/select-k-best.js';
import './features/fresh.js';
import './features/rfe.js';
import './selection/search-cv.js';

export { denseMatrix, fromRows } from './data/matrix.js';
export type { DenseMatrix } from './data/matrix.js';
export type { Classifier, Transformer, EstimatorJSON } from './estimators/classifier.js';
export { estimatorFromJSON, registeredEstimatorTypes } from './estimators/estimator-registry.js';
