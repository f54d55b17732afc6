import { TideflowError } from '../errors.js';

/** Thrown when a param is logged again with a different value: params are write-once, as in MLflow. */
export class ParamOverwriteError extends TideflowError {
  constructor(
    readonly runId: string,
    readonly key: string,
    readonly oldValue: string,
    readonly newValue: string,
  ) {
    super(
      'PARAM_OVERWRITE',
      `Param "${key}" of run ${runId} is already "${oldValue}" and cannot be changed to "${newValue}"; ` +
        'params are write-once: log the new value under another key, or as a tag.',
    );
  }
}

/** Thrown when a search filter or order-by clause is malformed; `position` is the 0-based offset of the problem. */
export class FilterSyntaxError extends TideflowError {
  constructor(
    readonly input: string,
    readonly position: number,
    readonly detail: string,
  ) {
    super(
      'FILTER_SYNTAX',
      `Invalid search expression at position ${position}: ${detail}\n  ${input}\n  ${' '.repeat(position)}^`,
    );
  }
}

/** Thrown when a run id names no run in the store. */
export class RunNotFoundError extends TideflowError {
  constructor(readonly runId: string) {
    super('RUN_NOT_FOUND', `No run with id "${runId}"; check the id with \`tideflow runs ls\`.`);
  }
}

/** Thrown when `createRun` is given an explicit run id that is already taken. */
export class RunAlreadyExistsError extends TideflowError {
  constructor(readonly runId: string) {
    super(
      'RUN_ALREADY_EXISTS',
      `A run with id "${runId}" already exists; pass another id or none.`,
    );
  }
}

/** Thrown when an experiment id or name names no experiment in the store. */
export class ExperimentNotFoundError extends TideflowError {
  constructor(readonly experiment: string) {
    super(
      'EXPERIMENT_NOT_FOUND',
      `No experiment "${experiment}"; list them with \`tideflow experiments ls\`.`,
    );
  }
}

/** Thrown when `createExperiment` is given a name that is already used. */
export class ExperimentAlreadyExistsError extends TideflowError {
  constructor(readonly experimentName: string) {
    super(
      'EXPERIMENT_ALREADY_EXISTS',
      `An experiment named "${experimentName}" already exists; use getOrCreateExperiment to reuse it.`,
    );
  }
}

/** Thrown on any write to a run that was deleted; restore it with `restoreRun` first. */
export class DeletedRunError extends TideflowError {
  constructor(readonly runId: string) {
    super(
      'DELETED_RUN',
      `Run ${runId} is deleted and cannot be written to; restore it with restoreRun() first.`,
    );
  }
}

/** Thrown when an artifact path is empty, absolute, contains `..`, `.`, empty segments, backslashes or NUL. */
export class InvalidArtifactPathError extends TideflowError {
  constructor(
    readonly path: string,
    detail: string,
  ) {
    super(
      'INVALID_ARTIFACT_PATH',
      `Invalid artifact path ${JSON.stringify(path)}: ${detail}. Use a relative path like "plots/roc.svg".`,
    );
  }
}

/** Thrown when an artifact path (or a typed artifact key and version) does not exist in a run. */
export class ArtifactNotFoundError extends TideflowError {
  constructor(
    readonly runId: string,
    readonly path: string,
  ) {
    super(
      'ARTIFACT_NOT_FOUND',
      `Run ${runId} has no artifact "${path}"; list them with listArtifacts().`,
    );
  }
}

/**
 * Thrown when a tracking input breaks a limit: an invalid or too long key, a too long value, a
 * non-finite step or timestamp, an invalid status, run id, alias or artifact key.
 */
export class TrackingInputError extends TideflowError {
  constructor(message: string) {
    super('TRACKING_INPUT', message);
  }
}

/**
 * Thrown when a dataset input to log breaks one of MLflow's rules (a missing name, a digest over
 * 36 characters, a bad context, ...); `input` and `field` name what was wrong.
 */
export class InvalidDatasetInputError extends TideflowError {
  constructor(
    readonly input: string,
    readonly field: string,
    detail: string,
  ) {
    super('INVALID_DATASET_INPUT', `Invalid dataset ${input}: "${field}" ${detail}.`);
  }
}

/** Thrown when a registered model, a model version or an alias does not exist. */
export class ModelNotFoundError extends TideflowError {
  constructor(
    readonly modelName: string,
    readonly version?: string,
  ) {
    super(
      'MODEL_NOT_FOUND',
      version === undefined
        ? `No model "${modelName}"; list registered models with \`tideflow models ls\`.`
        : `Model "${modelName}" has no version or alias "${version}"; list its versions with \`tideflow models versions ${modelName}\`.`,
    );
  }
}

/** Thrown when `createRegisteredModel` or `renameRegisteredModel` is given a name another registered model has. */
export class ModelAlreadyExistsError extends TideflowError {
  constructor(readonly modelName: string) {
    super(
      'MODEL_ALREADY_EXISTS',
      `A registered model named "${modelName}" already exists; choose another name or register a version of it.`,
    );
  }
}

/** Thrown when a store cannot be opened or written: a newer schema, a corrupt file, a closed tracker. */
export class TrackingStoreError extends TideflowError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('TRACKING_STORE', message, options);
  }
}

/** Thrown by `loadModel` for a model URI it cannot read, before the store is opened. */
export class ModelUriError extends TideflowError {
  constructor(
    readonly uri: string,
    detail: string,
  ) {
    super(
      'MODEL_URI',
      `Invalid model URI ${JSON.stringify(uri)}: ${detail}. Use models:/NAME@ALIAS, models:/NAME/VERSION, models:/NAME/latest or runs:/RUN_ID/models/NAME.`,
    );
  }
}

/**
 * Thrown by `openTracker(uri, { create: false })` when no store exists at the URI yet: the file
 * is missing, or empty (0 bytes). `reason` says which.
 */
export class TrackingStoreNotFoundError extends TideflowError {
  constructor(
    readonly uri: string,
    readonly location: string,
    readonly reason: string = 'it does not exist',
  ) {
    super(
      'TRACKING_STORE_NOT_FOUND',
      `No tracking store at ${location}: ${reason} (tracking URI "${uri}"); run a flow with this URI first to create it.`,
    );
  }
}

/**
 * What creating a run in a deleted experiment rejects with, in every store: a
 * `TrackingInputError` naming the experiment and how to restore it.
 */
export function deletedExperimentError(e: {
  experimentId: string;
  name: string;
}): TrackingInputError {
  return new TrackingInputError(
    `Experiment ${e.experimentId} (${JSON.stringify(e.name)}) is deleted; restore it with restoreExperiment() before creating runs in it.`,
  );
}
