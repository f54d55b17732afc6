// BullMQTaskRunner against a real redis-server and two `tideflow worker` processes: the engine's
// behaviour (states, retries, errors, cache, tracking, logs) is the same as with the in-process runner.
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  MemoryTracker,
  Registry,
  TaskArgumentError,
  configure,
  createMemoryCacheStore,
  engineEvents,
  flow,
  resetConfiguration,
  silentLogger,
  type EngineEvent,
} from '@tideflow/core';
import { BullMQTaskRunner, TaskNotFoundError } from '../src/index.js';
import { startRedisServer, type RedisServer } from '../../../test/helpers/redis-server.js';
import { startWorkerProcess, type WorkerProcess } from './helpers/workers.js';
import {
  double,
  flaky,
  overQuota,
  reportAndTrack,
  scaleAll,
  square,
  whereDouble,
} from './fixtures/tasks.js';
import { nowhere } from './fixtures/unknown.js';

const TASKS = fileURLToPath(new URL('./fixtures/tasks.ts', import.meta.url));

let redis: RedisServer;
beforeAll(async () => {
  redis = await startRedisServer();
});
afterAll(() => redis?.stop());

afterEach(() => {
  resetConfiguration();
  engineEvents.clear();
});

function setup(): MemoryTracker {
  const tracker = new MemoryTracker();
  configure({ tracker, logger: silentLogger, cacheStore: createMemoryCacheStore() });
  return tracker;
}

/** The states each task went through, by task name. */
function recordStates(): (task: string) => string[] {
  const states = new Map<string, string[]>();
  engineEvents.subscribe((e: EngineEvent) => {
    if (e.type !== 'run.state' || e.run.kind !== 'task') return;
    const list = states.get(e.run.name) ?? [];
    list.push(e.state.type);
    states.set(e.run.name, list);
  });
  return (task) => states.get(task) ?? [];
}

const layouts: [string, string[]][] = [
  ['on their thread pools', ['--threads', '2']],
  ['on their own thread (--threads 0)', ['--threads', '0']],
];

