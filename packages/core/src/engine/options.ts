import { MAX_DELAY_MS } from './retry.js';
import { InvalidOptionError } from '../errors.js';
import type { CacheOptions } from '../cache/task-cache.js';
import type { Logger } from '../logger.js';
import type { Registry } from '../flow-registry.js';
import type { RetryDelay } from './retry.js';
import type { TaskRunner } from './runner.js';
import type { State } from './state.js';
import type { ParamsSchema } from './args-validator.js';
import type { TaskRunName } from './task-run-name.js';

/** What a hook receives about the run that triggered it. */
export interface HookContext<R = unknown> {
  /** The registered flow or task name. */
  readonly name: string;
  /** The run's id. */
  readonly runId: string;
  /** The state that triggered the hook (final for completion/failure, Retrying for retries). */
  readonly state: State<R>;
  /** The attempt that just ended (1-based). */
  readonly attempt: number;
  /** The run's parameters by name. */
  readonly parameters: Readonly<Record<string, unknown>>;
  /** The run logger. */
  readonly logger: Logger;
}

/** A state hook. Errors it throws (or rejects with) are logged and never change the run's result. */
export type Hook<R = unknown> = (context: HookContext<R>) => void | Promise<void>;

/** Options shared by flows and tasks. */
export interface RunOptions<R = unknown> {
  /** The registered name (default: `Class.method` for decorated methods, the function's name otherwise). */
  name?: string;
  /** A description for logs, docs and the UI. */
  description?: string;
  /** Tags: recorded on runs; on tasks they also select concurrency limits. */
  tags?: readonly string[];
  /** How many times a failed attempt is retried (default 0). */
  retries?: number;
  /** Delay before each retry: ms, one ms value per retry, or a function of the retry number. */
  retryDelayMs?: RetryDelay;
  /** Spreads each delay uniformly by ±factor (0 to 1), to avoid retry storms. */
  retryJitterFactor?: number;
  /** Decides whether an error is retried (default: always, until `retries` is used up). */
  retryCondition?: (error: unknown, attempt: number) => boolean | Promise<boolean>;
  /** Each attempt's time limit; on expiry the run's signal aborts and the caller gets a timeout error. */
  timeoutMs?: number;
  /** Called when the run completes (Completed or Cached). */
  onCompletion?: Hook<R> | readonly Hook<R>[];
  /** Called when the run ends without a result (Failed, TimedOut, Cancelled). */
  onFailure?: Hook<R> | readonly Hook<R>[];
  /** Called when a failed attempt is about to be retried. */
  onRetry?: Hook<R> | readonly Hook<R>[];
  /** Validates the parameters before the run starts (any Standard Schema validator: zod, valibot, ...). */
  params?: ParamsSchema;
  /** The registry to register in (default: {@link defaultRegistry}). */
  registry?: Registry;
}

/** Options of a task. */
export interface TaskOptions<R = unknown> extends RunOptions<R> {
  /** Cache results by input hash: `true` means `{ policy: [inputs, taskSource] }`. */
  cache?: true | CacheOptions;
  /**
   * The version of the task's code, e.g. `'2'`: part of every cache key of the task, so bumping
   * it makes the entries of earlier versions miss. A non-empty string.
   */
  version?: string;
  /**
   * The module that defines the task, as a URL or absolute path (usually `import.meta.url`): a
   * worker-pool runner imports it to find the task by name. Default: the module on the stack where
   * `task(...)` or `@task` ran, which is right unless a helper in another module defines tasks for
   * its callers.
   */
  module?: string;
  /**
   * What each run of the task is called in records, logs and `tideflow runs show`, as Prefect's
   * `task_run_name`: a template with `{param}` placeholders filled from the call's arguments by
   * parameter name (`'searchFamily[{family}]'`, `'{cfg.model}'` for a field), or a function of the
   * parameters by name. A placeholder that names no parameter is a `TaskRunNameError` when the
   * task is defined. Arguments show as text when primitive, as their kind otherwise
   * (`Float64Array(300)`, `Dataset`); a future passed to `.submit` shows as `TaskFuture`. Not part
   * of the cache key.
   *
   * @default the task's name
   */
  taskRunName?: TaskRunName;
}

