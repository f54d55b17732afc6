/**
 * `@tideflow/serving`: serves a registered or logged model over MLflow's scoring protocol
 * (`/ping`, `/health`, `/version`, `POST /invocations`), following its alias live, on loopback
 * by default and behind a bearer token elsewhere. `tideflow models serve` runs it.
 *
 * @packageDocumentation
 */
export {
  serveModel,
  DEFAULT_SERVING_PORT,
  DEFAULT_BODY_LIMIT,
  MODEL_VERSION_HEADER,
} from './server.js';
export type { ServeModelOptions, ModelServer } from './server.js';
export { ModelSource } from './model-source.js';
export type { ServedModel } from './model-source.js';
export { PREDICT_METHODS } from './predictions.js';
export type { PredictMethod, ScoringParams, ScoringAnswer } from './predictions.js';
export { INPUT_FORMS } from './input-frame.js';
export type { InputForm } from './input-frame.js';
export type { InputSchema } from './input-schema.js';
export { ScoringRequestError, ServingSetupError } from './errors.js';
export type { ScoringErrorCode, ScoringErrorBody } from './errors.js';
export { serveModelWorkers } from './workers.js';
export type { ServeWorkersOptions, WorkerPool, WorkerConfig, WorkerMessage } from './workers.js';
