// Figures of issue 17: a 3-cell Python notebook run as a notebook task, cold (a kernel starts,
// the executed copy is stored) and as a cached rerun (no kernel). Each cold run is a fresh task
// and cache in its own tracked flow run; the cached reruns repeat a call whose result is stored.
// CPU time of the executor and its kernel (reaped children, /proc/self/stat) is reported beside the
// wall time, which the shared machine makes noisy. Runs against the built packages (`npm run bench`
// builds first), so that the bench and the notebook task share one `@tideflow/core`.
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import {
  MemoryTracker,
  Registry,
  configure,
  createMemoryCacheStore,
  flow,
  silentLogger,
} from '@tideflow/core';
import { notebookTask } from '@tideflow/notebooks';
import { code, pythonNotebook, writeNotebook } from '../test/helpers.js';
import { median, quantile, report } from '../../../scripts/bench-stats.js';

const COLD_RUNS = 7;
const CACHED_RUNS = 200;
const TICKS_PER_SECOND = 100; // USER_HZ on Linux

/** CPU seconds (user + system) of this process's reaped children so far. */
function childCpuSeconds(): number {
  const stat = readFileSync('/proc/self/stat', 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // Fields 16 and 17 of stat (cutime, cstime) are at 13 and 14 after the command name.
  return (Number(fields[13]) + Number(fields[14])) / TICKS_PER_SECOND;
}

const file = writeNotebook(
  pythonNotebook([
    code('n = 10', ['parameters']),
    code('squares = [i * i for i in range(n)]'),
    code('print(sum(squares))'),
  ]),
  'three-cells',
);

const inFlow = <T>(body: () => Promise<T>): Promise<T> =>
  flow(
    async function bench() {
      return body();
    },
    { registry: new Registry() },
  )();

const cold: number[] = [];
const coldCpu: number[] = [];
for (let i = 0; i < COLD_RUNS; i++) {
  configure({
    tracker: new MemoryTracker(),
    logger: silentLogger,
    cacheStore: createMemoryCacheStore(),
  });
  const nb = notebookTask(file, { cache: true });
  const cpu0 = childCpuSeconds();
  const t0 = performance.now();
  const run = await inFlow(() => nb({ n: 20 }));
  cold.push(performance.now() - t0);
  coldCpu.push(childCpuSeconds() - cpu0);
  if (!String(run.executed.cells[3].outputs?.[0]?.text).startsWith('2470'))
    throw new Error('wrong output');
}

configure({
  tracker: new MemoryTracker(),
  logger: silentLogger,
  cacheStore: createMemoryCacheStore(),
});
const nb = notebookTask(file, { cache: true });
const cached: number[] = [];
await inFlow(async () => {
  await nb({ n: 20 });
  const cpu0 = childCpuSeconds();
  for (let i = 0; i < CACHED_RUNS; i++) {
    const t0 = performance.now();
    await nb({ n: 20 });
    cached.push(performance.now() - t0);
  }
  if (childCpuSeconds() !== cpu0) throw new Error('a cached call started a process');
});

const load = loadavg().map((l) => Number(l.toFixed(2)));
report('notebook-task.cold', median(cold), 'ms', {
  runs: COLD_RUNS,
  min: Math.min(...cold),
  max: Math.max(...cold),
  child_cpu_s: Number(median(coldCpu).toFixed(2)),
  load,
});
report('notebook-task.cached', median(cached), 'ms', {
  runs: CACHED_RUNS,
  p90: quantile(cached, 0.9),
  load,
});
