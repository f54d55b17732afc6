import { TrackingInputError } from '@tideflow/core';
import type {
  FlowRunRecord,
  GetLogsOptions,
  LogLine,
  StateTransition,
  StateType,
  TaskRunRecord,
} from '@tideflow/core';
import type { SqliteStore } from './store.js';

function toJson(what: string, value: unknown): string {
  try {
    return JSON.stringify(value);
  } catch (e) {
    throw new TrackingInputError(`${what} cannot be stored as JSON: ${(e as Error).message}`);
  }
}

/** `TrackerStore.putFlowRun`. */
export function putFlowRun(
  store: SqliteStore,
  runId: string,
  record: FlowRunRecord,
): Promise<void> {
  const history = toJson('The state history', record.stateHistory);
  const parameters = toJson(`The parameters of flow "${record.flowName}"`, record.parameters ?? {});
  return store.write(() => {
    const run = store.writableRun(runId);
    store
      .stmt(
        'INSERT OR REPLACE INTO flow_runs (run_id, flow_name, state, state_history, parameters) VALUES (?, ?, ?, ?, ?)',
      )
      .run(run.id, record.flowName, record.state, history, parameters);
  });
}

/** `TrackerStore.getFlowRun`. */
export function getFlowRun(store: SqliteStore, runId: string): FlowRunRecord | undefined {
  const run = store.run(runId);
  const row = store
    .stmt('SELECT flow_name, state, state_history, parameters FROM flow_runs WHERE run_id = ?')
    .get(run.id) as
    { flow_name: string; state: StateType; state_history: string; parameters: string } | undefined;
  return row && flowRunFromRow(row);
}

/** A `flow_runs` row as a record. */
export function flowRunFromRow(row: {
  flow_name: string;
  state: StateType;
  state_history: string;
  parameters: string;
}): FlowRunRecord {
  return {
    flowName: row.flow_name,
    state: row.state,
    stateHistory: JSON.parse(row.state_history) as StateTransition[],
    parameters: JSON.parse(row.parameters) as Record<string, unknown>,
  };
}

const UPSERT_TASK_RUN = `INSERT INTO task_runs (run_id, task_run_id, seq, task_name, task_run_name, state, state_history,
     start_time, end_time, duration_ms, attempts, cache_key, cache_hit, error)
   VALUES (?, ?, (SELECT COALESCE(MAX(seq), 0) + 1 FROM task_runs WHERE run_id = ?), ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
   ON CONFLICT (run_id, task_run_id) DO UPDATE SET
     task_name = excluded.task_name, task_run_name = excluded.task_run_name, state = excluded.state, state_history = excluded.state_history,
     start_time = excluded.start_time, end_time = excluded.end_time, duration_ms = excluded.duration_ms,
     attempts = excluded.attempts, cache_key = excluded.cache_key, cache_hit = excluded.cache_hit,
     error = excluded.error`;

/** `TrackerStore.putTaskRuns` (and `putTaskRun`, a batch of one): in one transaction; a new task run gets the next sequence number, an update keeps its own. */
export function putTaskRuns(
  store: SqliteStore,
  runId: string,
  records: readonly TaskRunRecord[],
): Promise<void> {
  const histories = records.map((r) => toJson('The state history', r.stateHistory));
  return store.write(() => {
    const run = store.writableRun(runId);
    const upsert = store.stmt(UPSERT_TASK_RUN);
    records.forEach((r, i) =>
      upsert.run(
        run.id,
        r.taskRunId,
        run.id,
        r.taskName,
        r.taskRunName,
        r.state,
        histories[i],
        r.startTime,
        r.endTime,
        r.durationMs,
        r.attempts,
        r.cacheKey,
        r.cacheHit ? 1 : 0,
        r.error,
      ),
    );
  });
}

/** A `task_runs` row. */
export interface TaskRow {
  task_run_id: string;
  task_name: string;
  task_run_name: string;
  state: StateType;
  state_history: string;
  start_time: number | null;
  end_time: number | null;
  duration_ms: number | null;
  attempts: number;
  cache_key: string | null;
  cache_hit: number;
  error: string | null;
}

/** `TrackerStore.listTaskRuns`. */
export function listTaskRuns(store: SqliteStore, runId: string): TaskRunRecord[] {
  const run = store.run(runId);
  const rows = store
    .stmt('SELECT * FROM task_runs WHERE run_id = ? ORDER BY seq')
    .all(run.id) as TaskRow[];
  return rows.map(taskRunFromRow);
}

/** A `task_runs` row as a record. */
export function taskRunFromRow(t: TaskRow): TaskRunRecord {
  return {
    taskRunId: t.task_run_id,
    taskName: t.task_name,
    taskRunName: t.task_run_name,
    state: t.state,
    stateHistory: JSON.parse(t.state_history) as StateTransition[],
    startTime: t.start_time,
    endTime: t.end_time,
    durationMs: t.duration_ms,
    attempts: t.attempts,
    cacheKey: t.cache_key,
    cacheHit: t.cache_hit === 1,
    error: t.error,
  };
}

/** `TrackerStore.appendLogs`. */
export function appendLogs(
  store: SqliteStore,
  runId: string,
  lines: readonly LogLine[],
): Promise<void> {
  return store.write(() => {
    const run = store.writableRun(runId);
    const insert = store.stmt(
      'INSERT INTO run_logs (run_id, timestamp, level, message, task_run_id) VALUES (?, ?, ?, ?, ?)',
    );
    for (const l of lines) insert.run(run.id, l.timestamp, l.level, l.message, l.taskRunId ?? null);
  });
}

/** `TrackerStore.getLogs`. */
export function getLogs(
  store: SqliteStore,
  runId: string,
  options: GetLogsOptions = {},
): LogLine[] {
  const run = store.run(runId);
  const limit = options.limit ?? -1;
  const rows = (
    options.taskRunId === undefined
      ? store
          .stmt(
            'SELECT timestamp, level, message, task_run_id FROM run_logs WHERE run_id = ? ORDER BY id LIMIT ?',
          )
          .all(run.id, limit)
      : store
          .stmt(
            'SELECT timestamp, level, message, task_run_id FROM run_logs WHERE run_id = ? AND task_run_id = ? ORDER BY id LIMIT ?',
          )
          .all(run.id, options.taskRunId, limit)
  ) as {
    timestamp: number;
    level: LogLine['level'];
    message: string;
    task_run_id: string | null;
  }[];
  return rows.map((r) =>
    r.task_run_id === null
      ? { timestamp: r.timestamp, level: r.level, message: r.message }
      : { timestamp: r.timestamp, level: r.level, message: r.message, taskRunId: r.task_run_id },
  );
}
