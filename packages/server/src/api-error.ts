import { TideflowError } from '@tideflow/core';

/** The body of every error response, in MLflow's REST shape. */
export interface ApiErrorBody {
  /** MLflow's error code, e.g. `RESOURCE_DOES_NOT_EXIST` or `INVALID_PARAMETER_VALUE`. */
  error_code: string;
  /** What went wrong, naming the offending input. */
  message: string;
  /** On tideflow's own routes (`/api/tideflow/...`): the `code` of the tracker's error, e.g. `RUN_NOT_FOUND`. */
  tideflow_code?: string;
  /** With `tideflow_code`: the error's own fields (`runId`, `position`, ...), strings and numbers only. */
  details?: Record<string, string | number>;
}

/** Options of {@link toApiError}. */
export interface ToApiErrorOptions {
  /** Add `tideflow_code` and `details` for tideflow errors. @default false */
  withTideflowCode?: boolean;
}

/** The string and number fields a tideflow error carries besides its message and code. */
function errorDetails(error: TideflowError): Record<string, string | number> {
  const out: Record<string, string | number> = {};
  for (const [k, v] of Object.entries(error))
    if (k !== 'code' && k !== 'name' && (typeof v === 'string' || typeof v === 'number'))
      out[k] = v;
  return out;
}

/**
 * An error the server answers with its own status and MLflow error code (a refused host, a
 * missing token, an unsafe artifact path, ...).
 */
export class ApiError extends TideflowError {
  constructor(
    readonly statusCode: number,
    readonly errorCode: string,
    message: string,
  ) {
    super('SERVER_API', message);
  }
}

const NOT_FOUND = new Set([
  'RUN_NOT_FOUND',
  'EXPERIMENT_NOT_FOUND',
  'ARTIFACT_NOT_FOUND',
  'MODEL_NOT_FOUND',
  'TRACKING_STORE_NOT_FOUND',
]);
const ALREADY_EXISTS = new Set([
  'RUN_ALREADY_EXISTS',
  'EXPERIMENT_ALREADY_EXISTS',
  'MODEL_ALREADY_EXISTS',
]);
const INVALID = new Set([
  'PARAM_OVERWRITE',
  'FILTER_SYNTAX',
  'DELETED_RUN',
  'INVALID_ARTIFACT_PATH',
  'TRACKING_INPUT',
  'INVALID_DATASET_INPUT',
  'INVALID_OPTION',
  'MODEL_URI',
]);

/** Fastify's own client errors, by their `code`. */
const FASTIFY_ERRORS: Readonly<Record<string, [number, string]>> = {
  FST_ERR_CTP_BODY_TOO_LARGE: [413, 'INVALID_PARAMETER_VALUE'],
  FST_ERR_CTP_INVALID_MEDIA_TYPE: [415, 'INVALID_PARAMETER_VALUE'],
  FST_ERR_CTP_EMPTY_JSON_BODY: [400, 'MALFORMED_REQUEST'],
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: [400, 'MALFORMED_REQUEST'],
  FST_ERR_VALIDATION: [400, 'INVALID_PARAMETER_VALUE'],
};

/**
 * Maps anything a route throws to a status and MLflow's error JSON: store errors by their code
 * (not found → 404 `RESOURCE_DOES_NOT_EXIST`, ...), request errors by Fastify's code, anything
 * else to a 500 `INTERNAL_ERROR` that does not leak the error's text.
 */
export function toApiError(
  error: unknown,
  options: ToApiErrorOptions = {},
): { statusCode: number; body: ApiErrorBody } {
  const answer = mlflowError(error);
  if (
    options.withTideflowCode &&
    error instanceof TideflowError &&
    !(error instanceof ApiError) &&
    answer.statusCode < 500
  ) {
    answer.body.tideflow_code = error.code;
    answer.body.details = errorDetails(error);
  }
  return answer;
}

function mlflowError(error: unknown): { statusCode: number; body: ApiErrorBody } {
  if (error instanceof ApiError)
    return {
      statusCode: error.statusCode,
      body: { error_code: error.errorCode, message: error.message },
    };
  if (error instanceof TideflowError) {
    const { code, message } = error;
    if (NOT_FOUND.has(code))
      return { statusCode: 404, body: { error_code: 'RESOURCE_DOES_NOT_EXIST', message } };
    if (ALREADY_EXISTS.has(code))
      return { statusCode: 400, body: { error_code: 'RESOURCE_ALREADY_EXISTS', message } };
    if (INVALID.has(code))
      return { statusCode: 400, body: { error_code: 'INVALID_PARAMETER_VALUE', message } };
  }
  const e = error as { code?: unknown; message?: unknown; statusCode?: unknown };
  const known = typeof e.code === 'string' ? FASTIFY_ERRORS[e.code] : undefined;
  if (known)
    return { statusCode: known[0], body: { error_code: known[1], message: String(e.message) } };
  if (
    e.code === 'FST_ERR_CTP_INVALID_JSON_BODY' ||
    (e.statusCode === 400 && e instanceof SyntaxError)
  )
    return {
      statusCode: 400,
      body: { error_code: 'MALFORMED_REQUEST', message: 'The body is not valid JSON.' },
    };
  return {
    statusCode: 500,
    body: { error_code: 'INTERNAL_ERROR', message: 'Internal server error; see the server log.' },
  };
}
