import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  ConsoleLogger,
  Registry,
  configure,
  engineEvents,
  exponentialBackoff,
  flow,
  resetConfiguration,
  task,
  InvalidOptionError,
  type HookContext,
} from '../src/index.js';
import { retryDelay } from '../src/engine/retry.js';
import { recordEvents } from './helpers/events.js';

afterEach(() => {
  resetConfiguration();
  engineEvents.clear();
});

describe('retries', () => {
  it('retries a failing task and records Retrying states', async () => {
    const registry = new Registry();
    let calls = 0;
    const flaky = task(
      async function flaky() {
        calls++;
        if (calls < 3) throw new Error(`boom ${calls}`);
        return 'ok';
      },
      { registry, retries: 2 },
    );
    const rec = recordEvents();
    expect(await flaky()).toBe('ok');
    expect(calls).toBe(3);
    expect(rec.states('flaky')).toEqual([
      'PENDING',
      'RUNNING',
      'RETRYING',
      'RUNNING',
      'RETRYING',
      'RUNNING',
      'COMPLETED',
    ]);
  });

  it('fails with the last error when retries run out', async () => {
    const registry = new Registry();
    let calls = 0;
    const always = task(
      async function always() {
        throw new Error(`fail ${++calls}`);
      },
      { registry, retries: 1 },
    );
    const rec = recordEvents();
    await expect(always()).rejects.toThrow('fail 2');
    expect(rec.states('always').at(-1)).toBe('FAILED');
  });

  it('passes the retry number to a delay function and uses array delays in order', async () => {
    const registry = new Registry();
    const seen: number[] = [];
    let calls = 0;
    const t = task(
      async function delayed() {
        if (++calls < 4) throw new Error('again');
        return calls;
      },
      {
        registry,
        retries: 3,
        retryDelayMs: (attempt) => {
          seen.push(attempt);
          return 1;
        },
      },
    );
    expect(await t()).toBe(4);
    expect(seen).toEqual([1, 2, 3]);
    expect(retryDelay([10, 20], 1)).toBe(10);
    expect(retryDelay([10, 20], 2)).toBe(20);
    expect(retryDelay([10, 20], 5)).toBe(20);
    expect(retryDelay(undefined, 1)).toBe(0);
  });

  it('spreads delays with jitter within ±factor and doubles with exponentialBackoff', () => {
    expect(retryDelay(100, 1, 0.5, () => 0)).toBe(50);
    expect(retryDelay(100, 1, 0.5, () => 1)).toBe(150);
    expect(retryDelay(100, 1, 0.5, () => 0.5)).toBe(100);
    const backoff = exponentialBackoff(10, 50);
    expect([1, 2, 3, 4].map(backoff)).toEqual([10, 20, 40, 50]);
    expect(() => exponentialBackoff(-1)).toThrow(InvalidOptionError);
  });

  it('stops retrying when retryCondition says no', async () => {
    const registry = new Registry();
    let calls = 0;
    const t = task(
      async function conditional() {
        calls++;
        throw new TypeError('not retryable');
      },
      { registry, retries: 5, retryCondition: (error) => !(error instanceof TypeError) },
    );
    await expect(t()).rejects.toThrow(TypeError);
    expect(calls).toBe(1);
  });

  it('retries flows too', async () => {
    const registry = new Registry();
    let calls = 0;
    const f = flow(
      async function flakyFlow() {
        if (++calls === 1) throw new Error('first');
        return calls;
      },
      { registry, retries: 1 },
    );
    const state = await f.run();
    expect(state.type).toBe('COMPLETED');
    expect(state.result()).toBe(2);
  });
});

describe('hooks', () => {
  it('calls onRetry, onFailure and onCompletion with the state, and logs hook errors', async () => {
    const registry = new Registry();
    const lines: string[] = [];
    configure({ logger: new ConsoleLogger({ write: (l) => lines.push(l) }) });
    const seen: string[] = [];
    const record = (ctx: HookContext) => {
      seen.push(`${ctx.name}:${ctx.state.name}:${ctx.attempt}`);
    };
    let calls = 0;
    const t = task(
      async function hooked(x: number) {
        if (++calls === 1) throw new Error('once');
        return x;
      },
      {
        registry,
        retries: 1,
        onRetry: record,
        onCompletion: [
          record,
          () => {
            throw new Error('hook bug');
          },
        ],
      },
    );
    expect(await t(7)).toBe(7);
    expect(seen).toEqual(['hooked:Retrying:1', 'hooked:Completed:2']);
    expect(lines.some((l) => l.includes('ERROR') && l.includes('hook of "hooked" failed'))).toBe(
      true,
    );

    const failing = task(
      async function failing() {
        throw new Error('nope');
      },
      {
        registry,
        onFailure: async (ctx) =>
          void seen.push(`${ctx.state.name}:${String((ctx.state.error as Error).message)}`),
      },
    );
    await expect(failing()).rejects.toThrow('nope');
    expect(seen.at(-1)).toBe('Failed:nope');
  });

  it('does not call hooks that were not configured (no spurious calls)', async () => {
    const registry = new Registry();
    const spy = vi.fn();
    const t = task(
      async function ok() {
        return 1;
      },
      { registry, onFailure: spy },
    );
    await t();
    expect(spy).not.toHaveBeenCalled();
  });
});