/** Options of a flow. */
export interface FlowOptions<R = unknown> extends RunOptions<R> {
  /** Maximum number of submitted tasks running at once in each run of this flow (0 = unlimited). */
  maxConcurrency?: number;
  /** Runs submitted tasks (default: an in-process concurrent runner per flow run). */
  taskRunner?: TaskRunner;
  /** Aborting it cancels the flow run: pending and running tasks end Cancelled. */
  signal?: AbortSignal;
  /** The tracking experiment of the run (default: the flow name). */
  experiment?: string;
}

/** The hook lists, normalised to arrays. */
export interface NormalizedHooks<R = unknown> {
  readonly onCompletion: readonly Hook<R>[];
  readonly onFailure: readonly Hook<R>[];
  readonly onRetry: readonly Hook<R>[];
}

const toArray = <T>(v: T | readonly T[] | undefined): readonly T[] =>
  v === undefined ? [] : Array.isArray(v) ? (v as readonly T[]) : [v as T];

/** Normalises hook options. */
export function normalizeHooks<R>(options: RunOptions<R>): NormalizedHooks<R> {
  return {
    onCompletion: toArray(options.onCompletion),
    onFailure: toArray(options.onFailure),
    onRetry: toArray(options.onRetry),
  };
}

function checkNonNegative(runName: string, key: string, value: unknown, integer: boolean): void {
  if (value === undefined) return;
  if (
    typeof value !== 'number' ||
    !(value >= 0) ||
    !Number.isFinite(value) ||
    (integer && !Number.isInteger(value))
  ) {
    throw new InvalidOptionError(
      `"${runName}": option ${key} must be a finite ${integer ? 'integer' : 'number'} ≥ 0, got ${JSON.stringify(value) ?? typeof value}.`,
    );
  }
}

/** Throws InvalidOptionError naming the flow or task when an option is out of range. */
export function validateOptions(runName: string, options: FlowOptions): void {
  checkNonNegative(runName, 'retries', options.retries, true);
  checkNonNegative(runName, 'timeoutMs', options.timeoutMs, false);
  if (options.timeoutMs === 0) {
    // 0 would read as "time out at once"; it used to mean "no timeout" silently.
    throw new InvalidOptionError(
      `"${runName}": option timeoutMs must be > 0; leave it out for no timeout.`,
    );
  }
  checkNonNegative(runName, 'maxConcurrency', options.maxConcurrency, true);
  if (options.retryJitterFactor !== undefined) {
    checkNonNegative(runName, 'retryJitterFactor', options.retryJitterFactor, false);
    if (options.retryJitterFactor > 1) {
      throw new InvalidOptionError(
        `"${runName}": option retryJitterFactor must be between 0 and 1.`,
      );
    }
  }
  const delay = options.retryDelayMs;
  const checkDelay = (key: string, d: unknown): void => {
    checkNonNegative(runName, key, d, false);
    if ((d as number) > MAX_DELAY_MS)
      throw new InvalidOptionError(
        `"${runName}": option ${key} must be at most ${MAX_DELAY_MS} ms (about 24.8 days), got ${String(d)}.`,
      );
  };
  if (typeof delay === 'number') checkDelay('retryDelayMs', delay);
  else if (Array.isArray(delay)) delay.forEach((d, i) => checkDelay(`retryDelayMs[${i}]`, d));
  else if (delay !== undefined && typeof delay !== 'function') {
    throw new InvalidOptionError(
      `"${runName}": option retryDelayMs must be a number, an array or a function.`,
    );
  }
  for (const key of ['onCompletion', 'onFailure', 'onRetry', 'retryCondition'] as const) {
    const hooks = toArray(options[key] as unknown);
    if (hooks.some((h) => typeof h !== 'function')) {
      throw new InvalidOptionError(
        `"${runName}": option ${key} must be a function or an array of functions.`,
      );
    }
  }
  if (
    options.tags !== undefined &&
    (!Array.isArray(options.tags) || options.tags.some((t) => typeof t !== 'string'))
  ) {
    throw new InvalidOptionError(`"${runName}": option tags must be an array of strings.`);
  }
}
