import type { ChangeCursor, ChangePage, TrackerChange } from '@tideflow/core';
import { cursorReached } from '@tideflow/core';
import { lastPerRecord } from '@tideflow/core/store';
import type { LogLine } from '@tideflow/core';
import { flowRunFromRow, taskRunFromRow } from './records-sql.js';
import type { TaskRow } from './records-sql.js';
import type { SqliteStore } from './store.js';
import { metricValue } from './store.js';

const END = `SELECT
  (SELECT COALESCE(MAX(id), 0) FROM record_changes) AS records,
  (SELECT COALESCE(MAX(id), 0) FROM run_logs) AS logs,
  (SELECT COALESCE(MAX(rowid), 0) FROM metrics) AS metrics,
  (SELECT pruned_through FROM change_feed) AS prunedThrough`;

const RECORDS = `SELECT c.id, c.run_id, c.task_run_id, r.run_uuid FROM record_changes c
  JOIN runs r ON r.id = c.run_id WHERE c.id > ? ORDER BY c.id LIMIT ?`;
const FLOW_RUN =
  'SELECT flow_name, state, state_history, parameters FROM flow_runs WHERE run_id = ?';
const TASK_RUN = 'SELECT * FROM task_runs WHERE run_id = ? AND task_run_id = ?';
const LOGS = `SELECT l.id, r.run_uuid, l.timestamp, l.level, l.message, l.task_run_id FROM run_logs l
  JOIN runs r ON r.id = l.run_id WHERE l.id > ? ORDER BY l.id LIMIT ?`;
const METRICS = `SELECT m.rowid AS seq, r.run_uuid, m.key, m.value, m.is_nan, m.step, m.timestamp FROM metrics m
  JOIN runs r ON r.id = m.run_id WHERE m.rowid > ? ORDER BY m.rowid LIMIT ?`;

/**
 * The change feed over the file, as `TrackerStore.readChanges`: record writes numbered by the
 * `record_changes` triggers (the newest `RECORD_CHANGES_KEPT` kept), log lines and metric
 * points by their rowids. One read transaction,
 * so the cursor and the changes agree.
 */
export class ChangeFeedSql {
  /** `PRAGMA data_version` and this connection's write count when the end was last read. */
  private marker = '';
  private end: ChangeCursor & { prunedThrough: number } = {
    records: 0,
    logs: 0,
    metrics: 0,
    prunedThrough: 0,
  };

  constructor(private readonly store: SqliteStore) {}

  /**
   * The end of the feed. `PRAGMA data_version` changes when another connection commits and the
   * store counts its own writes, so while neither moved the last end is still the end: polling
   * an idle store runs no query over the tables.
   */
  private readEnd(): ChangeCursor & { prunedThrough: number } {
    const s = this.store;
    const marker = `${String(s.db.pragma('data_version', { simple: true }))}/${s.writes}`;
    if (marker !== this.marker) {
      this.end = s.stmt(END).get() as ChangeCursor & { prunedThrough: number };
      this.marker = marker;
    }
    return this.end;
  }

  read(after: ChangeCursor | undefined, limit: number): ChangePage {
    const s = this.store;
    return s.read(() => {
      const { prunedThrough, ...end } = this.readEnd();
      if (after === undefined) return { changes: [], cursor: end, more: false };
      // The changes after the cursor were partly pruned (schema version 9 keeps the newest).
      if (after.records < prunedThrough)
        return { changes: [], cursor: end, more: false, resync: true };
      const cursor = { ...after };
      if (cursorReached(after, end)) return { changes: [], cursor, more: false };
      const changes: TrackerChange[] = [];
      const recordRows = s.stmt(RECORDS).all(after.records, limit + 1) as {
        id: number;
        run_id: number;
        task_run_id: string | null;
        run_uuid: string;
      }[];
      const page = recordRows.slice(0, limit);
      if (page.length) cursor.records = page[page.length - 1].id;
      // A record changed several times in the page is read once, as it is now.
      for (const c of lastPerRecord(page, (c) => `${c.run_id}\0${c.task_run_id}`)) {
        if (c.task_run_id === null) {
          const row = s.stmt(FLOW_RUN).get(c.run_id) as Parameters<typeof flowRunFromRow>[0];
          if (row)
            changes.push({
              kind: 'flow-run',
              seq: c.id,
              runId: c.run_uuid,
              record: flowRunFromRow(row),
            });
        } else {
          const row = s.stmt(TASK_RUN).get(c.run_id, c.task_run_id) as TaskRow | undefined;
          if (row)
            changes.push({
              kind: 'task-run',
              seq: c.id,
              runId: c.run_uuid,
              record: taskRunFromRow(row),
            });
        }
      }
      const logRows = s.stmt(LOGS).all(after.logs, limit + 1) as {
        id: number;
        run_uuid: string;
        timestamp: number;
        level: LogLine['level'];
        message: string;
        task_run_id: string | null;
      }[];
      for (const l of logRows.slice(0, limit)) {
        cursor.logs = l.id;
        const line: LogLine = { timestamp: l.timestamp, level: l.level, message: l.message };
        if (l.task_run_id !== null) line.taskRunId = l.task_run_id;
        changes.push({ kind: 'log', seq: l.id, runId: l.run_uuid, line });
      }
      const metricRows = s.stmt(METRICS).all(after.metrics, limit + 1) as {
        seq: number;
        run_uuid: string;
        key: string;
        value: number | null;
        is_nan: number;
        step: number;
        timestamp: number;
      }[];
      for (const m of metricRows.slice(0, limit)) {
        cursor.metrics = m.seq;
        changes.push({
          kind: 'metric',
          seq: m.seq,
          runId: m.run_uuid,
          point: {
            key: m.key,
            value: metricValue(m.value, m.is_nan),
            timestamp: m.timestamp,
            step: m.step,
          },
        });
      }
      const more = recordRows.length > limit || logRows.length > limit || metricRows.length > limit;
      return { changes, cursor, more };
    });
  }
}
