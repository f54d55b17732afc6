/** The type of a run's state, as stored by trackers. */
export type StateType =
  | 'PENDING'
  | 'RUNNING'
  | 'RETRYING'
  | 'COMPLETED'
  | 'CACHED'
  | 'FAILED'
  | 'TIMED_OUT'
  | 'CANCELLED'
  | 'CRASHED';

/** The display name of each state type. */
export const STATE_NAMES: Readonly<Record<StateType, string>> = {
  PENDING: 'Pending',
  RUNNING: 'Running',
  RETRYING: 'Retrying',
  COMPLETED: 'Completed',
  CACHED: 'Cached',
  FAILED: 'Failed',
  TIMED_OUT: 'TimedOut',
  CANCELLED: 'Cancelled',
  CRASHED: 'Crashed',
};

/** Every {@link StateType}, in lifecycle order. */
export const STATE_TYPES: readonly StateType[] = Object.keys(STATE_NAMES) as StateType[];

/** The state types that end a run (no state follows them). */
export const FINAL_STATE_TYPES: ReadonlySet<StateType> = new Set<StateType>([
  'COMPLETED',
  'CACHED',
  'FAILED',
  'TIMED_OUT',
  'CANCELLED',
  'CRASHED',
]);

/**
 * One state of a flow or task run, with the time it was entered. Final states carry the run's
 * result (Completed, Cached) or error (Failed, TimedOut, Cancelled, Crashed).
 */
export class State<T = unknown> {
  constructor(
    /** The state type. */
    readonly type: StateType,
    /** When the run entered this state (ms since the epoch). */
    readonly timestamp: number = Date.now(),
    /** The run's result, in Completed and Cached states. */
    readonly data?: T,
    /** The error, in Failed, TimedOut, Cancelled and Crashed states. */
    readonly error?: unknown,
    /** A short human-readable explanation (e.g. the error message or the cache key). */
    readonly message?: string,
  ) {}

  /** The display name, e.g. `TimedOut`. */
  get name(): string {
    return STATE_NAMES[this.type];
  }

  /** Whether the run ended (no further state follows). */
  isFinal(): boolean {
    // A switch, not FINAL_STATE_TYPES.has: this is asked several times per task run.
    switch (this.type) {
      case 'PENDING':
      case 'RUNNING':
      case 'RETRYING':
        return false;
      default:
        return true;
    }
  }

  /** Whether the run ended with a result (Completed or Cached). */
  isCompleted(): boolean {
    return this.type === 'COMPLETED' || this.type === 'CACHED';
  }

  /** Whether the run ended without a result. */
  isFailed(): boolean {
    return this.isFinal() && !this.isCompleted();
  }

  /** The run's result; throws the run's error when the state is not completed. */
  result(): T {
    if (this.isCompleted()) return this.data as T;
    if (this.error !== undefined) throw this.error as Error;
    throw new Error(`The run is ${this.name}: it has no result yet.`);
  }

  /** A plain summary for logs and trackers. */
  toJSON(): { type: StateType; name: string; timestamp: number; message?: string } {
    return { type: this.type, name: this.name, timestamp: this.timestamp, message: this.message };
  }
}
