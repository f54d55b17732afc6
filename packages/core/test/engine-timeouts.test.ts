import { afterEach, describe, expect, it } from 'vitest';
import {
  FlowCancelledError,
  FlowTimeoutError,
  Registry,
  TaskCancelledError,
  TaskTimeoutError,
  engineEvents,
  flow,
  getRunContext,
  resetConfiguration,
  task,
} from '../src/index.js';
import { delay, recordEvents } from './helpers/events.js';

afterEach(() => {
  resetConfiguration();
  engineEvents.clear();
});

describe('timeouts', () => {
  it('rejects promptly with TaskTimeoutError even if the body ignores its signal, and aborts the signal', async () => {
    const registry = new Registry();
    let signal: AbortSignal | undefined;
    const stubborn = task(
      async function stubborn() {
        signal = getRunContext()!.signal;
        await delay(5_000); // ignores the signal on purpose
        return 'late';
      },
      { registry, timeoutMs: 30 },
    );
    const rec = recordEvents();
    const started = Date.now();
    const error = await stubborn().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TaskTimeoutError);
    expect((error as TaskTimeoutError).code).toBe('TASK_TIMEOUT');
    expect((error as Error).message).toBe('"stubborn" timed out after 30 ms.');
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(signal?.aborted).toBe(true);
    expect(rec.states('stubborn')).toEqual(['PENDING', 'RUNNING', 'TIMED_OUT']);
  });

  it('retries a timed-out attempt when retries remain', async () => {
    const registry = new Registry();
    let calls = 0;
    const slowOnce = task(
      async function slowOnce() {
        if (++calls === 1) await delay(1_000);
        return calls;
      },
      { registry, timeoutMs: 20, retries: 1 },
    );
    expect(await slowOnce()).toBe(2);
  });

  it('times out a flow: state TimedOut, FlowTimeoutError, running tasks cancelled', async () => {
    const registry = new Registry();
    const slow = task(
      async function slowTask() {
        await delay(5_000);
      },
      { registry },
    );
    const f = flow(
      async function slowFlow() {
        await slow();
      },
      { registry, timeoutMs: 30 },
    );
    const rec = recordEvents();
    const state = await f.run();
    expect(state.type).toBe('TIMED_OUT');
    expect(state.error).toBeInstanceOf(FlowTimeoutError);
    expect(rec.states('slowTask').at(-1)).toBe('CANCELLED');
    await expect(f()).rejects.toBeInstanceOf(FlowTimeoutError);
  });
});

describe('cancellation', () => {
  it('cancels pending and running tasks and rejects with FlowCancelledError', async () => {
    const registry = new Registry();
    const controller = new AbortController();
    const started: number[] = [];
    const work = task(
      async function work(i: number) {
        started.push(i);
        await delay(5_000);
        return i;
      },
      { registry },
    );
    const f = flow(
      async function cancellable() {
        return Promise.all(work.map([1, 2, 3, 4]));
      },
      { registry, maxConcurrency: 2 },
    ).with({ signal: controller.signal });
    const rec = recordEvents();
    const outcome = f().catch((e: unknown) => e);
    await delay(30);
    controller.abort();
    const error = await outcome;
    expect(error).toBeInstanceOf(FlowCancelledError);
    expect(started).toEqual([1, 2]);
    const finals = rec.events.flatMap((e) =>
      e.type === 'run.state' && e.run.name === 'work' && e.state.isFinal() ? [e.state] : [],
    );
    expect(finals).toHaveLength(4);
    expect(
      finals.every((s) => s.type === 'CANCELLED' && s.error instanceof TaskCancelledError),
    ).toBe(true);
    expect(rec.states('cancellable').at(-1)).toBe('CANCELLED');
  });

  it('cancels a flow whose signal is already aborted before any task runs', async () => {
    const registry = new Registry();
    let ran = false;
    const t = task(
      async function never() {
        ran = true;
      },
      { registry },
    );
    const f = flow(
      async function pre() {
        await t();
      },
      { registry, signal: AbortSignal.abort() },
    );
    const state = await f.run();
    expect(state.type).toBe('CANCELLED');
    expect(ran).toBe(false);
  });
});