describe.each(layouts)(
  'BullMQTaskRunner with two worker processes running bodies %s',
  (label, threads) => {
    const QUEUE = `runner-${label.includes('pool') ? 'pool' : 'main'}`;
    let workers: WorkerProcess[] = [];
    let runner: BullMQTaskRunner;

    beforeAll(async () => {
      workers = await Promise.all(
        [0, 1].map(() =>
          startWorkerProcess(redis.url, QUEUE, [
            '--module',
            TASKS,
            '--concurrency',
            '4',
            ...threads,
          ]),
        ),
      );
      runner = new BullMQTaskRunner({ connection: redis.url, queue: QUEUE, inlineLimit: 1024 });
    });

    afterAll(async () => {
      await runner?.close();
      await Promise.all(workers.map((w) => w.stop()));
    });

    it('goes Pending → Running → Completed with the body’s result, run on a worker process', async () => {
      setup();
      const states = recordStates();
      const f = flow(
        async function bmDouble() {
          return whereDouble.submit(21).result();
        },
        { taskRunner: runner, registry: new Registry() },
      );
      const result = await f();
      expect(result.value).toBe(42);
      expect(workers.map((w) => w.pid)).toContain(result.pid);
      expect(states('rbWhereDouble')).toEqual(['PENDING', 'RUNNING', 'COMPLETED']);
    });

    it('spreads many tasks over both workers, each result once', async () => {
      setup();
      const f = flow(
        async function bmMany() {
          return Promise.all(Array.from({ length: 200 }, (_, i) => whereDouble.submit(i).result()));
        },
        { taskRunner: runner, registry: new Registry() },
      );
      const results = await f();
      expect(results.map((r) => r.value)).toEqual(Array.from({ length: 200 }, (_, i) => 2 * i));
      expect(new Set(results.map((r) => r.pid)).size).toBe(2);
    });

    it('retries a failing body, each attempt seeing its attempt number', async () => {
      setup();
      const states = recordStates();
      const f = flow(
        async function bmFlaky() {
          return flaky.submit(2).result();
        },
        { taskRunner: runner, registry: new Registry() },
      );
      expect(await f()).toBe(3);
      expect(states('rbFlaky')).toEqual([
        'PENDING',
        'RUNNING',
        'RETRYING',
        'RUNNING',
        'RETRYING',
        'RUNNING',
        'COMPLETED',
      ]);
    });

    it('fails with the body’s error: its name, message and fields', async () => {
      setup();
      const states = recordStates();
      const f = flow(
        async function bmQuota() {
          return overQuota.submit(5).result();
        },
        { taskRunner: runner, registry: new Registry() },
      );
      const error = (await f().catch((e: unknown) => e)) as Error & { code: string; limit: number };
      expect(error.name).toBe('QuotaError');
      expect(error.message).toBe('over the quota of 5');
      expect(error.code).toBe('QUOTA');
      expect(error.limit).toBe(5);
      expect(states('rbOverQuota')).toEqual(['PENDING', 'RUNNING', 'FAILED']);
    });

    it('serves a second call with the same inputs from the cache', async () => {
      setup();
      const states = recordStates();
      const f = flow(
        async function bmCache() {
          return [await square.submit(7).result(), await square.submit(7).result()];
        },
        { taskRunner: runner, registry: new Registry() },
      );
      expect(await f()).toEqual([49, 49]);
      expect(states('rbSquare')).toEqual(['PENDING', 'RUNNING', 'COMPLETED', 'PENDING', 'CACHED']);
    });

    it('passes large typed arrays by reference both ways, and leaves no payload behind', async () => {
      setup();
      const data = new Float64Array(100_000).map((_, i) => i);
      const f = flow(
        async function bmLarge() {
          return scaleAll.submit(data, 2).result();
        },
        { taskRunner: runner, registry: new Registry() },
      );
      const out = await f();
      expect(out).toBeInstanceOf(Float64Array);
      expect(out.length).toBe(100_000);
      expect(out[99_999]).toBe(199_998);
      const { Redis } = await import('ioredis');
      const client = new Redis(redis.url);
      try {
        expect(await client.keys('*:tideflow:blob:*')).toEqual([]);
      } finally {
        client.disconnect();
      }
    });

    it('refuses at submit an argument that cannot cross, naming it', async () => {
      setup();
      const f = flow(
        async function bmUnsendable() {
          return double.submit((() => 1) as unknown as number).result();
        },
        { taskRunner: runner, registry: new Registry() },
      );
      const error = await f().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TaskArgumentError);
      expect((error as Error).message).toContain('rbDouble');
    });

    it('brings logs, track.* calls and the artifact of a worker’s body to the flow’s run', async () => {
      const tracker = setup();
      const f = flow(
        async function bmTracking() {
          return reportAndTrack.submit(4).result();
        },
        { taskRunner: runner, experiment: 'bullmq', registry: new Registry() },
      );
      expect(await f()).toBe(5);
      const experiment = await tracker.getExperimentByName('bullmq');
      const { runs } = await tracker.searchRuns({ experimentIds: [experiment!.experimentId] });
      const run = runs.at(-1)!;
      expect(run.data.params.worker_param).toBe('4');
      expect(run.data.tags.worker_tag).toBe('4');
      const history = await tracker.getMetricHistory(run.info.runId, 'from_worker');
      expect(history.map((p) => [p.step, p.value])).toEqual([[1, 4]]);
      expect(JSON.stringify(await tracker.listArtifacts(run.info.runId))).toContain('note');
      const [taskRun] = await tracker.listTaskRuns(run.info.runId);
      expect(taskRun.state).toBe('COMPLETED');
      const logs = await tracker.getLogs(run.info.runId);
      const line = logs.find((l) => l.message === 'working on a BullMQ worker');
      expect(line?.taskRunId).toBe(taskRun.taskRunId);
    });

    it('fails a task no worker loaded with TaskNotFoundError naming the task and the worker', async () => {
      setup();
      const f = flow(
        async function bmNowhere() {
          return nowhere.submit(1).result();
        },
        { taskRunner: runner, registry: new Registry() },
      );
      const error = (await f().catch((e: unknown) => e)) as TaskNotFoundError;
      expect(error).toBeInstanceOf(TaskNotFoundError);
      expect(error.code).toBe('TASK_NOT_FOUND');
      expect(error.taskName).toBe('rbNowhere');
      expect(workers.map((w) => `:${w.pid}`).some((p) => error.worker.endsWith(p))).toBe(true);
      expect(error.message).toContain('"rbNowhere"');
      expect(error.message).toContain(error.worker);
    });
  },
);
