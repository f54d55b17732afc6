// The model registry: `Tracker.listModelVersions` of a model with 500 versions (two tags each,
// an alias on every tenth), and `Tracker.getRegisteredModel` among 500 models (against finding it
// in `listRegisteredModels`, as the tracker did before), medians of 9 repeats of 10 calls, on
// SQLite and in memory. Seeding is not timed.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MemoryTracker } from '@tideflow/core';
import type { Tracker } from '@tideflow/core';
import { SqliteTracker } from '@tideflow/tracker-sqlite';
import { median, report } from '../../../scripts/bench-stats.js';

const VERSIONS = 500;
const LISTINGS = 10;
const REPEATS = 9;

async function seedVersions(tracker: Tracker): Promise<void> {
  const runId = (await tracker.createRun({ name: 'trainer' })).info.runId;
  // Two models with other bytes, taken in turn: registering the same bytes again adds no version.
  for (const name of ['a', 'b'])
    await tracker.logModel(runId, { name, bytes: new TextEncoder().encode(name), flavor: 'f' });
  for (let v = 1; v <= VERSIONS; v++) {
    await tracker.registerModel('clf', {
      runId,
      modelName: v % 2 ? 'a' : 'b',
      tags: { stage: v % 2 ? 'dev' : 'prod', seed: String(v) },
    });
    if (v % 10 === 0) await tracker.setModelAlias('clf', `a${v}`, v);
  }
}

async function bench(store: string, tracker: Tracker): Promise<void> {
  await seedVersions(tracker);
  const times: number[] = [];
  for (let r = 0; r < REPEATS; r++) {
    const t0 = performance.now();
    for (let i = 0; i < LISTINGS; i++) {
      const versions = await tracker.listModelVersions('clf');
      if (versions.length !== VERSIONS) throw new Error(`listed ${versions.length} versions`);
    }
    times.push((performance.now() - t0) / LISTINGS);
  }
  const extra = { versions: VERSIONS, listings: LISTINGS, repeats: REPEATS };
  report(`${store}.listModelVersions.500versions`, median(times), 'ms', extra);
  await benchModels(store, tracker);
  await tracker.close();
}

/** Median ms of `call`, over REPEATS repeats of LISTINGS calls. */
async function timed(call: () => Promise<unknown>): Promise<number> {
  const times: number[] = [];
  for (let r = 0; r < REPEATS; r++) {
    const t0 = performance.now();
    for (let i = 0; i < LISTINGS; i++) await call();
    times.push((performance.now() - t0) / LISTINGS);
  }
  return median(times);
}

async function benchModels(store: string, tracker: Tracker): Promise<void> {
  const runId = (await tracker.createRun({ name: 'many-models' })).info.runId;
  await tracker.logModel(runId, { name: 'm', bytes: new Uint8Array([7]), flavor: 'f' });
  for (let m = 0; m < VERSIONS; m++) {
    const name = `model-${String(m).padStart(3, '0')}`;
    await tracker.registerModel(name, { runId, modelName: 'm', tags: { team: 'ml' } });
    await tracker.setRegisteredModelTag(name, 'owner', `o${m}`);
  }
  const name = 'model-250';
  const one = await timed(() => tracker.getRegisteredModel(name));
  const found = await timed(async () =>
    (await tracker.listRegisteredModels()).find((m) => m.name === name),
  );
  report(`${store}.getRegisteredModel.500models`, one, 'ms', {
    listing_and_find_ms: Number(found.toFixed(4)),
    models: VERSIONS + 1,
    calls: LISTINGS,
    repeats: REPEATS,
  });
}

const root = mkdtempSync(join(tmpdir(), 'tideflow-bench-registry-'));
try {
  await bench('sqlite', new SqliteTracker({ path: join(root, 'tideflow.db') }));
  await bench('memory', new MemoryTracker());
} finally {
  rmSync(root, { recursive: true, force: true });
}
