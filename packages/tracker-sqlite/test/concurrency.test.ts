import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { SqliteTracker } from '@tideflow/tracker-sqlite';
import { LATEST_SCHEMA_VERSION } from '../src/schema.js';
import { startWorker } from './workers/spawn.js';

const root = mkdtempSync(join(tmpdir(), 'tideflow-sqlite-conc-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

// Four child processes on a shared 2-core machine: allow far more than the few seconds it takes.
describe('several processes on one SQLite file', () => {
  it('4 processes logging 10,000 points each at once: 0 errors, 40,000 rows', async () => {
    const path = join(root, 'shared', 'tideflow.db');
    const workers = [0, 1, 2, 3].map((i) => startWorker('log-metrics', [path, String(i), '10000']));
    const codes = await Promise.all(workers.map((w) => w.exited));
    expect(workers.map((w) => w.stderr())).toEqual(['', '', '', '']);
    expect(codes).toEqual([0, 0, 0, 0]);

    const db = new Database(path, { readonly: true });
    expect(db.prepare('SELECT COUNT(*) FROM metrics').pluck().get()).toBe(40_000);
    expect(db.prepare('SELECT COUNT(*) FROM schema_version').pluck().get()).toBe(
      LATEST_SCHEMA_VERSION,
    );
    db.close();

    const tracker = new SqliteTracker({ path });
    const exp = await tracker.getExperimentByName('concurrency');
    const { runs } = await tracker.searchRuns({
      experimentIds: [exp!.experimentId],
      orderBy: ['attributes.run_name'],
    });
    expect(runs.map((r) => [r.info.name, r.info.status, r.data.metrics.x])).toEqual(
      [0, 1, 2, 3].map((i) => [`worker-${i}`, 'FINISHED', 9999]),
    );
    expect(runs.map((r) => r.info.runId).sort()).toEqual(workers.map((w) => w.stdout()).sort());
    const history = await tracker.getMetricHistory(runs[2].info.runId, 'x');
    expect(history).toHaveLength(10_000);
    expect(history.every((p, i) => p.step === i && p.value === i)).toBe(true);
    await tracker.close();
  }, 120_000);
});
