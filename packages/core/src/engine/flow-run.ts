import type { TaskFuture } from './future.js';
import type { RunRecord } from './run-record.js';
import type { TaskRunner } from './runner.js';

/** Something running in a flow run that must stop when the run aborts. */
export interface Cancellable {
  /** Stops it, with the reason the flow run aborted. */
  cancel(reason: unknown): void;
}

/**
 * What runs in a flow run, in numbered slots that are reused: attempts come and go at every task
 * run, and a Set that is added to and deleted from that often keeps reallocating its table.
 */
export class RunningSet {
  private readonly slots: (Cancellable | undefined)[] = [];
  private readonly free: number[] = [];

  /** Adds `running`; returns its slot, for {@link RunningSet.delete}. */
  add(running: Cancellable): number {
    const slot = this.free.length ? this.free.pop()! : this.slots.length;
    this.slots[slot] = running;
    return slot;
  }

  /** Removes what {@link RunningSet.add} put in `slot`. */
  delete(slot: number): void {
    this.slots[slot] = undefined;
    this.free.push(slot);
  }

  /** Cancels everything in the set (each removes itself). */
  cancelAll(reason: unknown): void {
    for (const running of this.slots.slice()) running?.cancel(reason);
  }
}

/**
 * The live state of one flow run that its tasks share: the abort controller of the current attempt,
 * the runner for submitted tasks, the cancel callbacks of running tasks, and the futures to wait for.
 */
export class FlowRun {
  /** Rejects each running task promptly when the flow aborts, even if its body ignores the signal. */
  readonly cancellers = new RunningSet();
  /** Every future submitted in this run (awaited before the run ends). */
  readonly futures: TaskFuture<unknown>[] = [];
  private controller = new AbortController();

  constructor(
    readonly record: RunRecord,
    readonly runner: TaskRunner,
  ) {}

  /** The run's id. */
  get id(): string {
    return this.record.id;
  }

  /** Aborted when the run is cancelled or times out. */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** Starts a new attempt with a fresh signal (after a timed-out attempt the old one stays aborted). */
  newAttempt(): void {
    if (this.controller.signal.aborted) this.controller = new AbortController();
  }

  /** Aborts the current attempt: the signal fires and every running task is rejected. */
  abort(reason: Error): void {
    if (this.controller.signal.aborted) return;
    this.controller.abort(reason);
    this.cancellers.cancelAll(reason);
  }

  /**
   * Waits until every submitted future has settled. Returns the error of the first failed future
   * that nobody observed (awaited, `.result()`, `.wait()`), which fails the flow like an uncaught error.
   */
  async settleFutures(): Promise<unknown> {
    let unobserved: unknown;
    for (let i = 0; i < this.futures.length; i++) {
      const future = this.futures[i];
      await future.settled();
      if (unobserved === undefined && !future.observed && future.state.isFailed()) {
        unobserved =
          future.state.error ?? new Error(`Task "${future.name}" ended ${future.state.name}.`);
      }
    }
    return unobserved;
  }
}
