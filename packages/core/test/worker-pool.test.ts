// What only a worker pool does: refuse arguments that cannot cross, stop CPU-bound bodies on
// timeout and cancellation, survive workers that die, and come from the TIDEFLOW_TASK_RUNNER setting.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import {
  InvalidOptionError,
  Registry,
  TaskArgumentError,
  TaskCancelledError,
  TaskTimeoutError,
  WorkerCrashedError,
  WorkerPoolTaskRunner,
  asTask,
  configure,
  engineEvents,
  flow,
  getConfig,
  resetConfiguration,
  silentLogger,
  task,
} from '../src/index.js';
import { delay, recordEvents } from './helpers/events.js';
import {
  Unsendable,
  busy,
  double,
  exhaustMemory,
  exitOnce,
  exitWorker,
  inspectBuffers,
} from './fixtures/pool/tasks.js';

const pool = new WorkerPoolTaskRunner({ threads: 2 });
afterAll(() => pool.close());
afterEach(() => {
  resetConfiguration();
  engineEvents.clear();
});

/** A flow on `runner` (a fresh registry: each test defines its own). */
function poolFlow<A extends unknown[], R>(
  fn: (...args: A) => Promise<R>,
  runner: WorkerPoolTaskRunner = pool,
) {
  return flow(fn, { taskRunner: runner, registry: new Registry() });
}

/** A progress counter in shared memory that a busy body bumps while it runs. */
const progressCounter = (): Int32Array => new Int32Array(new SharedArrayBuffer(4));

describe('tasks addressable out of process', () => {
  it('records the module that defines a task, for decorated methods too', () => {
    const here = task(
      function definedHere(x: number) {
        return x;
      },
      { registry: new Registry() },
    );
    expect(here.definition.module).toBe(import.meta.url);
    const fixture = new URL('./fixtures/pool/tasks.ts', import.meta.url).href;
    expect(double.definition.module).toBe(fixture);
    expect(asTask(new Unsendable(1).scale).definition.module).toBe(fixture);
    expect(double.with({ retries: 1 }).definition.module).toBe(fixture);
    const explicit = task(function explicitModule() {}, {
      module: '/srv/app/tasks.js',
      registry: new Registry(),
    });
    expect(explicit.definition.module).toBe('file:///srv/app/tasks.js');
  });

  it('rejects a module option that is neither a URL nor an absolute path', () => {
    expect(() =>
      task(function badModule() {}, { module: 'relative/path.js', registry: new Registry() }),
    ).toThrow(InvalidOptionError);
  });
});

