import { afterEach, describe, expect, it } from 'vitest';
import {
  CacheKeyError,
  InvalidOptionError,
  Registry,
  configure,
  createMemoryCacheStore,
  engineEvents,
  flow,
  inputs,
  resetConfiguration,
  silentLogger,
  task,
} from '../src/index.js';
import { recordEvents } from './helpers/events.js';

afterEach(() => {
  resetConfiguration();
  engineEvents.clear();
});

describe('cached tasks in the engine', () => {
  it('ends a hit in state Cached with its key, without running the body', async () => {
    configure({ cacheStore: createMemoryCacheStore(), logger: silentLogger });
    const registry = new Registry();
    let runs = 0;
    const square = task(
      async function square(x: number) {
        runs++;
        return x * x;
      },
      { registry, cache: true },
    );
    const f = flow(
      async function squares(xs: number[]) {
        return Promise.all(square.map(xs));
      },
      { registry },
    );
    const rec = recordEvents();
    expect(await f([1, 2, 3])).toEqual([1, 4, 9]);
    expect(runs).toBe(3);
    expect(await f([1, 2, 4])).toEqual([1, 4, 16]);
    expect(runs).toBe(4);
    const cached = rec.events.filter((e) => e.type === 'run.state' && e.state.type === 'CACHED');
    expect(cached).toHaveLength(2);
    for (const e of cached) {
      if (e.type !== 'run.state') continue;
      expect(e.cacheKey).toMatch(/square/);
      expect(e.state.message).toBe(e.cacheKey);
    }
    expect(rec.states('square').filter((s) => s === 'CACHED')).toHaveLength(2);
  });

  it('computes two concurrent identical calls once', async () => {
    configure({ cacheStore: createMemoryCacheStore(), logger: silentLogger });
    const registry = new Registry();
    let runs = 0;
    const slow = task(
      async function slowCached(x: number) {
        runs++;
        await new Promise((r) => setTimeout(r, 20));
        return x;
      },
      { registry, cache: true },
    );
    const f = flow(
      async function twice() {
        return Promise.all([slow.submit(5), slow.submit(5)]);
      },
      { registry },
    );
    expect(await f()).toEqual([5, 5]);
    expect(runs).toBe(1);
  });

  it('stores nothing for a failed run, honours refresh, and TIDEFLOW_REFRESH_CACHE via settings', async () => {
    configure({ cacheStore: createMemoryCacheStore(), logger: silentLogger });
    const registry = new Registry();
    let runs = 0;
    let fail = true;
    const t = task(
      async function sometimes(x: number) {
        runs++;
        if (fail) throw new Error('no');
        return x;
      },
      { registry, cache: true },
    );
    await expect(t(1)).rejects.toThrow('no');
    fail = false;
    expect(await t(1)).toBe(1);
    expect(await t(1)).toBe(1);
    expect(runs).toBe(2);
    configure({ refreshCache: true });
    expect(await t(1)).toBe(1);
    expect(runs).toBe(3);
    expect(await t.with({ cache: { refresh: true } })(1)).toBe(1);
    expect(runs).toBe(4);
  });

  it('raises CacheKeyError naming the task and argument before the body runs; inputs.without excludes it', async () => {
    configure({ cacheStore: createMemoryCacheStore(), logger: silentLogger });
    const registry = new Registry();
    let runs = 0;
    const t = task(
      async function withCallback(x: number, onDone: () => void) {
        runs++;
        onDone();
        return x;
      },
      { registry, cache: true },
    );
    const rec = recordEvents();
    await expect(t(1, () => {})).rejects.toBeInstanceOf(CacheKeyError);
    await expect(t(1, () => {})).rejects.toThrow(/task "withCallback": argument "onDone"/);
    expect(runs).toBe(0);
    expect(rec.states('withCallback').slice(0, 2)).toEqual(['PENDING', 'FAILED']);
    const ok = t.with({ cache: { policy: inputs.without('onDone') } });
    expect(await ok(2, () => {})).toBe(2);
    expect(await ok(2, () => {})).toBe(2);
    expect(runs).toBe(1);
  });

  it('rejects invalid cache options and cache on flows', () => {
    const registry = new Registry();
    expect(() =>
      task(async function bad() {}, { registry, cache: { expiration: 'soon' } }),
    ).toThrow(InvalidOptionError);
    expect(() => flow(async function cachedFlow() {}, { registry, cache: true } as never)).toThrow(
      /flows are not cached/,
    );
  });
});
