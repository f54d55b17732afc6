import { TideflowError } from '@tideflow/core';

/**
 * Thrown (as the task's error, from `.submit().result()`) when the worker that took a task's job
 * has no task of that name in its default registry: the module that defines it was not given to
 * `tideflow worker --module`, or the worker runs another version of it.
 */
export class TaskNotFoundError extends TideflowError {
  constructor(
    /** The task's registered name. */
    readonly taskName: string,
    /** The worker that took the job (`host:pid`). */
    readonly worker: string,
    /** The modules the worker loaded. */
    readonly modules: readonly string[],
  ) {
    super(
      'TASK_NOT_FOUND',
      `Worker ${worker} has no task named "${taskName}": it loaded ${modules.length ? modules.join(', ') : 'no module'}; start it with --module naming the module that defines the task (and the same version of it as the flow).`,
    );
  }
}

/**
 * Thrown when Redis cannot be reached for longer than the runner's `connectionTimeoutMs`, or when a
 * task's job vanished from Redis (a server restarted without persistence): the task run fails with
 * it rather than waiting for ever.
 */
export class RedisUnavailableError extends TideflowError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('REDIS_UNAVAILABLE', message, options);
  }
}

/** Thrown for a bad `tideflow deploy` or `deployments` input (cron pattern, parameter, name), before anything is written. */
export class DeploymentError extends TideflowError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('DEPLOYMENT', message, options);
  }
}