describe('a program that runs through tsx', () => {
  it('uses the pool: the worker loads one copy of the engine, not a second one through tsx', () => {
    const script = fileURLToPath(new URL('./fixtures/pool/under-tsx.ts', import.meta.url));
    const out = execFileSync(process.execPath, ['--import', 'tsx', script], {
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(JSON.parse(out)).toEqual([8, 10]);
  });
});

describe('arguments that cannot reach a worker', () => {
  it('throws TaskArgumentError from .submit(), naming the argument, and the run ends Failed', async () => {
    configure({ logger: silentLogger });
    const rec = recordEvents();
    const f = poolFlow(async function closureArgument() {
      return double.submit((() => 1) as unknown as number);
    });
    const error = (await f().catch((e: unknown) => e)) as TaskArgumentError;
    expect(error).toBeInstanceOf(TaskArgumentError);
    expect(error.argument).toBe('x');
    expect(error.message).toContain('"x" (argument 0)');
    expect(error.message).toContain('function');
    expect(rec.states('poolDouble')).toEqual(['PENDING', 'FAILED']);
  });

  it('names `this` when a method’s instance has no serializer', async () => {
    configure({ logger: silentLogger });
    const instance = new Unsendable(2);
    const f = poolFlow(async function unsendableThis() {
      return asTask(instance.scale).submit(1);
    });
    const error = (await f().catch((e: unknown) => e)) as TaskArgumentError;
    expect(error).toBeInstanceOf(TaskArgumentError);
    expect(error.argument).toBe('this');
    expect(error.message).toContain('registerSerializer(Unsendable');
  });

  it('refuses a task whose module is the program’s entry (a worker would run the program again)', async () => {
    configure({ logger: silentLogger });
    const argv1 = process.argv[1];
    process.argv[1] = new URL('./fixtures/pool/tasks.ts', import.meta.url).pathname;
    try {
      const f = poolFlow(async function entryModule() {
        return double.submit(1);
      });
      await expect(f()).rejects.toThrow(/entry module/);
    } finally {
      process.argv[1] = argv1;
    }
  });
});

describe('hard timeouts and cancellation', () => {
  it('sends large buffers as copies: the caller keeps its data, views keep sharing, a retry gets it all', async () => {
    const whole = Float64Array.from({ length: 50_000 }, (_, i) => i);
    const tail = whole.subarray(40_000);
    const bytes = new Uint8Array(100_000).fill(7);
    const f = poolFlow(async function largeBuffers() {
      return inspectBuffers.submit({ whole, tail, bytes }, true).result();
    });
    const seen = await f();
    expect(seen).toMatchObject({
      sum: (50_000 * 49_999) / 2,
      tailStart: 40_000,
      tailLength: 10_000,
      sharesBuffer: true,
      bytesType: 'Uint8Array',
      bytesLast: 7,
    });
    // The caller's arrays are neither detached nor changed; the result is a copy of its own.
    expect(whole.length).toBe(50_000);
    expect(whole[49_999]).toBe(49_999);
    expect(bytes.length).toBe(100_000);
    expect(seen.echo).not.toBe(whole);
    expect(seen.echo).toEqual(whole);
  });

  it('stops a CPU-bound body past timeoutMs: TimedOut with TaskTimeoutError, its thread stopped', async () => {
    configure({ logger: silentLogger });
    const rec = recordEvents();
    const progress = progressCounter();
    const f = poolFlow(async function hardTimeout() {
      return busy.with({ timeoutMs: 150 }).submit(20_000, progress).result();
    });
    const started = Date.now();
    const error = await f().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TaskTimeoutError);
    // The 20 s body did not run to its end (the precision is measured in the benchmark).
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(rec.states('poolBusy')).toEqual(['PENDING', 'RUNNING', 'TIMED_OUT']);
    // Its thread was terminated: the counter stops moving.
    await delay(100);
    const after = Atomics.load(progress, 0);
    await delay(200);
    expect(Atomics.load(progress, 0)).toBe(after);
    // And the pool goes on with a replacement worker.
    const again = poolFlow(async function afterTimeout() {
      return Promise.all([double.submit(1).result(), double.submit(2).result()]);
    });
    expect(await again()).toEqual([2, 4]);
  });

  it('stops the running tasks of a cancelled flow run', async () => {
    configure({ logger: silentLogger });
    const rec = recordEvents();
    const progress = progressCounter();
    const controller = new AbortController();
    const f = flow(
      async function cancelledFlow() {
        const running = busy.submit(20_000, progress);
        await running.result();
      },
      { taskRunner: pool, signal: controller.signal, registry: new Registry() },
    );
    const outcome = f().catch((e: unknown) => e);
    while (Atomics.load(progress, 0) === 0) await delay(10);
    controller.abort();
    await outcome;
    expect(rec.states('poolBusy').at(-1)).toBe('CANCELLED');
    await delay(100);
    const after = Atomics.load(progress, 0);
    await delay(200);
    expect(Atomics.load(progress, 0)).toBe(after);
  });

  it('gives the body’s error to a cancelled task as TaskCancelledError', async () => {
    configure({ logger: silentLogger });
    const controller = new AbortController();
    const progress = progressCounter();
    let taskError: unknown;
    const f = flow(
      async function cancelledTaskError() {
        const running = busy.submit(20_000, progress);
        taskError = await running.result().catch((e: unknown) => e);
      },
      { taskRunner: pool, signal: controller.signal, registry: new Registry() },
    );
    const outcome = f().catch(() => undefined);
    while (Atomics.load(progress, 0) === 0) await delay(10);
    controller.abort();
    await outcome;
    expect(taskError).toBeInstanceOf(TaskCancelledError);
  });
});

describe('workers that die', () => {
  it('fails only the task whose worker exited, with WorkerCrashedError', async () => {
    configure({ logger: silentLogger });
    const rec = recordEvents();
    const f = poolFlow(async function exitingWorker() {
      const dying = exitWorker.submit(3);
      const living = double.submit(8);
      return [await dying.result().catch((e: unknown) => e), await living.result()];
    });
    const [error, value] = (await f()) as [WorkerCrashedError, number];
    expect(error).toBeInstanceOf(WorkerCrashedError);
    expect(error.message).toContain('poolExitWorker');
    expect(error.message).toMatch(/exit/i);
    expect(value).toBe(16);
    expect(rec.states('poolExitWorker')).toEqual(['PENDING', 'RUNNING', 'FAILED']);
  });

  it('retries a task whose worker died', async () => {
    configure({ logger: silentLogger });
    const rec = recordEvents();
    const calls = new Int32Array(new SharedArrayBuffer(4));
    const f = poolFlow(async function retriedAfterExit() {
      return exitOnce.submit(calls).result();
    });
    expect(await f()).toBe('survived');
    expect(rec.states('poolExitOnce')).toEqual([
      'PENDING',
      'RUNNING',
      'RETRYING',
      'RUNNING',
      'COMPLETED',
    ]);
  });

  it('fails a task that runs out of memory under resourceLimits, with WorkerCrashedError', async () => {
    configure({ logger: silentLogger });
    const small = new WorkerPoolTaskRunner({
      threads: 1,
      resourceLimits: { maxOldGenerationSizeMb: 48, maxYoungGenerationSizeMb: 8 },
    });
    try {
      const f = poolFlow(async function outOfMemory() {
        const error = await exhaustMemory
          .submit()
          .result()
          .catch((e: unknown) => e);
        return [error, await double.submit(5).result()];
      }, small);
      const [error, value] = (await f()) as [WorkerCrashedError, number];
      expect(error).toBeInstanceOf(WorkerCrashedError);
      expect(error.message).toMatch(/memory/i);
      expect(value).toBe(10);
    } finally {
      await small.close();
    }
  });
});

describe('choosing the runner', () => {
  it('TIDEFLOW_TASK_RUNNER=workers:N makes a pool of N threads the default runner', () => {
    process.env.TIDEFLOW_TASK_RUNNER = 'workers:2';
    try {
      const runner = getConfig().taskRunner as WorkerPoolTaskRunner;
      expect(runner).toBeInstanceOf(WorkerPoolTaskRunner);
      expect(runner.threads).toBe(2);
      expect(runner.name).toBe('workers:2');
    } finally {
      delete process.env.TIDEFLOW_TASK_RUNNER;
    }
  });

  it('a bad TIDEFLOW_TASK_RUNNER is an InvalidOptionError naming the variable', () => {
    for (const bad of ['workers:0', 'workers:two', 'threads', 'workers:1.5']) {
      process.env.TIDEFLOW_TASK_RUNNER = bad;
      try {
        resetConfiguration();
        expect(() => getConfig()).toThrow(InvalidOptionError);
        expect(() => getConfig()).toThrow(/TIDEFLOW_TASK_RUNNER.*workers:N/);
      } finally {
        delete process.env.TIDEFLOW_TASK_RUNNER;
      }
    }
  });

  it('configure({ taskRunner }) takes the setting’s form and in-process means no pool', () => {
    configure({ taskRunner: 'workers:1' });
    expect(getConfig().taskRunner?.name).toBe('workers:1');
    configure({ taskRunner: 'in-process' });
    expect(getConfig().taskRunner).toBeUndefined();
    expect(() => new WorkerPoolTaskRunner({ threads: 0 })).toThrow(InvalidOptionError);
  });
});
