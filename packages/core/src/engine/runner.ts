import { Semaphore } from './semaphore.js';

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

/** Runs jobs in this process, concurrently, at most `maxConcurrency` at once. */
export class InProcessTaskRunner implements TaskRunner {
  readonly name = 'in-process';
  private readonly slots?: Semaphore;

  constructor(options: InProcessTaskRunnerOptions = {}) {
    if (options.maxConcurrency) this.slots = new Semaphore(options.maxConcurrency);
  }

  submit<T>(job: TaskJob<T>): Promise<T> {
    const slots = this.slots;
    if (!slots) return job.execute();
    if (slots.tryAcquire()) return this.run(slots, job);
    return slots.acquire().then(() => this.run(slots, job));
  }

  private async run<T>(slots: Semaphore, job: TaskJob<T>): Promise<T> {
    try {
      return await job.execute();
    } finally {
      slots.release();
    }
  }
}
