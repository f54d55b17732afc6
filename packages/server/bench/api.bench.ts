// The server's API over an SQLite store on a loopback port, measured from an HTTP client:
// - a page of 100 runs out of 10,000 runs x 20 metrics (MLflow's runs/search, max_results 100,
//   as the UI's runs table asks for it): p50 and p95 of 200 requests, newest first, ordered by a
//   metric, and filtered by a metric;
// - live updates: a flow-run state change written to the store by another connection (as another
//   process would) until its SSE event arrives at a client of GET /api/events: median of 20.
// Seeding is not timed.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FlowRunRecord } from '@tideflow/core';
import { createServer } from '@tideflow/server';
import { SqliteTracker } from '@tideflow/tracker-sqlite';
import { median, quantile, report, seededRandom } from '../../../scripts/bench-stats.js';
import { openSse } from '../test/support/sse.js';

const RUNS = 10_000;
const METRICS = 20;
const REQUESTS = 200;
const CHANGES = 20;

// Seeded, so that every run of the benchmark searches the same data.
const rand = seededRandom(42);

async function seedRuns(tracker: SqliteTracker): Promise<string> {
  const exp = await tracker.createExperiment('bench');
  for (let i = 0; i < RUNS; i++) {
    const { info } = await tracker.createRun({
      experimentId: exp,
      name: `run-${i}`,
      startTime: 1_700_000_000_000 + i,
      status: 'FINISHED',
    });
    await tracker.logBatch(info.runId, {
      metrics: Array.from({ length: METRICS }, (_, k) => ({ key: `m${k}`, value: rand() })),
      params: { model: ['svm', 'knn', 'nb', 'lr'][i % 4], depth: i % 7 },
      tags: { group: ['alpha', 'beta'][i % 2] },
    });
  }
  return exp;
}

async function searchPages(url: string, exp: string): Promise<void> {
  const cases: [string, Record<string, unknown>][] = [
    ['newest', {}],
    ['orderByMetric', { order_by: ['metrics.m3 DESC'] }],
    ['filterByMetric', { filter: 'metrics.m0 > 0.5', order_by: ['metrics.m1 ASC'] }],
  ];
  for (const [name, extra] of cases) {
    const body = JSON.stringify({ experiment_ids: [exp], max_results: 100, ...extra });
    const once = async () => {
      const res = await fetch(`${url}/api/2.0/mlflow/runs/search`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
      });
      const page = (await res.json()) as { runs?: unknown[] };
      if (res.status !== 200 || page.runs?.length !== 100)
        throw new Error(`runs/search answered ${res.status} with ${page.runs?.length} runs`);
    };
    for (let i = 0; i < 10; i++) await once(); // warm-up: connection, statement cache, JIT
    const times: number[] = [];
    for (let i = 0; i < REQUESTS; i++) {
      const t0 = performance.now();
      await once();
      times.push(performance.now() - t0);
    }
    const extraInfo = { runs: RUNS, metricsEach: METRICS, pageSize: 100, requests: REQUESTS };
    report(`server.runsSearch.page100.${name}.p50`, median(times), 'ms', extraInfo);
    report(`server.runsSearch.page100.${name}.p95`, quantile(times, 0.95), 'ms', extraInfo);
  }
}

/** `pollMs`: the server's `livePollMs` (its default, 100). */
async function liveLatency(url: string, writer: SqliteTracker, pollMs: number): Promise<void> {
  const runId = (await writer.createRun({ name: 'live' })).info.runId;
  const client = await openSse(`${url}/api/events?flowRunId=${runId}`);
  await client.waitForComment((c) => c === 'connected');
  const latencies: number[] = [];
  const history: FlowRunRecord['stateHistory'] = [];
  for (let i = 0; i < CHANGES; i++) {
    const state = i % 2 ? 'COMPLETED' : 'RUNNING';
    history.push({ type: state, timestamp: Date.now() });
    const seen = client.events.length;
    await writer.setFlowRun(runId, {
      flowName: 'live',
      state,
      stateHistory: [...history],
      parameters: { i },
    });
    const recorded = performance.now();
    await client.waitFor((e) => client.events.indexOf(e) >= seen && e.event === 'flow-run');
    latencies.push(performance.now() - recorded);
    // Spread the changes over the poll cycle rather than always just after a poll.
    await new Promise((r) => setTimeout(r, 37 + Math.floor(rand() * pollMs)));
  }
  client.close();
  report(`server.live.stateChangeToEvent.poll${pollMs}ms.median`, median(latencies), 'ms', {
    changes: CHANGES,
    max: Number(Math.max(...latencies).toFixed(1)),
    writer: 'another SQLite connection',
  });
}

const root = mkdtempSync(join(tmpdir(), 'tideflow-bench-server-'));
try {
  const path = join(root, 'tideflow.db');
  const seeding = new SqliteTracker({ path });
  const exp = await seedRuns(seeding);
  await seeding.close();

  const server = await createServer({ trackingUri: `sqlite:///${path}`, port: 0 });
  const url = await server.listen();
  await searchPages(url, exp);
  const writer = new SqliteTracker({ path });
  await liveLatency(url, writer, 100);
  await writer.close();
  await server.close();
} finally {
  rmSync(root, { recursive: true, force: true });
}
