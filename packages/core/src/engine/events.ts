import type { LogLevel } from '../logger.js';
import type { State } from './state.js';

/** Whether a run is a flow run or a task run. */
export type RunKind = 'flow' | 'task';

/** What the engine tells subscribers about a run when it is created. */
export interface EngineRunInfo {
  /** `flow` or `task`. */
  readonly kind: RunKind;
  /** The run's id: 32 lowercase hex digits, as MLflow's run ids (flow runs are tracking runs). */
  readonly id: string;
  /** The registered name of the flow or task, e.g. `Pipeline.train`. */
  readonly name: string;
  /** What this run is called: a task run's `taskRunName` for its arguments, else `name`. */
  readonly runName: string;
  /** The flow run this run belongs to (for a subflow: its parent flow run), if any. */
  readonly flowRunId?: string;
  /** The task run that started this subflow, or the parent flow run id for a top-level subflow call. */
  readonly parentRunId?: string;
  /** The run's parameters by name. */
  readonly parameters: Readonly<Record<string, unknown>>;
  /** Tags from the run's options. */
  readonly tags: readonly string[];
  /** The tracking experiment (flows with the `experiment` option). */
  readonly experiment?: string;
}

/** The events the engine emits, by type. */
export interface EngineEvents {
  /** A flow or task run was created at `timestamp` (its first state, Pending, follows). */
  'run.created': { run: EngineRunInfo; timestamp: number };
  /** A run entered a new state. `cacheKey` is set on Cached states and on completed cached runs. */
  'run.state': {
    run: EngineRunInfo;
    state: State;
    previous?: State;
    attempt: number;
    cacheKey?: string;
  };
  /** A line was logged through a run logger. */
  'run.log': {
    run: EngineRunInfo;
    level: LogLevel;
    message: string;
    fields: Record<string, unknown>;
    timestamp: number;
  };
}

/** Any engine event, tagged with its type. */
export type EngineEvent = {
  [K in keyof EngineEvents]: { type: K } & EngineEvents[K];
}[keyof EngineEvents];

/** A subscriber to engine events. Errors it throws are swallowed (it must not break a run). */
export type EngineListener = (event: EngineEvent) => void;

/**
 * A synchronous typed event bus. The tracker, the CLI progress display and the future UI subscribe to
 * it; listeners must be quick (queue work, don't do it inline).
 */
export class EventBus {
  private listeners: EngineListener[] = [];

  /** Whether anyone listens: the engine skips building events when nobody does. */
  get active(): boolean {
    return this.listeners.length > 0;
  }

  /** Adds a listener; returns a function that removes it. */
  subscribe(listener: EngineListener): () => void {
    this.listeners = [...this.listeners, listener];
    return () => {
      this.listeners = this.listeners.filter((l) => l !== listener);
    };
  }

  /** Removes every listener. */
  clear(): void {
    this.listeners = [];
  }

  /** Delivers `event` to every listener, in subscription order. */
  emit(event: EngineEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch {
        // A faulty subscriber must not change a run's outcome.
      }
    }
  }
}

/** The process-wide bus the engine emits on. */
export const engineEvents = new EventBus();
