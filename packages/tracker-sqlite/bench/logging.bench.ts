// Metric logging throughput into SQLite: batched (the engine flushes buffered track.metric calls
// with logBatch) and, for comparison, one logMetric call per point.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteTracker, createSqliteCacheStore } from '@tideflow/tracker-sqlite';
import type { MetricInput } from '@tideflow/core';
import { median } from '../../../scripts/bench-stats.js';
import { holdWriteLocks, watchEventLoop } from '../test/support/lock-holder.js';

const root = mkdtempSync(join(tmpdir(), 'tideflow-bench-log-'));

async function batched(batchSize: number, total: number, reps: number): Promise<number[]> {
  const rates: number[] = [];
  for (let r = 0; r < reps; r++) {
    const tracker = new SqliteTracker({
      path: join(root, `batch-${batchSize}-${r}`, 'tideflow.db'),
    });
    const { info } = await tracker.createRun();
    const batches: MetricInput[][] = [];
    for (let i = 0; i < total; i += batchSize) {
      const b: MetricInput[] = [];
      for (let j = i; j < i + batchSize; j++)
        b.push({
          key: `m${j % 10}`,
          value: Math.sin(j),
          step: j,
          timestamp: 1_700_000_000_000 + j,
        });
      batches.push(b);
    }
    globalThis.gc?.();
    const t0 = performance.now();
    for (const metrics of batches) await tracker.logBatch(info.runId, { metrics });
    const s = (performance.now() - t0) / 1000;
    rates.push(total / s);
    await tracker.close();
  }
  return rates;
}

async function single(total: number, reps: number): Promise<number[]> {
  const rates: number[] = [];
  for (let r = 0; r < reps; r++) {
    const tracker = new SqliteTracker({ path: join(root, `single-${r}`, 'tideflow.db') });
    const { info } = await tracker.createRun();
    const t0 = performance.now();
    for (let j = 0; j < total; j++)
      await tracker.logMetric(info.runId, `m${j % 10}`, j, { step: j });
    rates.push(total / ((performance.now() - t0) / 1000));
    await tracker.close();
  }
  return rates;
}

try {
  const reps = 5;
  for (const size of [1000, 100]) {
    const rates = await batched(size, 200_000, reps);
    console.log(
      JSON.stringify({
        bench: `sqlite.logBatch.metrics.batch${size}`,
        value: Math.round(median(rates)),
        unit: 'points/s',
        reps,
        points: 200_000,
        min: Math.round(Math.min(...rates)),
        max: Math.round(Math.max(...rates)),
        all: rates.map(Math.round),
      }),
    );
  }
  const rates = await single(20_000, reps);
  console.log(
    JSON.stringify({
      bench: 'sqlite.logMetric.single',
      value: Math.round(median(rates)),
      unit: 'points/s',
      reps,
      points: 20_000,
    }),
  );
  const stalls: Record<string, unknown>[] = [];
  for (let r = 0; r < reps; r++) stalls.push(await lockStall(8_000, r));
  const gaps = stalls.map((x) => x.value as number);
  console.log(
    JSON.stringify({
      ...stalls[0],
      value: median(gaps),
      reps,
      max: Math.max(...gaps),
      all: gaps,
      writes_waited_ms: median(stalls.map((x) => x.writes_waited_ms as number)),
      timer_ticks: median(stalls.map((x) => x.timer_ticks as number)),
    }),
  );
} finally {
  rmSync(root, { recursive: true, force: true });
}

/**
 * Another process holds the write lock of the tracking store and of the cache store for `holdMs`
 * while this one writes a run, a batch and a cache entry: the longest gap between ticks of a
 * 10 ms interval timer (the event loop's longest stall) while those writes wait. The bench
 * reports the median of `reps` such runs.
 */
async function lockStall(holdMs: number, rep: number): Promise<Record<string, unknown>> {
  const dir = join(root, `locked-${rep}`);
  const tracker = new SqliteTracker({ path: join(dir, 'tideflow.db'), busyTimeoutMs: 20_000 });
  const cache = createSqliteCacheStore({ path: join(dir, 'cache.sqlite'), busyTimeout: 20_000 });
  const holder = await holdWriteLocks(
    [join(dir, 'tideflow.db'), join(dir, 'cache.sqlite')],
    holdMs,
  );
  const watch = watchEventLoop(10);
  const t0 = performance.now();
  const { info } = await tracker.createRun({ name: 'patient' });
  await tracker.logBatch(info.runId, { metrics: [{ key: 'm', value: 1, step: 0 }] });
  await cache.set('k', Buffer.from([1]));
  const waited = performance.now() - t0;
  const { ticks, longestGapMs } = watch.stop();
  await holder.released;
  await tracker.close();
  await cache.disconnect();
  return {
    bench: 'sqlite.lock_held_8s.event_loop_longest_stall',
    value: Number(longestGapMs.toFixed(1)),
    unit: 'ms',
    held_ms: holdMs,
    writes_waited_ms: Math.round(waited),
    timer_ticks: ticks,
    goal: '<= 50',
  };
}
