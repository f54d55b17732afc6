// MLflow's model-versions/search over an SQLite registry of 40 models x 100 versions, measured
// from an HTTP client on a loopback port: the first page of 2 (`max_results=2`, as a UI or a
// script asking for the newest versions does), one model by `name =`, and every version
// (`max_results` 10,000). p50 of 30 requests each. Seeding is not timed.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from '@tideflow/server';
import { SqliteTracker } from '@tideflow/tracker-sqlite';
import { median, report } from '../../../scripts/bench-stats.js';

const MODELS = 40;
const VERSIONS = 100;
const REQUESTS = 30;

async function seedRegistry(tracker: SqliteTracker): Promise<void> {
  const runId = (await tracker.createRun({ name: 'trainer' })).info.runId;
  // Two models with other bytes, taken in turn: registering the same bytes again adds no version.
  for (const name of ['a', 'b'])
    await tracker.logModel(runId, { name, bytes: new TextEncoder().encode(name), flavor: 'f' });
  for (let m = 0; m < MODELS; m++) {
    const name = `model-${String(m).padStart(2, '0')}`;
    for (let v = 1; v <= VERSIONS; v++)
      await tracker.registerModel(name, {
        runId,
        modelName: v % 2 ? 'a' : 'b',
        tags: { seed: String(v) },
      });
  }
}

async function searches(url: string): Promise<void> {
  const cases: [name: string, query: string, expected: number][] = [
    ['max2', 'max_results=2', 2],
    ['oneModelByName', `filter=${encodeURIComponent("name = 'model-20'")}`, VERSIONS],
    ['everyVersion', 'max_results=10000', MODELS * VERSIONS],
  ];
  for (const [name, query, expected] of cases) {
    const times: number[] = [];
    for (let i = 0; i < REQUESTS; i++) {
      const t0 = performance.now();
      const r = await fetch(`${url}/api/2.0/mlflow/model-versions/search?${query}`);
      const body = (await r.json()) as { model_versions: unknown[] };
      times.push(performance.now() - t0);
      if (body.model_versions.length !== expected)
        throw new Error(`${name}: ${body.model_versions.length} versions, not ${expected}`);
    }
    report(`server.modelVersionsSearch.${name}.p50`, median(times), 'ms', {
      models: MODELS,
      versionsEach: VERSIONS,
      requests: REQUESTS,
    });
  }
}

const root = mkdtempSync(join(tmpdir(), 'tideflow-bench-model-search-'));
try {
  const path = join(root, 'tideflow.db');
  const seeding = new SqliteTracker({ path });
  await seedRegistry(seeding);
  await seeding.close();
  const server = await createServer({ trackingUri: `sqlite:///${path}`, port: 0 });
  await searches(await server.listen());
  await server.close();
} finally {
  rmSync(root, { recursive: true, force: true });
}
