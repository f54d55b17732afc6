// Faults with a real redis-server and real worker processes: a worker killed with SIGKILL while it
// holds jobs, a cancelled flow, and Redis going away (for good, empty, or coming back in time).
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Queue } from 'bullmq';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  MemoryTracker,
  Registry,
  configure,
  createMemoryCacheStore,
  engineEvents,
  flow,
  resetConfiguration,
  silentLogger,
  type EngineEvent,
} from '@tideflow/core';
import { BullMQTaskRunner, RedisUnavailableError } from '../src/index.js';
import { controlledRedis, type ControlledRedis } from './helpers/redis.js';
import { startWorkerProcess, type WorkerProcess } from './helpers/workers.js';
import { double, logged, untilAborted, waitAndMark } from './fixtures/tasks.js';

const TASKS = fileURLToPath(new URL('./fixtures/tasks.ts', import.meta.url));
const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The lines of `file` (none while it does not exist). */
function lines(file: string): string[] {
  return existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean) : [];
}

/** Waits until `condition()` holds, for at most `ms`. */
async function until(condition: () => boolean, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await delay(50);
  }
}

function tempFile(): string {
  return join(mkdtempSync(join(tmpdir(), 'tideflow-faults-')), 'marks.txt');
}

/** Task runs that ended in each state, by state type. */
function finalStates(task: string): () => Record<string, number> {
  const counts: Record<string, number> = {};
  engineEvents.subscribe((e: EngineEvent) => {
    if (e.type === 'run.state' && e.run.name === task && e.state.isFinal())
      counts[e.state.type] = (counts[e.state.type] ?? 0) + 1;
  });
  return () => counts;
}

afterEach(() => {
  resetConfiguration();
  engineEvents.clear();
});

function setup(): void {
  configure({
    tracker: new MemoryTracker(),
    logger: silentLogger,
    cacheStore: createMemoryCacheStore(),
  });
}

describe('worker faults (two worker processes)', () => {
  const QUEUE = 'faults-workers';
  let redis: ControlledRedis;
  let workers: WorkerProcess[] = [];
  let runner: BullMQTaskRunner;
  let queue: Queue;

  beforeAll(async () => {
    redis = await controlledRedis();
    workers = await Promise.all(
      [0, 1].map(() =>
        startWorkerProcess(redis.url, QUEUE, [
          '--module',
          TASKS,
          '--concurrency',
          '3',
          '--threads',
          '3',
        ]),
      ),
    );
    runner = new BullMQTaskRunner({ connection: redis.url, queue: QUEUE });
    queue = new Queue(QUEUE, {
      connection: { host: '127.0.0.1', port: Number(new URL(redis.url).port) },
    });
  });

  afterAll(async () => {
    await runner?.close();
    await queue?.close();
    await Promise.all(workers.map((w) => w.stop('SIGKILL')));
    await redis?.stop();
  });

  it('hands the jobs of a worker killed with SIGKILL to the other: every result once, bodies at least once', async () => {
    setup();
    const file = tempFile();
    const ended = finalStates('rbLogged');
    const ids = [0, 1, 2, 3, 4, 5];
    const f = flow(
      async function killedWorker() {
        return Promise.all(ids.map((id) => logged.submit(file, id, 2500).result()));
      },
      { taskRunner: runner, registry: new Registry() },
    );
    const outcome = f();
    // Both workers hold three jobs each.
    await until(
      () => new Set(lines(file).map((l) => l.split(' ')[0])).size === 2 && lines(file).length === 6,
      15_000,
      'six running jobs',
    );
    const victim = workers[0];
    const held = lines(file)
      .filter((l) => l.startsWith(`${victim.pid} `))
      .map((l) => Number(l.split(' ')[1]));
    expect(held.length).toBeGreaterThan(0);
    await victim.stop('SIGKILL');
    expect(await outcome).toEqual(ids);
    expect(ended()).toEqual({ COMPLETED: 6 });
    // The killed worker's jobs ran again on the survivor: at least once, never lost.
    const survivor = workers[1].pid;
    for (const id of held) expect(lines(file)).toContain(`${survivor} ${id}`);
    for (const id of ids)
      expect(lines(file).filter((l) => l.endsWith(` ${id}`)).length).toBeGreaterThanOrEqual(1);
  }, 40_000);

  it('cancelling the flow removes its queued jobs and stops the running ones', async () => {
    setup();
    const file = tempFile();
    const ended = finalStates('rbWaitAndMark');
    const controller = new AbortController();
    const f = flow(
      async function cancelledOnWorkers() {
        return Promise.all(
          Array.from({ length: 5 }, () => waitAndMark.submit(file, 8000).result()),
        );
      },
      { taskRunner: runner, signal: controller.signal, registry: new Registry() },
    );
    const outcome = f().catch((e: unknown) => e);
    // The surviving worker runs three; two wait in the queue.
    await until(() => lines(file).length === 3, 15_000, 'three running jobs');
    expect((await queue.getJobCounts('wait')).wait).toBe(2);
    controller.abort();
    expect(await outcome).toBeInstanceOf(Error);
    expect(ended()).toEqual({ CANCELLED: 5 });
    const end = Date.now() + 5000;
    let counts = await queue.getJobCounts('wait', 'active', 'delayed');
    while ((counts.wait || counts.active || counts.delayed) && Date.now() < end) {
      await delay(100);
      counts = await queue.getJobCounts('wait', 'active', 'delayed');
    }
    expect(counts).toEqual({ wait: 0, active: 0, delayed: 0 });
    await delay(500);
    expect(lines(file).filter((l) => l.startsWith('end'))).toEqual([]);
    expect(lines(file).length).toBe(3);
  }, 40_000);

  it('a task past its timeoutMs is stopped on its worker and ends TimedOut', async () => {
    setup();
    const file = tempFile();
    const ended = finalStates('rbWaitAndMark');
    const f = flow(
      async function timedOutOnWorker() {
        return waitAndMark.with({ timeoutMs: 1000 }).submit(file, 6000).result();
      },
      { taskRunner: runner, registry: new Registry() },
    );
    const error = (await f().catch((e: unknown) => e)) as Error & { code: string };
    expect(error.code).toBe('TASK_TIMEOUT');
    expect(ended()).toEqual({ TIMED_OUT: 1 });
    const end = Date.now() + 5000;
    while ((await queue.getJobCounts('active')).active && Date.now() < end) await delay(100);
    expect((await queue.getJobCounts('active')).active).toBe(0);
    await delay(500);
    expect(lines(file)).toEqual([expect.stringMatching(/^start /)]);
  }, 30_000);
});

