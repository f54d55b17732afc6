import { TideflowError } from '@tideflow/core';

/**
 * MLflow's error codes (from `databricks_pb2`) that the scoring server answers with, in the JSON
 * body `{"error_code": ..., "message": ...}`.
 */
export type ScoringErrorCode =
  | 'BAD_REQUEST'
  | 'MALFORMED_REQUEST'
  | 'INVALID_PARAMETER_VALUE'
  | 'UNAUTHENTICATED'
  | 'PERMISSION_DENIED'
  | 'ENDPOINT_NOT_FOUND'
  | 'REQUEST_LIMIT_EXCEEDED'
  | 'TEMPORARILY_UNAVAILABLE'
  | 'INTERNAL_ERROR';

/** The JSON body of every error answer, as MLflow's scoring server writes it. */
export interface ScoringErrorBody {
  /** MLflow's error code. */
  error_code: ScoringErrorCode;
  /** What was wrong, naming the column, row, key or header concerned. */
  message: string;
}

/**
 * Thrown while reading a scoring request that cannot be answered: the server turns it into the
 * HTTP `status` with MLflow's error JSON. Input that does not fit the model's signature is a 400
 * naming the column and row.
 */
export class ScoringRequestError extends TideflowError {
  constructor(
    /** The HTTP status of the answer. */
    readonly status: number,
    /** MLflow's error code of the answer. */
    readonly errorCode: ScoringErrorCode,
    message: string,
  ) {
    super('SCORING_REQUEST', message);
  }

  /** The answer's JSON body. */
  toBody(): ScoringErrorBody {
    return { error_code: this.errorCode, message: this.message };
  }
}

/** A 400 `BAD_REQUEST`: the input does not fit the model's signature. */
export function badInput(message: string): ScoringRequestError {
  return new ScoringRequestError(400, 'BAD_REQUEST', message);
}

/**
 * Thrown before a server listens when the model cannot be served: its signature has an input
 * type that is not numeric, or `serveModel`'s options are invalid.
 */
export class ServingSetupError extends TideflowError {
  constructor(message: string) {
    super('SERVING_SETUP', message);
  }
}
