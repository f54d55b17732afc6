import { TideflowError } from '@tideflow/core';

/** The body of every error response, in MLflow's REST shape. */
export interface ApiErrorBody {
  /** MLflow's error code, e.g. `RESOURCE_DOES_NOT_EXIST` or `INVALID_PARAMETER_VALUE`. */
  error_code: string;
  /** What went wrong, naming the offending input. */
  message: string;
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
const ALREADY_EXISTS = new Set(['RUN_ALREADY_EXISTS', 'EXPERIMENT_ALREADY_EXISTS']);
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
export function toApiError(error: unknown): { statusCode: number; body: ApiErrorBody } {
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
