/**
 * One submitted task, as a task runner sees it. An in-process runner calls `execute()`; an
 * out-of-process runner sends `taskName` and `args` (which must then be serializable) to a worker
 * that looks the task up in its registry.
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
  /** Runs the task in this process, with states, retries, timeout and cache. */
  execute(): Promise<T>;
}

/**
 * How submitted tasks execute. The default runs them in this process, concurrently, with an optional
 * limit; a distributed runner (BullMQ) will implement the same contract.
 */
export interface TaskRunner {
  /** A name for logs. */
  readonly name: string;
  /** Starts `job` now or when capacity allows, and settles with its outcome. */
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
