// The worker pool: per-task round trip of a trivial task at concurrency 2 (and in-process in the
// same run), how long a 100k × 3 Float64Array argument takes to reach the worker, and how close to
// its deadline a CPU-bound task that ignores its signal is stopped (20 trials).
import { cpus, loadavg } from 'node:os';
import {
  Registry,
  WorkerPoolTaskRunner,
  configure,
  engineEvents,
  flow,
  silentLogger,
  type TaskRunner,
} from '@tideflow/core';
import { median, report } from '../../../scripts/bench-stats.js';
import { arrival, now, spin, trivial } from './pool-tasks.js';

configure({ logger: silentLogger, tracker: false });
const registry = new Registry();
const pool = new WorkerPoolTaskRunner({ threads: 2 });
const load = (): string => loadavg()[0].toFixed(2);
const cpuMs = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

const roundTrips = flow(
  async function roundTrips(n: number) {
    let sum = 0;
    // Two tasks in flight at any time.
    for (let i = 0; i < n; i += 2) {
      const [a, b] = await Promise.all([trivial.submit(i), trivial.submit(i + 1)]);
      sum += a + b;
    }
    return sum;
  },
  { registry },
);

async function perTaskMicros(runner: TaskRunner, n: number): Promise<number> {
  const t0 = performance.now();
  const sum = await roundTrips.with({ taskRunner: runner })(n);
  const us = ((performance.now() - t0) * 1000) / n;
  if (sum !== (n * (n - 1)) / 2) throw new Error('wrong sum');
  return us;
}

const N = 4000;
await perTaskMicros(pool, 1000); // warm the workers and the module import
const poolRuns: number[] = [];
const inProcessRuns: number[] = [];
const cpuBefore = cpuMs();
for (let r = 0; r < 5; r++) {
  poolRuns.push(await perTaskMicros(pool, N));
  inProcessRuns.push(await perTaskMicros(undefined as unknown as TaskRunner, N));
}
const cpuPerTask = ((cpuMs() - cpuBefore) * 1000) / (10 * N);
const poolUs = median(poolRuns);
const inProcessUs = median(inProcessRuns);
report('core.pool_trivial_round_trip', poolUs, 'us', {
  concurrency: 2,
  tasks: N,
  runs: 5,
  in_process_us: Number(inProcessUs.toPrecision(4)),
  ratio_to_in_process: Number((poolUs / inProcessUs).toPrecision(3)),
  main_cpu_us_per_task_both_runners: Number(cpuPerTask.toPrecision(3)),
  goal: '<= 100',
  load: load(),
  cores: cpus().length,
});

const arrive = flow(
  async function arrive(data: Float64Array) {
    const sent = now();
    const started = await arrival.submit(data).result();
    return started - sent;
  },
  { registry, taskRunner: pool },
);
const big = new Float64Array(100_000 * 3).map((_, i) => i);
const tiny = new Float64Array(3).fill(1);
// The first arrivals of a process pay the kernel's page faults on fresh 2.4 MB blocks, until
// freed ones are reused (about 30 here): reported apart, then the steady state is measured.
const coldMs: number[] = [];
for (let r = 0; r < 40; r++) coldMs.push(await arrive(big));
const bigMs: number[] = [];
const tinyMs: number[] = [];
for (let r = 0; r < 21; r++) {
  bigMs.push(await arrive(big));
  tinyMs.push(await arrive(tiny));
}
report('core.pool_arg_100kx3_arrival', median(bigMs), 'ms', {
  trials: 21,
  tiny_arg_ms: Number(median(tinyMs).toPrecision(3)),
  data_cost_ms: Number((median(bigMs) - median(tinyMs)).toPrecision(3)),
  first_10_of_process_ms: Number(median(coldMs.slice(0, 10)).toPrecision(3)),
  goal: '<= 1',
  load: load(),
});

// Timeout precision: a 2 s busy loop with timeoutMs 100; the overshoot is the time from the
// attempt's deadline (Running + 100 ms) to the caller seeing TaskTimeoutError.
const TIMEOUT = 100;
let runningAt = 0;
const unsubscribe = engineEvents.subscribe((e) => {
  if (e.type === 'run.state' && e.state.type === 'RUNNING' && e.run.name === 'benchSpin')
    runningAt = performance.now();
});
const timed = flow(
  async function timed() {
    try {
      await spin.with({ timeoutMs: TIMEOUT }).submit(2_000).result();
      throw new Error('did not time out');
    } catch (error) {
      if ((error as Error).name !== 'TaskTimeoutError') throw error;
      return performance.now() - runningAt - TIMEOUT;
    }
  },
  { registry, taskRunner: pool },
);
const overshoots: number[] = [];
for (let t = 0; t < 20; t++) overshoots.push(await timed());
unsubscribe();
report('core.pool_timeout_overshoot', median(overshoots), 'ms', {
  trials: 20,
  max_ms: Number(Math.max(...overshoots).toPrecision(3)),
  timeout_ms: TIMEOUT,
  goal: 'max <= 50',
  load: load(),
});

await pool.close();
