// Issue 16's throughput figure: trivial tasks through BullMQTaskRunner on two `tideflow worker`
// processes, against bare BullMQ jobs (the same round trip: add, a worker runs it, the completed
// event) on two bare BullMQ worker processes, in the same run and with the same concurrency. The
// runs alternate so that the machine's load falls on both; figures are medians.
// `-- --runs N --tasks N` (default 3 runs of 4000).
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Queue, QueueEvents } from 'bullmq';
import { Redis as IORedis, type Redis } from 'ioredis';
import {
  Registry,
  configure,
  createMemoryCacheStore,
  flow,
  MemoryTracker,
  silentLogger,
} from '@tideflow/core';
import { BullMQTaskRunner } from '@tideflow/runner-bullmq';
import { median, report } from '../../../scripts/bench-stats.js';
import { startRedisServer } from '../../../test/helpers/redis-server.js';
import { trivial } from './bench-tasks.js';

const arg = (name: string, fallback: number): number => {
  const at = process.argv.indexOf(name);
  return at > 0 ? Number(process.argv[at + 1]) : fallback;
};
const runs = arg('--runs', 3);
const tasks = arg('--tasks', 4000);
/** Jobs each worker process runs at once. */
const CONCURRENCY = 20;
/**
 * Jobs in flight: `window` keeps the two workers' capacity busy (each loop submits its next task
 * when the last one is back: the round trip shows); `burst` submits every task at once, as a flow
 * that maps a task over its inputs does (the workers' throughput shows).
 */
const MODES: Record<string, number> = { window: 2 * CONCURRENCY, burst: tasks };

const cli = fileURLToPath(new URL('../../cli/dist/bin.js', import.meta.url));
const bare = fileURLToPath(new URL('./bare-worker.ts', import.meta.url));
const module = fileURLToPath(new URL('./bench-tasks.ts', import.meta.url));

/** Starts a process and resolves once it prints "serving queue". */
function serve(args: string[]): Promise<ChildProcess> {
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('serving queue')) resolve(child);
    });
    child.once('exit', (code) => reject(new Error(`worker exited with ${code}: ${out}`)));
  });
}

async function stop(children: ChildProcess[]): Promise<void> {
  await Promise.all(
    children.map((c) => {
      const exited = new Promise((resolve) => c.once('exit', resolve));
      c.kill('SIGKILL');
      return exited;
    }),
  );
}

interface Run {
  readonly perSecond: number;
  readonly p50Ms: number;
  /** CPU time of this (the flow's) process per task, in µs. */
  readonly cpuUs: number;
  /** CPU time of the two worker processes per task, in µs. */
  readonly workerCpuUs: number;
  /** CPU time of redis-server per task, in µs. */
  readonly redisCpuUs: number;
}

/** CPU seconds (user + system) of process `pid`, from /proc (NaN elsewhere). */
function processCpu(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return Number.NaN;
  }
}

/** CPU seconds of redis-server so far (its INFO cpu section). */
async function redisCpu(): Promise<number> {
  const info = await probe.info('cpu');
  const field = (name: string) => Number(new RegExp(`${name}:([\\d.]+)`).exec(info)?.[1]);
  return field('used_cpu_sys') + field('used_cpu_user');
}

/** The worker processes of the run in progress (their CPU time is counted per run). */
let serving: ChildProcess[] = [];

