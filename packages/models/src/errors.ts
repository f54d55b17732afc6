import { TideflowError } from '@tideflow/core';

/**
 * Thrown when data given to an estimator, transformer or metric is unusable: NaN/Infinity
 * features, zero rows, one class only, mismatched lengths, a wrong feature count at predict time.
 * The message names the estimator and the problem.
 */
export class EstimatorInputError extends TideflowError {
  constructor(
    readonly estimator: string,
    detail: string,
  ) {
    super('ESTIMATOR_INPUT', `${estimator}: ${detail}`);
  }
}

/** Thrown when a hyper-parameter is out of its allowed range or not finite. */
export class InvalidParameterError extends TideflowError {
  constructor(
    readonly estimator: string,
    readonly parameter: string,
    detail: string,
  ) {
    super('INVALID_PARAMETER', `${estimator}: invalid parameter "${parameter}": ${detail}`);
  }
}

/** Thrown when `predict`, `predictProba` or `transform` is called before `fit`. */
export class NotFittedError extends TideflowError {
  constructor(readonly estimator: string) {
    super('NOT_FITTED', `${estimator} is not fitted yet: call fit(X, y) first.`);
  }
}

/** Thrown when a CSV or other data file cannot be read; names the file, line and column. */
export class DataFormatError extends TideflowError {
  constructor(message: string) {
    super('DATA_FORMAT', message);
  }
}

/**
 * Thrown when an estimator is asked for something it does not provide: class probabilities from a
 * hard-voting ensemble, or SHAP values of a model without `predictProba`. The message names the
 * estimator and what to use instead.
 */
export class UnsupportedOperationError extends TideflowError {
  constructor(
    readonly estimator: string,
    detail: string,
  ) {
    super('UNSUPPORTED_OPERATION', `${estimator}: ${detail}`);
  }
}
