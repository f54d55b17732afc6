import type { State } from './state.js';

function ignore(): void {}

/** Where a run keeps its states; a future reads it. */
export interface RunStates<T = unknown> {
  /** The run's id. */
  readonly id: string;
  /** The registered name. */
  readonly name: string;
  /** Every state the run entered, in order. */
  readonly history: State<T>[];
}

/**
 * The handle of a submitted task or subflow. It is a thenable, so `await future` and
 * `Promise.all(futures)` give the results; `result()` does the same, `wait()` gives the final
 * state without throwing.
 */
export class TaskFuture<T> implements PromiseLike<T> {
  /** Whether someone asked for the outcome (an unobserved failure fails the enclosing flow run). */
  observed = false;

  constructor(
    private readonly run: RunStates<T>,
    private readonly outcome: Promise<T>,
  ) {
    // The flow run or the caller observes the outcome; this keeps Node from reporting it as unhandled meanwhile.
    outcome.catch(ignore);
  }

  /** The run's id. */
  get id(): string {
    return this.run.id;
  }

  /** The registered name of the task or flow. */
  get name(): string {
    return this.run.name;
  }

  /** The current state. */
  get state(): State<T> {
    return this.run.history[this.run.history.length - 1];
  }

  /** Every state so far, in order. */
  get history(): readonly State<T>[] {
    return this.run.history;
  }

  /** The result; rejects with the run's error. */
  result(): Promise<T> {
    this.observed = true;
    return this.outcome;
  }

  /** Waits for the run to end and returns its final state (never rejects). */
  async wait(): Promise<State<T>> {
    this.observed = true;
    await this.outcome.then(
      () => undefined,
      () => undefined,
    );
    return this.state;
  }

  then<R1 = T, R2 = never>(
    onFulfilled?: ((value: T) => R1 | PromiseLike<R1>) | null,
    onRejected?: ((reason: unknown) => R2 | PromiseLike<R2>) | null,
  ): Promise<R1 | R2> {
    this.observed = true;
    return this.outcome.then(onFulfilled, onRejected);
  }

  /** The settled outcome, for the engine (does not mark the future observed). */
  settled(): Promise<void> {
    return this.outcome.then(
      () => undefined,
      () => undefined,
    );
  }
}

/**
 * Waits for every future to end and returns their final states, like Prefect's `wait`; never
 * rejects (inspect the states).
 */
export function wait<T>(futures: Iterable<TaskFuture<T>>): Promise<State<T>[]> {
  return Promise.all(Array.from(futures, (f) => f.wait()));
}

/** Wraps a value so that `.map` passes it whole to every call instead of iterating it. */
export class Unmapped<T> {
  constructor(readonly value: T) {}
}

/** Marks an argument of `.map(...)` as passed whole to every call (like Prefect's `unmapped`). */
export function unmapped<T>(value: T): Unmapped<T> {
  return new Unmapped(value);
}