describe('Redis going away mid-flow', () => {
  it('resumes when Redis comes back within connectionTimeoutMs', async () => {
    setup();
    const redis = await controlledRedis({ persist: true });
    const worker = await startWorkerProcess(redis.url, 'faults-resume', [
      '--module',
      TASKS,
      '--concurrency',
      '2',
    ]);
    const runner = new BullMQTaskRunner({
      connection: redis.url,
      queue: 'faults-resume',
      connectionTimeoutMs: 15_000,
    });
    try {
      const file = tempFile();
      const f = flow(
        async function resumesAfterRedis() {
          return Promise.all([
            waitAndMark.submit(file, 2500).result(),
            waitAndMark.submit(file, 2500).result(),
          ]);
        },
        { taskRunner: runner, registry: new Registry() },
      );
      const outcome = f();
      await until(() => lines(file).length === 2, 15_000, 'two running jobs');
      await redis.stop();
      await delay(1000);
      await redis.start();
      expect(await outcome).toEqual(['done', 'done']);
    } finally {
      await runner.close();
      await worker.stop('SIGKILL');
      await redis.stop();
    }
  }, 40_000);

  it('fails cleanly when Redis comes back without the jobs, and when it does not come back', async () => {
    setup();
    const redis = await controlledRedis();
    const worker = await startWorkerProcess(redis.url, 'faults-gone', [
      '--module',
      TASKS,
      '--concurrency',
      '2',
    ]);
    const runner = new BullMQTaskRunner({
      connection: redis.url,
      queue: 'faults-gone',
      connectionTimeoutMs: 1500,
    });
    try {
      const file = tempFile();
      const once = flow(
        async function lostJobs() {
          return waitAndMark.submit(file, 3000).result();
        },
        { taskRunner: runner, registry: new Registry() },
      );
      // Restarted empty (no persistence): the job is gone, so its task fails instead of waiting.
      let outcome = once().catch((e: unknown) => e);
      await until(() => lines(file).length === 1, 15_000, 'a running job');
      await redis.stop('SIGKILL');
      await redis.start();
      let error = (await outcome) as RedisUnavailableError;
      expect(error).toBeInstanceOf(RedisUnavailableError);
      expect(error.message).toContain('vanished');
      expect(error.message).toContain('rbWaitAndMark');
      // Gone for good: the task fails after connectionTimeoutMs, naming Redis and the option.
      outcome = once().catch((e: unknown) => e);
      await until(() => lines(file).length === 2, 15_000, 'a second running job');
      const stopped = Date.now();
      await redis.stop('SIGKILL');
      error = (await outcome) as RedisUnavailableError;
      expect(error).toBeInstanceOf(RedisUnavailableError);
      expect(error.message).toContain(new URL(redis.url).port);
      expect(error.message).toContain('connectionTimeoutMs');
      expect(Date.now() - stopped).toBeLessThan(10_000);
    } finally {
      await runner.close();
      await worker.stop('SIGKILL');
      await redis.stop();
    }
  }, 60_000);
});

