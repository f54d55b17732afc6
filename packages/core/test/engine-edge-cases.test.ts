import { afterEach, describe, expect, it } from 'vitest';
import {
  CacheKeyError,
  InvalidOptionError,
  NothingThrownError,
  Registry,
  configure,
  createMemoryCacheStore,
  engineEvents,
  exponentialBackoff,
  flow,
  resetConfiguration,
  silentLogger,
  task,
} from '../src/index.js';

afterEach(() => {
  resetConfiguration();
  engineEvents.clear();
});

describe('edge cases of options and bodies', () => {
  it('refuses timeoutMs: 0 (it used to mean no timeout, silently)', () => {
    const registry = new Registry();
    expect(() => task(async function quick() {}, { registry, timeoutMs: 0 })).toThrow(
      InvalidOptionError,
    );
    expect(() => flow(async function quickFlow() {}, { registry, timeoutMs: 0 })).toThrow(
      /"quickFlow": option timeoutMs must be > 0; leave it out for no timeout/,
    );
  });

  it('refuses retry delays a timer cannot wait, given as numbers or returned by a function', async () => {
    configure({ logger: silentLogger, tracker: false });
    const registry = new Registry();
    expect(() =>
      task(async function far() {}, { registry, retries: 1, retryDelayMs: 2 ** 31 }),
    ).toThrow(/option retryDelayMs must be at most 2147483647 ms/);
    expect(() =>
      task(async function farList() {}, { registry, retries: 1, retryDelayMs: [1, 2 ** 32] }),
    ).toThrow(/option retryDelayMs\[1\] must be at most/);
    for (const [name, bad] of [
      ['negative', -5],
      ['nan', Number.NaN],
      ['huge', 2 ** 31],
    ] as const) {
      let calls = 0;
      const t = task(
        async () => {
          calls++;
          throw new Error('boom');
        },
        { registry, name, retries: 2, retryDelayMs: () => bad },
      );
      const state = await t.submit().wait();
      expect(state.type).toBe('FAILED');
      expect(calls).toBe(1);
      expect(state.error).toBeInstanceOf(InvalidOptionError);
      expect((state.error as Error).message).toMatch(
        new RegExp(`retryDelayMs gave ${String(bad)} ms for retry 1; a retry delay must be`),
      );
    }
    // The default cap of exponentialBackoff is the longest timer delay.
    expect(exponentialBackoff(1000)(40)).toBe(2 ** 31 - 1);
  });

  it('fails a body that throws undefined or null with an error naming the task', async () => {
    configure({ logger: silentLogger, tracker: false });
    const registry = new Registry();
    const nothing = task(
      async function nothing() {
        // eslint-disable-next-line @typescript-eslint/only-throw-error -- the case under test
        throw undefined;
      },
      { registry },
    );
    await expect(nothing()).rejects.toThrow(
      /"nothing" threw undefined instead of an Error; throw an Error/,
    );
    const state = await task(
      async function nullish() {
        // eslint-disable-next-line @typescript-eslint/only-throw-error -- the case under test
        throw null;
      },
      { registry },
    )
      .submit()
      .wait();
    expect(state.type).toBe('FAILED');
    expect(state.error).toMatchObject({ code: 'NOTHING_THROWN', thrown: null });
    expect(() => state.result()).toThrow(NothingThrownError);
  });

  it('makes a getter that throws during hashing a CacheKeyError before the task runs', async () => {
    configure({ logger: silentLogger, tracker: false, cacheStore: createMemoryCacheStore() });
    const registry = new Registry();
    let ran = false;
    const t = task(
      async function useConfig(config: Record<string, unknown>) {
        ran = true;
        return config;
      },
      { registry, cache: true },
    );
    const config = {
      a: 1,
      get secret(): string {
        throw new Error('not loaded yet');
      },
    };
    const state = await t.submit(config).wait();
    expect(ran).toBe(false);
    expect(state.error).toBeInstanceOf(CacheKeyError);
    expect((state.error as Error).message).toMatch(
      /argument "config" has a part that has a getter that threw \(not loaded yet\): config\.secret/,
    );
  });
});
