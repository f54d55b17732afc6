// searchRuns over 10,000 runs × 20 metrics with a 3-clause filter (metric, param, tag), the
// filter compiled to SQL. Seeding is not timed.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteTracker } from '@tideflow/tracker-sqlite';
import { median } from '../../../scripts/bench-stats.js';

const root = mkdtempSync(join(tmpdir(), 'tideflow-bench-search-'));

// A seeded PRNG (mulberry32) so that every run of the benchmark searches the same data.
let seed = 42;
const rand = () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};

try {
  const tracker = new SqliteTracker({ path: join(root, 'tideflow.db') });
  const exp = await tracker.createExperiment('bench');
  const models = ['svm', 'knn', 'nb', 'lr'];
  const groups = ['alpha', 'beta', 'apex', 'gamma'];
  const t0 = performance.now();
  for (let i = 0; i < 10_000; i++) {
    const { info } = await tracker.createRun({
      experimentId: exp,
      name: `run-${i}`,
      startTime: 1_700_000_000_000 + i,
    });
    await tracker.logBatch(info.runId, {
      metrics: Array.from({ length: 20 }, (_, k) => ({ key: `m${k}`, value: rand(), step: 0 })),
      params: { model: models[i % 4], depth: i % 7, lr: 0.1 },
      tags: { group: groups[Math.floor(rand() * 4)] },
    });
  }
  const seedMs = performance.now() - t0;
  const filter = "metrics.m0 > 0.5 and params.model = 'svm' and tags.group LIKE 'a%'";
  const cases: [string, Parameters<SqliteTracker['searchRuns']>[0]][] = [
    ['sqlite.searchRuns.3clause.10kRuns', { experimentIds: [exp], filter }],
    [
      'sqlite.searchRuns.3clause.orderByMetric.10kRuns',
      { experimentIds: [exp], filter, orderBy: ['metrics.m1 DESC'] },
    ],
    ['sqlite.searchRuns.3clause.max100.10kRuns', { experimentIds: [exp], filter, maxResults: 100 }],
  ];
  for (const [bench, options] of cases) {
    const times: number[] = [];
    let count = 0;
    for (let r = 0; r < 15; r++) {
      const t = performance.now();
      count = (await tracker.searchRuns(options)).runs.length;
      times.push(performance.now() - t);
    }
    console.log(
      JSON.stringify({
        bench,
        value: Number(median(times).toFixed(2)),
        unit: 'ms',
        reps: times.length,
        runs: 10_000,
        metricsPerRun: 20,
        matched: count,
        min: Number(Math.min(...times).toFixed(2)),
        filter,
      }),
    );
  }
  console.log(
    JSON.stringify({
      bench: 'sqlite.seed.10kRuns',
      value: Math.round(seedMs),
      unit: 'ms',
      note: '10,000 createRun + logBatch(20 metrics, 3 params, 1 tag)',
    }),
  );
  await tracker.close();
} finally {
  rmSync(root, { recursive: true, force: true });
}