/** `inFlight` loops, each running `one(i)` until `tasks` are done. */
async function drive(inFlight: number, one: (i: number) => Promise<unknown>): Promise<Run> {
  const latencies: number[] = [];
  let next = 0;
  const workersBefore = serving.reduce((sum, c) => sum + processCpu(c.pid!), 0);
  const redisBefore = await redisCpu();
  const started = performance.now();
  const cpu = process.cpuUsage();
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (next < tasks) {
        const i = next++;
        const t0 = performance.now();
        await one(i);
        latencies.push(performance.now() - t0);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  const workerCpuUs =
    ((serving.reduce((sum, c) => sum + processCpu(c.pid!), 0) - workersBefore) * 1e6) / tasks;
  const redisCpuUs = (((await redisCpu()) - redisBefore) * 1e6) / tasks;
  return {
    perSecond: tasks / seconds,
    p50Ms: median(latencies),
    cpuUs: (used.user + used.system) / tasks,
    workerCpuUs,
    redisCpuUs,
  };
}

const redis = await startRedisServer();
const { hostname, port } = new URL(redis.url);
const connection = { host: hostname, port: Number(port), maxRetriesPerRequest: null };
const probe = new IORedis(connection);

/** Bare BullMQ: add a job, wait for its completed event. */
async function bareRun(queueName: string, inFlight: number): Promise<Run> {
  serving = bareWorkers;
  // The events stream as long as BullMQTaskRunner makes it, so that a burst loses no completion.
  const queue = new Queue(queueName, { connection, streams: { events: { maxLen: 100_000 } } });
  // Events from the server's clock now: reading from the stream's end would miss early completions.
  const [sec, micro] = await ((await queue.client) as unknown as Redis).time();
  const lastEventId = `${Number(sec) * 1000 + Math.floor(Number(micro) / 1000) - 1}-0`;
  const events = new QueueEvents(queueName, { connection, lastEventId });
  await events.waitUntilReady();
  const waiting = new Map<string, () => void>();
  events.on('completed', ({ jobId }) => {
    waiting.get(jobId)?.();
    waiting.delete(jobId);
  });
  try {
    return await drive(inFlight, async (i) => {
      const jobId = `b-${i}`;
      const done = new Promise<void>((resolve) => waiting.set(jobId, resolve));
      await queue.add('bare', { x: i }, { jobId, removeOnComplete: true, removeOnFail: true });
      await done;
    });
  } finally {
    await events.close();
    await queue.close();
  }
}

/** tideflow: a flow whose tasks each `.submit(i).result()` through the BullMQ runner. */
async function tideflowRun(queueName: string, inFlight: number): Promise<Run> {
  serving = tideflowWorkers;
  configure({
    tracker: new MemoryTracker(),
    logger: silentLogger,
    cacheStore: createMemoryCacheStore(),
  });
  const runner = new BullMQTaskRunner({ connection: redis.url, queue: queueName });
  try {
    const f = flow(
      async function benchThroughput() {
        return drive(inFlight, (i) => trivial.submit(i).result());
      },
      { taskRunner: runner, registry: new Registry() },
    );
    return await f();
  } finally {
    await runner.close();
  }
}

const bareWorkers = await Promise.all(
  [0, 1].map(() => serve(['--import', 'tsx', bare, redis.url, 'bench-bare', String(CONCURRENCY)])),
);
const tideflowWorkers = await Promise.all(
  [0, 1].map(() =>
    serve([
      cli,
      'worker',
      '--queue',
      'bench-tideflow',
      '--redis',
      redis.url,
      '--module',
      module,
      '--concurrency',
      String(CONCURRENCY),
      // Trivial bodies: on the worker's own thread, as the bare worker runs them.
      '--threads',
      '0',
    ]),
  ),
);
try {
  // One short warm-up of each (connections, JIT).
  await bareRun('bench-bare', MODES.window);
  await tideflowRun('bench-tideflow', MODES.window);
  const rate = (xs: Run[]) => median(xs.map((x) => x.perSecond));
  const p50 = (xs: Run[]) => Number(median(xs.map((x) => x.p50Ms)).toFixed(2));
  const shown = (xs: Run[]) => xs.map((x) => Math.round(x.perSecond));
  const cpuUs = (xs: Run[]) => Math.round(median(xs.map((x) => x.cpuUs)));
  const cpuOf = (xs: Run[]) => ({
    flow_cpu_us_per_task: cpuUs(xs),
    workers_cpu_us_per_task: Math.round(median(xs.map((x) => x.workerCpuUs))),
    redis_cpu_us_per_task: Math.round(median(xs.map((x) => x.redisCpuUs))),
  });
  for (const [mode, inFlight] of Object.entries(MODES)) {
    const bareRuns: Run[] = [];
    const tideflowRuns: Run[] = [];
    for (let r = 0; r < runs; r++) {
      bareRuns.push(await bareRun('bench-bare', inFlight));
      tideflowRuns.push(await tideflowRun('bench-tideflow', inFlight));
    }
    const common = { tasks, in_flight: inFlight, concurrency: CONCURRENCY, workers: 2 };
    report(`bullmq.trivial.${mode}.bare`, rate(bareRuns), 'jobs/s', {
      p50_ms: p50(bareRuns),
      ...cpuOf(bareRuns),
      runs: shown(bareRuns),
      ...common,
    });
    report(`bullmq.trivial.${mode}.tideflow`, rate(tideflowRuns), 'tasks/s', {
      p50_ms: p50(tideflowRuns),
      ...cpuOf(tideflowRuns),
      runs: shown(tideflowRuns),
      ...common,
      threads: 0,
      goal: '>= 2000',
    });
    // Each bare run next to the tideflow run after it: the machine's slow spells fall on both.
    const paired = bareRuns.map((b, i) => b.perSecond / tideflowRuns[i].perSecond - 1);
    report(`bullmq.trivial.${mode}.overhead`, rate(bareRuns) / rate(tideflowRuns) - 1, 'ratio', {
      paired_median: Number(median(paired).toFixed(4)),
      paired: paired.map((x) => Number(x.toFixed(2))),
      goal: '<= 0.20',
    });
  }
} finally {
  probe.disconnect();
  await stop([...bareWorkers, ...tideflowWorkers]);
  await redis.stop();
}
