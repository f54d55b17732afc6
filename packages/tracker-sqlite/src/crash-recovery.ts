import { FINAL_STATE_TYPES, STATE_TYPES } from '@tideflow/core';
import type { StateTransition, StateType } from '@tideflow/core';
import { ownerDead } from './liveness.js';
import { isBusy } from './lock-wait.js';
import type { SqliteStore } from './store.js';

const FINAL_STATES = FINAL_STATE_TYPES;
const UNFINISHED_TASK_STATES: StateType[] = STATE_TYPES.filter((t) => !FINAL_STATES.has(t));

/**
 * The last moment the store knows the run's process was alive: the latest of its start, its last
 * heartbeat, its flow and task state changes, its metrics and its log lines. The process died
 * after that moment (and, on this host, before the store was next opened).
 */
function lastSignOfLife(
  store: SqliteStore,
  run: { id: number; heartbeatAt: number | null },
  flowHistory: readonly StateTransition[],
): number {
  const row = store
    .stmt(
      `SELECT MAX(
         (SELECT start_time FROM runs WHERE id = @id),
         COALESCE((SELECT MAX(COALESCE(end_time, start_time)) FROM task_runs WHERE run_id = @id), 0),
         COALESCE((SELECT MAX(timestamp) FROM latest_metrics WHERE run_id = @id), 0),
         COALESCE((SELECT MAX(timestamp) FROM run_logs WHERE run_id = @id), 0)
       ) AS t`,
    )
    .get({ id: run.id }) as { t: number };
  const states = flowHistory.length ? flowHistory[flowHistory.length - 1].timestamp : 0;
  return Math.max(row.t, run.heartbeatAt ?? 0, states);
}

/**
 * Marks the RUNNING runs of dead processes CRASHED, in one write transaction: the run status
 * (ended at its last sign of life, see {@link lastSignOfLife}), its flow-run state and its
 * unfinished task runs. Returns the run ids marked.
 */
export function markCrashedRuns(store: SqliteStore, staleAfterMs: number): Promise<string[]> {
  return store.write(() => crashSweep(store, staleAfterMs));
}

/**
 * {@link markCrashedRuns} now, when a store opens: a store locked by another process skips the
 * sweep (returns undefined) rather than block; the next opening or `markCrashedRuns()` does it.
 */
export function markCrashedRunsNow(store: SqliteStore, staleAfterMs: number): string[] | undefined {
  try {
    return store.writeNow(() => crashSweep(store, staleAfterMs));
  } catch (e) {
    if (isBusy(e)) return undefined;
    throw e;
  }
}

function crashSweep(store: SqliteStore, staleAfterMs: number): string[] {
  {
    const now = Date.now();
    const running = store
      .stmt(
        `SELECT id, run_uuid, pid, host, heartbeat_at FROM runs WHERE status = 'RUNNING' AND pid IS NOT NULL`,
      )
      .all() as {
      id: number;
      run_uuid: string;
      pid: number | null;
      host: string | null;
      heartbeat_at: number | null;
    }[];
    const crashed: string[] = [];
    for (const r of running) {
      if (!ownerDead({ pid: r.pid, host: r.host, heartbeatAt: r.heartbeat_at }, now, staleAfterMs))
        continue;
      const message = `The process (pid ${r.pid} on ${r.host}) that ran this stopped without ending the run.`;
      const entry: StateTransition = { type: 'CRASHED', name: 'Crashed', timestamp: now, message };
      const flow = store
        .stmt('SELECT state, state_history FROM flow_runs WHERE run_id = ?')
        .get(r.id) as { state: StateType; state_history: string } | undefined;
      const flowHistory = flow ? (JSON.parse(flow.state_history) as StateTransition[]) : [];
      const endTime = lastSignOfLife(store, { id: r.id, heartbeatAt: r.heartbeat_at }, flowHistory);
      store
        .stmt(`UPDATE runs SET status = 'CRASHED', end_time = COALESCE(end_time, ?) WHERE id = ?`)
        .run(endTime, r.id);
      if (flow && !FINAL_STATES.has(flow.state)) {
        store
          .stmt(`UPDATE flow_runs SET state = 'CRASHED', state_history = ? WHERE run_id = ?`)
          .run(JSON.stringify([...flowHistory, entry]), r.id);
      }
      const tasks = store
        .stmt(
          `SELECT task_run_id, state_history FROM task_runs WHERE run_id = ? AND state IN (${UNFINISHED_TASK_STATES.map(() => '?').join(', ')})`,
        )
        .all(r.id, ...UNFINISHED_TASK_STATES) as { task_run_id: string; state_history: string }[];
      for (const t of tasks) {
        const history = [...(JSON.parse(t.state_history) as StateTransition[]), entry];
        store
          .stmt(
            `UPDATE task_runs SET state = 'CRASHED', state_history = ?, error = COALESCE(error, ?) WHERE run_id = ? AND task_run_id = ?`,
          )
          .run(JSON.stringify(history), message, r.id, t.task_run_id);
      }
      crashed.push(r.run_uuid);
    }
    return crashed;
  }
}
