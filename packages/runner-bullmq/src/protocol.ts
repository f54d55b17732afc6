import type { LogLevel } from '@tideflow/core';
import type { Payload } from './payload.js';

/** The BullMQ job name of a task attempt (the task's name is in the data). */
export const TASK_JOB = 'tideflow.task';
/** The BullMQ job name of a scheduled flow run. */
export const FLOW_JOB = 'tideflow.flow';

/** The data of a task attempt's job. */
export interface TaskJobData {
  /** The task's registered name (the worker finds it in its default registry). */
  readonly taskName: string;
  /** The module that defines the task where the flow runs (for messages only). */
  readonly module?: string;
  /** The flow run's id. */
  readonly flowRunId?: string;
  /** The task run's id. */
  readonly taskRunId: string;
  /** The attempt number (1 for the first try). */
  readonly attempt: number;
  /** Whether the flow run is tracked: `track.*` calls are forwarded only then. */
  readonly tracked: boolean;
  /** The {@link CallPayload}. */
  readonly call: Payload;
}

/** A call's arguments (and `this`, when there is one) as the serializer registry encoded them. */
export interface CallPayload {
  readonly thisArg?: unknown;
  readonly args: readonly unknown[];
}

/** What a worker answers for a task attempt (the job's return value). */
export type TaskJobResult =
  | { readonly ok: true; readonly value: Payload; readonly worker: string }
  | { readonly ok: false; readonly error: Payload; readonly worker: string };

/** What a worker sends the flow while an attempt runs (as job progress, V8 bytes in base64). */
export type WorkerMessage =
  | {
      readonly t: 'log';
      readonly level: LogLevel;
      readonly fields: Record<string, unknown>;
      readonly message?: string;
    }
  | {
      readonly t: 'track';
      readonly op: 'metrics' | 'params' | 'tags';
      readonly runId: string;
      readonly payload: unknown;
    }
  | {
      readonly t: 'call';
      readonly id: string;
      readonly op: 'tracker' | 'typedArtifact' | 'flush';
      readonly runId: string;
      readonly method?: string;
      readonly args: readonly unknown[];
    };

/** The progress value that carries a {@link WorkerMessage}. */
export interface MessageProgress {
  readonly tideflow: string;
}

/** The flow's answer to a `call` message (pushed to the call's reply key). */
export type CallAnswer =
  { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly error: unknown };

/** The data of a scheduled flow run's job. */
export interface FlowJobData {
  /** The deployment's name. */
  readonly deployment: string;
  /** `FILE:FLOW`, the file absolute. */
  readonly flow: string;
  /** `--param` assignments (`name=value`). */
  readonly params: readonly string[];
}
