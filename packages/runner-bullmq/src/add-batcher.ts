import type { JobsOptions, Queue } from 'bullmq';

/** A job waiting to be added, and who waits for it. */
interface Waiting {
  readonly name: string;
  readonly data: unknown;
  readonly opts: JobsOptions;
  readonly failed: (error: unknown) => void;
}

/**
 * Adds jobs to a queue in batches: the jobs added while the event loop runs one turn (a flow that
 * maps a task over its inputs, or the next attempts started by a batch of completions) go to Redis
 * together, in one `addBulk` round trip instead of one round trip each. A job waits at most until
 * the next turn of the event loop.
 */
export class AddBatcher {
  private waiting: Waiting[] = [];
  private scheduled = false;

  constructor(private readonly queue: Queue) {}

  /** Adds a job; `failed` is called with the error if Redis refuses its batch. */
  add(name: string, data: unknown, opts: JobsOptions, failed: (error: unknown) => void): void {
    this.waiting.push({ name, data, opts, failed });
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.flush());
    }
  }

  private flush(): void {
    const batch = this.waiting;
    this.waiting = [];
    this.scheduled = false;
    const added =
      batch.length === 1
        ? this.queue.add(batch[0].name, batch[0].data, batch[0].opts)
        : this.queue.addBulk(batch.map(({ name, data, opts }) => ({ name, data, opts })));
    added.catch((error: unknown) => batch.forEach((w) => w.failed(error)));
  }
}
