// `runs ls` child counts: 1,000 listed runs (the default page) with 5 child runs each, counted by
// `Tracker.countChildRuns` (one GROUP BY on SQLite, the parent index in memory) and, in the same
// run, by the one-search-per-run loop `runs ls` used before. Seeding is not timed.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MemoryTracker, TAG_PARENT_RUN_ID } from '@tideflow/core';
import type { Tracker } from '@tideflow/core';
import { SqliteTracker } from '@tideflow/tracker-sqlite';
import { median, report } from '../../../scripts/bench-stats.js';

const PARENTS = 1_000;
const CHILDREN = 5;
const REPEATS = 7;

async function seedRuns(tracker: Tracker): Promise<string[]> {
  const parents: string[] = [];
  for (let p = 0; p < PARENTS; p++) {
    const { info } = await tracker.createRun({ name: `p${p}` });
    parents.push(info.runId);
    for (let c = 0; c < CHILDREN; c++)
      await tracker.createRun({ parentRunId: info.runId, name: `p${p}c${c}` });
  }
  return parents;
}

/** The loop `runs ls` ran before `countChildRuns`: one search per listed run. */
async function searchPerRun(
  tracker: Tracker,
  ids: readonly string[],
): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for (const id of ids) {
    const filter = `tags.\`${TAG_PARENT_RUN_ID}\` = '${id}'`;
    counts.set(id, (await tracker.searchRuns({ filter, maxResults: 1000 })).runs.length);
  }
  return counts;
}

async function timed(fn: () => Promise<Map<string, number>>): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < REPEATS; i++) {
    const t0 = performance.now();
    const counts = await fn();
    times.push(performance.now() - t0);
    for (const n of counts.values()) if (n !== CHILDREN) throw new Error(`wrong count ${n}`);
  }
  return median(times);
}

async function bench(store: string, tracker: Tracker): Promise<void> {
  const parents = await seedRuns(tracker);
  const one = await timed(() => tracker.countChildRuns(parents));
  const loop = await timed(() => searchPerRun(tracker, parents));
  const extra = { runs: PARENTS, childrenEach: CHILDREN, repeats: REPEATS };
  report(`${store}.countChildRuns.1kRuns`, one, 'ms', extra);
  report(`${store}.childCounts.searchPerRun.1kRuns`, loop, 'ms', extra);
  report(`${store}.childCounts.speedup`, loop / one, 'x', extra);
  await tracker.close();
}

const root = mkdtempSync(join(tmpdir(), 'tideflow-bench-children-'));
try {
  await bench('sqlite', new SqliteTracker({ path: join(root, 'tideflow.db') }));
  await bench('memory', new MemoryTracker());
} finally {
  rmSync(root, { recursive: true, force: true });
}
