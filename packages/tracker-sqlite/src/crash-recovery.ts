import { FINAL_STATE_TYPES, STATE_TYPES } from '@tideflow/core';
import type { StateTransition, StateType } from '@tideflow/core';
import { ownerDead } from './liveness.js';
import type { SqliteStore } from './store.js';

const FINAL_STATES = FINAL_STATE_TYPES;
const UNFINISHED_TASK_STATES: StateType[] = STATE_TYPES.filter((t) => !FINAL_STATES.has(t));

/**
 * Marks the RUNNING runs of dead processes CRASHED, in one write transaction: the run status
 * (ended at its last heartbeat), its flow-run state and its unfinished task runs. Returns the
 * run ids marked.
 */
export function markCrashedRuns(store: SqliteStore, staleAfterMs: number): string[] {
  return store.write(() => {
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
      store
        .stmt(
          `UPDATE runs SET status = 'CRASHED', end_time = COALESCE(end_time, heartbeat_at, ?) WHERE id = ?`,
        )
        .run(now, r.id);
      const flow = store
        .stmt('SELECT state, state_history FROM flow_runs WHERE run_id = ?')
        .get(r.id) as { state: StateType; state_history: string } | undefined;
      if (flow && !FINAL_STATES.has(flow.state)) {
        const history = [...(JSON.parse(flow.state_history) as StateTransition[]), entry];
        store
          .stmt(`UPDATE flow_runs SET state = 'CRASHED', state_history = ? WHERE run_id = ?`)
          .run(JSON.stringify(history), r.id);
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
  });
}
