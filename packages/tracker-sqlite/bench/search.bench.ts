// searchRuns over 10,000 runs × 20 metrics (and 2 dataset inputs each) with a 3-clause filter
// (metric, param, tag) and with a `datasets.digest` clause: on SQLite (the filter compiled to
// SQL) and on the memory store (the Tracker's emulation over listRuns). Seeding is not timed.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MemoryTracker } from '@tideflow/core';
import type { SearchRunsOptions, Tracker } from '@tideflow/core';
import { SqliteTracker } from '@tideflow/tracker-sqlite';
import { median, seededRandom } from '../../../scripts/bench-stats.js';

const root = mkdtempSync(join(tmpdir(), 'tideflow-bench-search-'));

const RUNS = 10_000;

/** 10,000 runs of 20 metrics, 3 params, 1 tag and 2 inputs (500 train digests, 50 test digests). */
async function seedRuns(tracker: Tracker): Promise<{ exp: string; seedMs: number }> {
  // Seeded anew for each store, so that both search the same data on every run.
  const rand = seededRandom(42);
  const exp = await tracker.createExperiment('bench');
  const models = ['svm', 'knn', 'nb', 'lr'];
  const groups = ['alpha', 'beta', 'apex', 'gamma'];
  const t0 = performance.now();
  for (let i = 0; i < RUNS; i++) {
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
    await tracker.logInputs(info.runId, [
      {
        dataset: { name: 'data.csv', digest: `train${i % 500}`, source: 'data.csv', numRows: 800 },
        context: 'training',
      },
      {
        dataset: { name: 'data.csv', digest: `test${i % 50}`, source: 'data.csv', numRows: 200 },
        context: 'evaluation',
      },
    ]);
  }
  return { exp, seedMs: performance.now() - t0 };
}

const filter = "metrics.m0 > 0.5 and params.model = 'svm' and tags.group LIKE 'a%'";
const digest = "datasets.digest = 'train8'";

async function bench(store: 'sqlite' | 'memory', tracker: Tracker): Promise<void> {
  const { exp, seedMs } = await seedRuns(tracker);
  const cases: [string, SearchRunsOptions][] = [
    [`${store}.searchRuns.3clause.10kRuns`, { experimentIds: [exp], filter }],
    [
      `${store}.searchRuns.3clause.orderByMetric.10kRuns`,
      { experimentIds: [exp], filter, orderBy: ['metrics.m1 DESC'] },
    ],
    [
      `${store}.searchRuns.3clause.max100.10kRuns`,
      { experimentIds: [exp], filter, maxResults: 100 },
    ],
    [`${store}.searchRuns.datasetDigest.10kRuns`, { experimentIds: [exp], filter: digest }],
    [
      `${store}.searchRuns.3clause+datasetDigest.10kRuns`,
      { experimentIds: [exp], filter: `${filter} and ${digest}` },
    ],
  ];
  for (const [name, options] of cases) {
    const times: number[] = [];
    let count = 0;
    for (let r = 0; r < 15; r++) {
      const t = performance.now();
      count = (await tracker.searchRuns(options)).runs.length;
      times.push(performance.now() - t);
    }
    console.log(
      JSON.stringify({
        bench: name,
        value: Number(median(times).toFixed(2)),
        unit: 'ms',
        reps: times.length,
        runs: RUNS,
        metricsPerRun: 20,
        matched: count,
        min: Number(Math.min(...times).toFixed(2)),
        filter: options.filter,
      }),
    );
  }
  console.log(
    JSON.stringify({
      bench: `${store}.seed.10kRuns`,
      value: Math.round(seedMs),
      unit: 'ms',
      note: '10,000 createRun + logBatch(20 metrics, 3 params, 1 tag) + logInputs(2 datasets)',
    }),
  );
  await tracker.close();
}

try {
  await bench('sqlite', new SqliteTracker({ path: join(root, 'tideflow.db') }));
  await bench('memory', new MemoryTracker());
} finally {
  rmSync(root, { recursive: true, force: true });
}
