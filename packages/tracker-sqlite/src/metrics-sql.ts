import { TrackingInputError, validateKey } from '@tideflow/core';
import type { MetricInput } from '@tideflow/core';
import type { SqliteStore } from './store.js';

// Multi-row INSERTs: one statement call per 256 points instead of one per point. Sizes step
// down so that the tail of a batch still goes in few calls.
const CHUNKS = [256, 16, 1];
const ROW = '(?, ?, ?, ?, ?, ?)';

/** Keys already validated: metric names repeat across every batch of a run. */
const validKeys = new Set<string>();

function checkKey(key: string): void {
  if (validKeys.has(key)) return;
  validateKey('metric', key);
  if (validKeys.size > 10_000) validKeys.clear();
  validKeys.add(key);
}

/**
 * Checks and appends metric points to the history and moves each key's latest value forward.
 * It runs inside the batch's write transaction, so a bad point (checked in this same pass)
 * rolls the whole batch back. Points are read straight into the statement's bindings: no
 * intermediate objects per point.
 */
export function insertMetrics(
  store: SqliteStore,
  runId: number,
  metrics: readonly MetricInput[],
  now: number,
): void {
  const n = metrics.length;
  const steps = new Float64Array(n);
  const stamps = new Float64Array(n);
  const latest = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    const m = metrics[i];
    checkKey(m.key);
    if (typeof m.value !== 'number')
      throw new TrackingInputError(`Metric "${m.key}" must be a number, got ${typeof m.value}.`);
    const ts = m.timestamp ?? now;
    const step = m.step ?? 0;
    if (!Number.isFinite(ts))
      throw new TrackingInputError(`Metric "${m.key}" has a non-finite timestamp ${ts}.`);
    if (!Number.isSafeInteger(step))
      throw new TrackingInputError(
        `Metric "${m.key}" has step ${step}; a step must be an integer.`,
      );
    steps[i] = step;
    stamps[i] = Math.trunc(ts);
    const j = latest.get(m.key);
    // Same rule as core's isNewer: larger step, or same step and a timestamp at least as large.
    if (j === undefined || step > steps[j] || (step === steps[j] && stamps[i] >= stamps[j]))
      latest.set(m.key, i);
  }
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
        values[o + 2] = steps[k];
        values[o + 3] = stamps[k];
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
  for (const [key, k] of latest) {
    const v = metrics[k].value;
    const nan = Number.isNaN(v);
    upsert.run(runId, key, steps[k], stamps[k], nan ? null : v, nan ? 1 : 0);
  }
}
