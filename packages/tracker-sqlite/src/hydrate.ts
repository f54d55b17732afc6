import type { LifecycleStage, Run, RunStatus } from '@tideflow/core';
import { metricValue } from './store.js';
import type { SqliteStore } from './store.js';

interface RunRow {
  id: number;
  run_uuid: string;
  experiment_id: number;
  name: string;
  status: RunStatus;
  start_time: number;
  end_time: number | null;
  lifecycle_stage: LifecycleStage;
  parent_run_uuid: string | null;
}

/**
 * Loads whole runs (info, params, latest metrics, tags) for internal ids, in the order given,
 * with four set-based queries rather than four per run.
 */
export function hydrateRuns(store: SqliteStore, ids: readonly number[]): Run[] {
  if (ids.length === 0) return [];
  const idsJson = JSON.stringify(ids);
  const inIds = 'IN (SELECT value FROM json_each(?))';
  const byId = new Map<number, Run>();
  const rows = store
    .stmt(
      `SELECT id, run_uuid, experiment_id, name, status, start_time, end_time, lifecycle_stage, parent_run_uuid FROM runs WHERE id ${inIds}`,
    )
    .all(idsJson) as RunRow[];
  for (const r of rows) {
    byId.set(r.id, {
      info: {
        runId: r.run_uuid,
        experimentId: String(r.experiment_id),
        name: r.name,
        status: r.status,
        startTime: r.start_time,
        endTime: r.end_time,
        lifecycleStage: r.lifecycle_stage,
        parentRunId: r.parent_run_uuid,
      },
      data: { params: {}, metrics: {}, tags: {} },
    });
  }
  for (const p of store
    .stmt(`SELECT run_id, key, value FROM params WHERE run_id ${inIds}`)
    .raw()
    .all(idsJson) as [number, string, string][]) {
    byId.get(p[0])!.data.params[p[1]] = p[2];
  }
  for (const t of store
    .stmt(`SELECT run_id, key, value FROM tags WHERE run_id ${inIds}`)
    .raw()
    .all(idsJson) as [number, string, string][]) {
    byId.get(t[0])!.data.tags[t[1]] = t[2];
  }
  const metrics = store
    .stmt(`SELECT run_id, key, value, is_nan FROM latest_metrics WHERE run_id ${inIds}`)
    .raw()
    .all(idsJson) as [number, string, number | null, number][];
  for (const m of metrics) byId.get(m[0])!.data.metrics[m[1]] = metricValue(m[2], m[3]);
  return ids.map((id) => byId.get(id)!);
}
