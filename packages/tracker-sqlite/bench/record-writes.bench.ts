// The cost of a bounded change feed: task-run record writes (one upsert per state change, as the
// engine writes them) into a store whose `record_changes` is pruned by its trigger (schema
// version 9) and, for comparison, into one with that trigger dropped (the unbounded feed of
// schema version 8). Alternating reps, so that machine load hits both alike.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { SqliteTracker } from '@tideflow/tracker-sqlite';
import type { TaskRunRecord } from '@tideflow/core';
import { median } from '../../../scripts/bench-stats.js';

const root = mkdtempSync(join(tmpdir(), 'tideflow-bench-records-'));

const record = (i: number): TaskRunRecord => ({
  taskRunId: `t${i % 50}`,
  taskName: 'Pipeline.train',
  taskRunName: `Pipeline.train-${i % 50}`,
  state: i % 2 ? 'COMPLETED' : 'RUNNING',
  stateHistory: [{ type: 'RUNNING', timestamp: i }],
  startTime: i,
  endTime: null,
  durationMs: null,
  attempts: 1,
  cacheKey: null,
  cacheHit: false,
  error: null,
});

async function writes(pruned: boolean, rep: number, total: number): Promise<number> {
  const path = join(root, `${pruned ? 'pruned' : 'unbounded'}-${rep}`, 'tideflow.db');
  let tracker = new SqliteTracker({ path });
  if (!pruned) {
    await tracker.close();
    const db = new Database(path);
    db.exec('DROP TRIGGER record_changes_pruned');
    db.close();
    tracker = new SqliteTracker({ path });
  }
  const { info } = await tracker.createRun();
  globalThis.gc?.();
  const t0 = performance.now();
  for (let i = 0; i < total; i++) await tracker.upsertTaskRun(info.runId, record(i));
  const rate = total / ((performance.now() - t0) / 1000);
  await tracker.close();
  return rate;
}

try {
  const reps = 5;
  const total = 30_000;
  const rates = { pruned: [] as number[], unbounded: [] as number[] };
  for (let r = 0; r < reps; r++) {
    rates.unbounded.push(await writes(false, r, total));
    rates.pruned.push(await writes(true, r, total));
  }
  for (const [name, all] of Object.entries(rates))
    console.log(
      JSON.stringify({
        bench: `sqlite.upsertTaskRun.${name}`,
        value: Math.round(median(all)),
        unit: 'writes/s',
        reps,
        writes: total,
        min: Math.round(Math.min(...all)),
        max: Math.round(Math.max(...all)),
        all: all.map(Math.round),
      }),
    );
} finally {
  rmSync(root, { recursive: true, force: true });
}
