import type { RunContext } from './context.js';
import type { Definition } from './definition.js';

/** One attempt's call of a task's body, as an {@link AttemptExecutor} receives it. */
export interface AttemptCall {
  /** The task: its name, module and function. */
  readonly def: Definition;
  /** The method's `this` (undefined for function tasks). */
  readonly thisArg: unknown;
  /** The arguments, validated. */
  readonly args: readonly unknown[];
  /**
   * The attempt as its body would see it through `getRunContext()`. Its `signal` aborts when the
   * attempt times out or the flow run is cancelled: the executor must then stop the body.
   */
  readonly context: RunContext;
}

/**
 * Runs the body of each attempt of a task somewhere else (a worker thread), while the engine keeps
 * states, retries, timeouts, cache and tracking in this process.
 */
export interface AttemptExecutor {
  /** Runs one attempt's body and settles with its result or error. */
  run(call: AttemptCall): Promise<unknown>;
}

/**
 * One submitted task, as a task runner sees it. An in-process runner calls `execute()`; a runner
 * that runs bodies elsewhere calls `execute(executor)`: the engine then drives states, retries,
 * timeouts and cache here and hands each attempt's body to `executor`.
 */
export interface TaskJob<T = unknown> {
  /** The task run's id. */
  readonly taskRunId: string;
  /** The task's registered name. */
  readonly taskName: string;
  /** The call's arguments (futures already resolved). */
  readonly args: readonly unknown[];
  /** The task's tags. */
  readonly tags: readonly string[];
  /** The task's definition (name, module, options). */
  readonly def: Definition;
  /** The method's `this` (undefined for function tasks). */
  readonly thisArg: unknown;
  /** Runs the task with states, retries, timeout and cache; each attempt's body through `executor` when given. */
  execute(executor?: AttemptExecutor): Promise<T>;
}

/**
 * How submitted tasks execute. The default runs them in this process, concurrently, with an optional
 * limit; a distributed runner (BullMQ) will implement the same contract.
 */
export interface TaskRunner {
  /** A name for logs. */
  readonly name: string;
  /**
   * Starts `job` now or when capacity allows, and settles with its outcome. It may throw at once to
   * refuse a job (arguments its workers cannot receive): the task run then ends Failed with that
   * error, which `.submit()` throws.
   */
  submit<T>(job: TaskJob<T>): Promise<T>;
  /** Whether `.submit` needs an enclosing flow run (true for runners whose workers need one). */
  readonly requiresFlowRun?: boolean;
}

/** Options of {@link InProcessTaskRunner}. */
export interface InProcessTaskRunnerOptions {
  /** Maximum number of jobs running at once (0 or absent = unlimited). */
  maxConcurrency?: number;
}

/** A queued job with the settle functions of its promise. */
interface Queued {
  job: TaskJob<unknown>;
  resolve: (value: unknown) => void;
  reject: (reason: unknown) => void;
}

/**
 * Runs jobs in this process, concurrently, at most `maxConcurrency` at once. Jobs start on a
 * microtask (never inside `submit`), in submission order.
 */
export class InProcessTaskRunner implements TaskRunner {
  readonly name = 'in-process';
  private readonly limit: number;
  private running = 0;
  private queue: Queued[] = [];
  private head = 0;
  private scheduled = false;

  constructor(options: InProcessTaskRunnerOptions = {}) {
    this.limit = options.maxConcurrency || Number.POSITIVE_INFINITY;
  }

  submit<T>(job: TaskJob<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ job, resolve: resolve as (value: unknown) => void, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        queueMicrotask(this.drain);
      }
    });
  }

  /** Starts queued jobs while there is capacity. */
  private readonly drain = (): void => {
    this.scheduled = false;
    while (this.running < this.limit && this.head < this.queue.length) {
      const item = this.queue[this.head];
      this.queue[this.head++] = undefined as unknown as Queued;
      this.running++;
      item.job.execute().then(item.resolve, item.reject).finally(this.done);
    }
    if (this.head === this.queue.length) {
      this.queue = [];
      this.head = 0;
    } else if (this.head > 4096 && this.head * 2 > this.queue.length) {
      // Drop the started prefix now and then so a long queue does not keep every job alive.
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
  };

  private readonly done = (): void => {
    this.running--;
    if (!this.scheduled && this.head < this.queue.length) {
      this.scheduled = true;
      queueMicrotask(this.drain);
    }
  };
}