describe('a completion the events reader never sees', () => {
  it('still reaches the flow: the runner reads it from the finished job, which BullMQ keeps', async () => {
    setup();
    const redis = await controlledRedis();
    const worker = await startWorkerProcess(redis.url, 'faults-trimmed', [
      '--module',
      TASKS,
      '--concurrency',
      '4',
      '--threads',
      '0',
    ]);
    const runner = new BullMQTaskRunner({ connection: redis.url, queue: 'faults-trimmed' });
    const { Redis } = await import('ioredis');
    const trimmer = new Redis(redis.url);
    let trimming = true;
    let trimmed = 0;
    try {
      const f = flow(
        async function trimmedEvents() {
          return Promise.all(Array.from({ length: 20 }, (_, i) => double.submit(i).result()));
        },
        { taskRunner: runner, registry: new Registry() },
      );
      // Every event is deleted as soon as it is written: no completion reaches the reader.
      const hammer = (async () => {
        while (trimming)
          trimmed += Number(await trimmer.xtrim('bull:faults-trimmed:events', 'MAXLEN', 0));
      })();
      // The outcomes the events never brought are read from the finished jobs.
      const read = vi.spyOn(Queue.prototype, 'getJob');
      const outcome = f();
      expect(await outcome).toEqual(Array.from({ length: 20 }, (_, i) => 2 * i));
      const finished = await Promise.all(
        read.mock.results.map((r) => (r.value as ReturnType<Queue['getJob']>).catch(() => null)),
      );
      read.mockRestore();
      expect(finished.filter((j) => j?.finishedOn !== undefined).length).toBeGreaterThan(0);
      trimming = false;
      await hammer;
      expect(trimmed).toBeGreaterThan(0);
    } finally {
      trimming = false;
      trimmer.disconnect();
      await runner.close();
      await worker.stop('SIGKILL');
      await redis.stop();
    }
  }, 60_000);
});

describe('a cancelled flow on a worker without threads', () => {
  it('aborts the signal a running body holds', async () => {
    setup();
    const redis = await controlledRedis();
    const worker = await startWorkerProcess(redis.url, 'faults-unthreaded', [
      '--module',
      TASKS,
      '--concurrency',
      '2',
      '--threads',
      '0',
    ]);
    const runner = new BullMQTaskRunner({ connection: redis.url, queue: 'faults-unthreaded' });
    const file = tempFile();
    const controller = new AbortController();
    try {
      const f = flow(
        async function cancelledUnthreaded() {
          return Promise.all([0, 1].map(() => untilAborted.submit(file, 20_000).result()));
        },
        { taskRunner: runner, signal: controller.signal, registry: new Registry() },
      );
      const outcome = f().catch((e: unknown) => e);
      await until(() => lines(file).length === 2, 15_000, 'two running bodies');
      controller.abort();
      expect(await outcome).toBeInstanceOf(Error);
      await until(() => lines(file).length === 6, 5000, 'both bodies aborted and ended');
      expect(lines(file).filter((l) => l.startsWith('aborted'))).toEqual([
        'aborted cancelled by its flow',
        'aborted cancelled by its flow',
      ]);
    } finally {
      await runner.close();
      await worker.stop('SIGKILL');
      await redis.stop();
    }
  }, 60_000);
});
