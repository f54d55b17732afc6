/**
 * The base class of every error tideflow throws. `code` is stable across releases, so callers can
 * branch on it without relying on `instanceof` across package copies.
 */
export class TideflowError extends Error {
  /** A stable machine-readable code, e.g. `TASK_TIMEOUT`. */
  readonly code: string;

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
  }
}

/** Thrown when a flow or task option is invalid (negative retries, a non-function, ...). */
export class InvalidOptionError extends TideflowError {
  constructor(message: string) {
    super('INVALID_OPTION', message);
  }
}

/** Thrown when `@flow`/`@task` decorates something that is not a method. */
export class DecoratorTargetError extends TideflowError {
  constructor(message: string) {
    super('DECORATOR_TARGET', message);
  }
}

/** Thrown when two different flows or tasks are registered under the same name in one registry. */
export class DuplicateNameError extends TideflowError {
  constructor(readonly registeredName: string) {
    super(
      'DUPLICATE_NAME',
      `A flow or task named "${registeredName}" is already registered; pass a distinct \`name\` option.`,
    );
  }
}

/** Thrown when a task run exceeds its `timeoutMs`; the run's state is TimedOut. */
export class TaskTimeoutError extends TideflowError {
  constructor(
    readonly runName: string,
    readonly timeoutMs: number,
  ) {
    super('TASK_TIMEOUT', `"${runName}" timed out after ${timeoutMs} ms.`);
  }
}

/** Thrown when a flow run exceeds its `timeoutMs`; the run's state is TimedOut. */
export class FlowTimeoutError extends TideflowError {
  constructor(
    readonly runName: string,
    readonly timeoutMs: number,
  ) {
    super('FLOW_TIMEOUT', `Flow "${runName}" timed out after ${timeoutMs} ms.`);
  }
}

/** Thrown (as the rejection of a flow call) when the flow run's `AbortSignal` is aborted. */
export class FlowCancelledError extends TideflowError {
  constructor(
    readonly runName: string,
    reason?: unknown,
  ) {
    super('FLOW_CANCELLED', `Flow "${runName}" was cancelled.`, { cause: reason });
  }
}

/** Thrown by a task whose run was cancelled before or while it ran. */
export class TaskCancelledError extends TideflowError {
  constructor(
    readonly runName: string,
    reason?: unknown,
  ) {
    super('TASK_CANCELLED', `Task "${runName}" was cancelled.`, { cause: reason });
  }
}

/** Thrown before a flow or task starts when its parameters fail validation. */
export class ParameterValidationError extends TideflowError {
  constructor(
    readonly runName: string,
    readonly parameter: string,
    detail: string,
  ) {
    super('PARAMETER_VALIDATION', `Invalid parameter "${parameter}" of "${runName}": ${detail}`);
  }
}

/** Thrown when an operation needs a flow run context (e.g. `.submit` with a required runner) and none is active. */
export class MissingContextError extends TideflowError {
  constructor(message: string) {
    super('MISSING_CONTEXT', message);
  }
}

/** Thrown when a value cannot be serialized or deserialized by the serializer registry. */
export class SerializationError extends TideflowError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('SERIALIZATION', message, options);
  }
}

/**
 * Thrown before a task runs when one of its arguments cannot be hashed into a cache key.
 * Exclude the argument with `inputs.without(name)` or supply a `key` function.
 */
export class CacheKeyError extends TideflowError {
  constructor(
    readonly taskName: string,
    readonly argument: string,
    detail: string,
  ) {
    super(
      'CACHE_KEY',
      `Cannot compute a cache key for task "${taskName}": argument "${argument}" ${detail}. ` +
        `Exclude it with inputs.without('${argument}') or pass a \`key\` function.`,
    );
  }
}

/**
 * Thrown when a task's `taskRunName` option cannot name its runs: when the task is defined, for a
 * template with an unknown or malformed placeholder (`placeholder` names it) or an option that is
 * neither a template nor a function; when a task run is created, for a function that throws or
 * returns no name (the run then fails with this error before its body runs).
 */
export class TaskRunNameError extends TideflowError {
  constructor(
    readonly taskName: string,
    detail: string,
    readonly placeholder?: string,
    options?: { cause?: unknown },
  ) {
    super('TASK_RUN_NAME', `Task "${taskName}": ${detail}`, options);
  }
}

/**
 * The error of a run whose body threw `undefined` or `null`: the run fails with this error (which
 * names the flow or task) instead of a failed state without any error.
 */
export class NothingThrownError extends TideflowError {
  constructor(
    readonly runName: string,
    readonly thrown: null | undefined,
  ) {
    super(
      'NOTHING_THROWN',
      `"${runName}" threw ${String(thrown)} instead of an Error; throw an Error that says what went wrong.`,
    );
  }
}

/**
 * Thrown by `.submit()` on a worker-pool runner, before the task is queued, when an argument (or the
 * method's `this`) cannot cross to a worker: a function, a symbol, or a class instance without a
 * registered serializer. Pass plain data, or register a serializer for the class.
 */
export class TaskArgumentError extends TideflowError {
  constructor(
    readonly taskName: string,
    readonly argument: string,
    detail: string,
    options?: { cause?: unknown },
  ) {
    super(
      'TASK_ARGUMENT',
      `Task "${taskName}" cannot run on a worker: "${argument}" ${detail}`,
      options,
    );
  }
}

/**
 * The error of a task attempt whose worker died before answering (`process.exit`, out of memory
 * under the pool's `resourceLimits`, a crash of native code). Only that attempt fails; the worker is
 * replaced and the task's retries apply.
 */
export class WorkerCrashedError extends TideflowError {
  constructor(
    readonly runName: string,
    detail: string,
    options?: { cause?: unknown },
  ) {
    super('WORKER_CRASHED', `The worker running "${runName}" died: ${detail}`, options);
  }
}
