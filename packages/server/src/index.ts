/**
 * `@tideflow/server`: the tracking server, MLflow's REST API over any tideflow tracking store.
 *
 * @packageDocumentation
 */
export { createServer, OPENAPI_PATH } from './create-server.js';
export type { TideflowServer } from './create-server.js';
export type { ServerOptions } from './server-options.js';
export { ApiError } from './api-error.js';
export type { ApiErrorBody } from './api-error.js';
export { SECURITY_HEADERS } from './security.js';
export type {
  MlflowExperiment,
  MlflowRun,
  MlflowRunInfo,
  MlflowTag,
} from './routes/mlflow-shapes.js';
