/**
 * The change feed of a tracking store: the flow-run and task-run records, log lines and metric
 * points written after a position, in the order they were written, so that a server can stream
 * a run that another process is recording (Prefect's UI over its API, MLflow's run page).
 */
import { TrackingInputError } from './errors.js';
import type { FlowRunRecord, LogLine, MetricPoint, TaskRunRecord } from './tracker.js';

/**
 * A position in a store's change feed: the last sequence number read from each of its three
 * streams (records, log lines, metric points). Sequence numbers only grow, per stream.
 */
export interface ChangeCursor {
  /** The last flow-run / task-run record change read. */
  records: number;
  /** The last log line read. */
  logs: number;
  /** The last metric point read. */
  metrics: number;
}

/** Which stream of a {@link ChangeCursor} a change advances. */
export type ChangeStream = keyof ChangeCursor;

/** A flow-run record was stored or replaced: its record as it is now. */
export interface FlowRunChange {
  /** Discriminant. */
  kind: 'flow-run';
  /** Its sequence number in the `records` stream. */
  seq: number;
  /** The run. */
  runId: string;
  /** The record as stored now (a later change of the same run may follow). */
  record: FlowRunRecord;
}

/** A task-run record was stored or replaced: its record as it is now. */
export interface TaskRunChange {
  /** Discriminant. */
  kind: 'task-run';
  /** Its sequence number in the `records` stream. */
  seq: number;
  /** The flow run the task run belongs to. */
  runId: string;
  /** The record as stored now. */
  record: TaskRunRecord;
}

/** A log line was appended. */
export interface LogChange {
  /** Discriminant. */
  kind: 'log';
  /** Its sequence number in the `logs` stream. */
  seq: number;
  /** The run. */
  runId: string;
  /** The line. */
  line: LogLine;
}

/** A metric point was logged. */
export interface MetricChange {
  /** Discriminant. */
  kind: 'metric';
  /** Its sequence number in the `metrics` stream. */
  seq: number;
  /** The run. */
  runId: string;
  /** The point. */
  point: MetricPoint;
}

/** One entry of the change feed. */
export type TrackerChange = FlowRunChange | TaskRunChange | LogChange | MetricChange;

/** What {@link Tracker.readChanges} returns: the changes after a cursor and the cursor after them. */
export interface ChangePage {
  /**
   * The changes: records first, then log lines, then metric points, each stream in write order.
   * Several writes of one record read in one page are one change (the last, with its record).
   */
  changes: TrackerChange[];
  /** Pass it to the next `readChanges`; equal to the one given when nothing changed. */
  cursor: ChangeCursor;
  /** Whether a stream had more than `limit` changes, so that reading again at once returns more. */
  more: boolean;
  /**
   * Present (`true`) when the store no longer keeps some of the changes after the cursor given
   * (a store keeps only its newest record writes): `changes` is empty and `cursor` is the feed's
   * end. Reload what you show from the store (runs, records, logs), then read on from `cursor`.
   */
  resync?: true;
}

/** Options of {@link Tracker.readChanges}. */
export interface ReadChangesOptions {
  /**
   * At most this many changes per stream, 1 to 10,000.
   *
   * @default 1000
   */
  limit?: number;
}

/** The stream a change advances. */
export function changeStream(change: TrackerChange): ChangeStream {
  return change.kind === 'log' ? 'logs' : change.kind === 'metric' ? 'metrics' : 'records';
}

/** Whether `a` is at or after `b` in every stream. */
export function cursorReached(a: ChangeCursor, b: ChangeCursor): boolean {
  return a.records >= b.records && a.logs >= b.logs && a.metrics >= b.metrics;
}

/** A cursor as text (`records.logs.metrics`, e.g. `12.40.900`), as an SSE event id carries it. */
export function formatChangeCursor(cursor: ChangeCursor): string {
  return `${cursor.records}.${cursor.logs}.${cursor.metrics}`;
}

/**
 * Reads a cursor written by {@link formatChangeCursor}.
 *
 * @throws TrackingInputError naming the text when it is not three non-negative integers joined by dots.
 */
export function parseChangeCursor(text: string): ChangeCursor {
  const m = /^(\d{1,15})\.(\d{1,15})\.(\d{1,15})$/.exec(text);
  if (!m)
    throw new TrackingInputError(
      `Change cursor ${JSON.stringify(text.slice(0, 100))} is not "records.logs.metrics" (three whole numbers, e.g. "12.40.900").`,
    );
  return { records: Number(m[1]), logs: Number(m[2]), metrics: Number(m[3]) };
}

/** Checks a cursor handed to `readChanges` (three non-negative safe integers). */
export function checkChangeCursor(cursor: unknown): ChangeCursor {
  const c = cursor as Partial<Record<ChangeStream, unknown>> | null;
  const ok = (v: unknown) => Number.isSafeInteger(v) && (v as number) >= 0;
  if (typeof c !== 'object' || c === null || !ok(c.records) || !ok(c.logs) || !ok(c.metrics))
    throw new TrackingInputError(
      'A change cursor needs "records", "logs" and "metrics", each a whole number >= 0 (use the cursor readChanges returned).',
    );
  return { records: c.records as number, logs: c.logs as number, metrics: c.metrics as number };
}

/**
 * Keeps the last entry of each record in a page of the records stream, in sequence order: a
 * record changed several times in the page is read once, as it is now (`key` names the record).
 */
export function lastPerRecord<T>(entries: readonly T[], key: (entry: T) => string): T[] {
  const last = new Map<string, number>();
  entries.forEach((e, i) => last.set(key(e), i));
  return entries.filter((e, i) => last.get(key(e)) === i);
}
