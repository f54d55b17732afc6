import type { MetricPoint } from '@tideflow/core';
import { isNewer } from '@tideflow/core/store';
import type { SqliteStore } from './store.js';

// Multi-row INSERTs: one statement call per 256 points instead of one per point. Sizes step
// down so that the tail of a batch still goes in few calls.
const CHUNKS = [256, 16, 1];
const ROW = '(?, ?, ?, ?, ?, ?)';

/**
 * Appends metric points (checked and completed by the tracker) to the history and moves each
 * key's latest value forward, inside the batch's write transaction. Points are read straight
 * into the statement's bindings: no intermediate objects per point.
 */
export function insertMetrics(
  store: SqliteStore,
  runId: number,
  metrics: readonly MetricPoint[],
): void {
  const n = metrics.length;
  const latest = new Map<string, MetricPoint>();
  for (const p of metrics) if (isNewer(p, latest.get(p.key))) latest.set(p.key, p);
  let i = 0;
  for (const size of CHUNKS) {
    if (n - i < size) continue;
    const stmt = store.stmt(
      `INSERT INTO metrics (run_id, key, step, timestamp, value, is_nan) VALUES ${Array(size).fill(ROW).join(', ')}`,
    );
    const values: unknown[] = new Array(size * 6);
    for (; i + size <= n; i += size) {
      for (let j = 0, o = 0; j < size; j++, o += 6) {
        const k = i + j;
        const v = metrics[k].value;
        const nan = v !== v;
        values[o] = runId;
        values[o + 1] = metrics[k].key;
        values[o + 2] = metrics[k].step;
        values[o + 3] = metrics[k].timestamp;
        values[o + 4] = nan ? null : v;
        values[o + 5] = nan ? 1 : 0;
      }
      stmt.run(values);
    }
  }
  const upsert = store.stmt(
    `INSERT INTO latest_metrics (run_id, key, step, timestamp, value, is_nan) VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT (run_id, key) DO UPDATE SET step = excluded.step, timestamp = excluded.timestamp,
       value = excluded.value, is_nan = excluded.is_nan
     WHERE excluded.step > latest_metrics.step
        OR (excluded.step = latest_metrics.step AND excluded.timestamp >= latest_metrics.timestamp)`,
  );
  for (const [key, p] of latest) {
    const nan = Number.isNaN(p.value);
    upsert.run(runId, key, p.step, p.timestamp, nan ? null : p.value, nan ? 1 : 0);
  }
}
