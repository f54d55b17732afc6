import type { TideflowError } from '@tideflow/core';
import {
  ArtifactNotFoundError,
  DeletedRunError,
  ExperimentAlreadyExistsError,
  ExperimentNotFoundError,
  FilterSyntaxError,
  InvalidArtifactPathError,
  InvalidDatasetInputError,
  InvalidOptionError,
  ModelAlreadyExistsError,
  ModelNotFoundError,
  ModelUriError,
  ParamOverwriteError,
  RunAlreadyExistsError,
  RunNotFoundError,
  TrackingInputError,
  TrackingStoreError,
} from '@tideflow/core';

/** The error classes a tracker raises, by code: a server's answer becomes the same error here. */
const CLASSES: Readonly<Record<string, new (...args: never[]) => TideflowError>> = {
  ARTIFACT_NOT_FOUND: ArtifactNotFoundError,
  DELETED_RUN: DeletedRunError,
  EXPERIMENT_ALREADY_EXISTS: ExperimentAlreadyExistsError,
  EXPERIMENT_NOT_FOUND: ExperimentNotFoundError,
  FILTER_SYNTAX: FilterSyntaxError,
  INVALID_ARTIFACT_PATH: InvalidArtifactPathError,
  INVALID_DATASET_INPUT: InvalidDatasetInputError,
  INVALID_OPTION: InvalidOptionError,
  MODEL_ALREADY_EXISTS: ModelAlreadyExistsError,
  MODEL_NOT_FOUND: ModelNotFoundError,
  MODEL_URI: ModelUriError,
  PARAM_OVERWRITE: ParamOverwriteError,
  RUN_ALREADY_EXISTS: RunAlreadyExistsError,
  RUN_NOT_FOUND: RunNotFoundError,
  TRACKING_INPUT: TrackingInputError,
};

/** An error answer of a tideflow server, as its JSON says. */
export interface ErrorAnswer {
  error_code?: unknown;
  message?: unknown;
  tideflow_code?: unknown;
  details?: unknown;
}

/**
 * The error a server's answer stands for: the tracker's own error class (same `code`, message
 * and fields, such as a `FilterSyntaxError`'s `position`) when the server named it, else a
 * `TrackingStoreError` saying what the server answered.
 */
export function remoteError(
  status: number,
  answer: ErrorAnswer | undefined,
  what: string,
): TideflowError {
  const message = typeof answer?.message === 'string' ? answer.message : undefined;
  const Class =
    typeof answer?.tideflow_code === 'string' ? CLASSES[answer.tideflow_code] : undefined;
  if (Class && message !== undefined) {
    // The constructors build their messages from their fields: build one, then give it the
    // server's message and fields.
    const error = Reflect.construct(Class, ['', 0, '', '']) as TideflowError;
    Object.defineProperty(error, 'message', { value: message, writable: true, configurable: true });
    const details = answer?.details;
    if (typeof details === 'object' && details !== null)
      for (const [k, v] of Object.entries(details))
        if ((typeof v === 'string' || typeof v === 'number') && k !== 'message')
          Object.defineProperty(error, k, { value: v, enumerable: true, configurable: true });
    return error;
  }
  const code = typeof answer?.error_code === 'string' ? ` ${answer.error_code}` : '';
  return new TrackingStoreError(
    `The tracking server answered ${what} with ${status}${code}${message ? `: ${message}` : ''}.`,
  );
}
