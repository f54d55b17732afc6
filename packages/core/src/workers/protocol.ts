import type { LogLevel } from '../logger.js';
import type { EncodedError } from './transfer.js';

/** What the main thread sends a worker for one attempt of a task. */
export interface AttemptRequest {
  /** The URL of the module that defines the task. */
  readonly module: string;
  /** The task's registered name. */
  readonly taskName: string;
  /** Identifies the attempt in the messages the worker sends while it runs. */
  readonly key: string;
  /** The encoded `this`. */
  readonly thisArg: unknown;
  /** The encoded arguments. */
  readonly args: readonly unknown[];
  /** The flow run's id, when the task runs in one. */
  readonly flowRunId?: string;
  /** The task run's id. */
  readonly taskRunId: string;
  /** The attempt number (1 for the first try). */
  readonly attempt: number;
  /** Whether the flow run is tracked: `track.*` calls are forwarded only then. */
  readonly tracked: boolean;
}

/** How a worker answers an attempt: the encoded result or error, and how many messages it sent. */
export type AttemptReply =
  | { readonly ok: true; readonly value: unknown; readonly sent: number }
  | { readonly ok: false; readonly error: EncodedError; readonly sent: number };

/** A `track.*` write that needs no answer. */
export type TrackOp = 'metrics' | 'params' | 'tags';

/** A `track.*` call whose result the worker waits for. */
export type CallOp = 'tracker' | 'typedArtifact' | 'flush';

/** What a worker sends the main thread while an attempt runs (through the worker's `parentPort`). */
export type WorkerMessage =
  | {
      readonly tideflow: 'log';
      readonly key: string;
      readonly level: LogLevel;
      readonly fields: Record<string, unknown>;
      readonly message?: string;
    }
  | {
      readonly tideflow: 'track';
      readonly key: string;
      readonly op: TrackOp;
      readonly runId: string;
      readonly payload: unknown;
    }
  | {
      readonly tideflow: 'call';
      readonly key: string;
      readonly id: string;
      readonly op: CallOp;
      readonly runId: string;
      readonly method?: string;
      readonly args: readonly unknown[];
    };

/** The main thread's answer to a `call` message (on the pool's broadcast channel). */
export type CallReply =
  | { readonly id: string; readonly ok: true; readonly value: unknown }
  | { readonly id: string; readonly ok: false; readonly error: EncodedError };

/** What every worker of a pool is started with. */
export interface PoolWorkerData {
  /** The name of the broadcast channel on which the main thread answers `call` messages. */
  readonly replies: string;
}
