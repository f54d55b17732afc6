import { randomBytes } from 'node:crypto';
import { SerializerRegistry } from '../serialization/serializer-registry.js';
import type { Logger } from '../logger.js';
import { cacheInfo, clearCache } from './admin.js';
import { formatCacheKey } from './keys.js';
import type { CacheStore } from './store.js';
import { TaskCache, normalizeCacheOptions } from './task-cache.js';

/** The assertions the conformance suite uses; vitest's and jest's `expect` provide them. */
export interface CacheConformanceAssertion {
  /** `Object.is` equality. */
  toBe(expected: unknown): void;
  /** Deep equality. */
  toEqual(expected: unknown): void;
}

/** The test functions the conformance suite is written against: pass vitest's (or jest's). */
export interface CacheConformanceTestApi {
  /** Groups tests. */
  describe(name: string, fn: () => void): void;
  /** Declares one test; `timeout` in ms. */
  it(name: string, fn: () => Promise<void>, timeout?: number): void;
  /** Starts an assertion. */
  expect(actual: unknown): CacheConformanceAssertion;
}

/** Options of {@link cacheStoreConformance}. */
export interface CacheStoreConformanceOptions {
  /** Whether the store must list its keys (needed by `clearCache({ task })` and `cacheInfo`). Default true. */
  iterable?: boolean;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function bytesEqual(a: unknown, b: Uint8Array): boolean {
  return a instanceof Uint8Array && Buffer.compare(a, b) === 0;
}

function recordingLogger(lines: string[]): Logger {
  const logger: Logger = {
    debug: () => {},
    info: () => {},
    warn: (_obj, msg) => lines.push(msg ?? ''),
    error: (_obj, msg) => lines.push(msg ?? ''),
    child: () => logger,
  };
  return logger;
}

/**
 * The behaviour every tideflow cache store must have, as a test suite (like `@keyv/test-suite`):
 * call it from a test file with the test functions and a factory of fresh, empty stores.
 *
 * @example
 * ```ts
 * import { describe, expect, it } from 'vitest';
 * cacheStoreConformance({ describe, it, expect }, () => new Keyv());
 * ```
 */
export function cacheStoreConformance(
  t: CacheConformanceTestApi,
  factory: () => CacheStore | Promise<CacheStore>,
  options: CacheStoreConformanceOptions = {},
): void {
  const { describe, it, expect } = t;
  const iterable = options.iterable ?? true;

  /** Runs `body` with a fresh store, then clears and disconnects it. */
  const withStore = (body: (store: CacheStore) => Promise<void>) => async () => {
    const store = await factory();
    try {
      await body(store);
    } finally {
      await store.clear();
      await store.disconnect?.();
    }
  };

  describe('CacheStore conformance', () => {
    it(
      'returns undefined for a missing key',
      withStore(async (store) => {
        expect(await store.get('tideflow:T:missing')).toBe(undefined);
      }),
    );

    it(
      'gives back the exact bytes it was given, small and large',
      withStore(async (store) => {
        const every = Buffer.from(Array.from({ length: 512 }, (_, i) => i % 256));
        const large = randomBytes(2_400_000);
        await store.set('k:every', every);
        await store.set('k:large', large);
        expect(bytesEqual(await store.get('k:every'), every)).toBe(true);
        expect(bytesEqual(await store.get('k:large'), large)).toBe(true);
      }),
    );

    it(
      'replaces the value of an existing key',
      withStore(async (store) => {
        await store.set('k', Buffer.from('first'));
        await store.set('k', Buffer.from('second'));
        expect(bytesEqual(await store.get('k'), Buffer.from('second'))).toBe(true);
      }),
    );

    it(
      'deletes a key and reports whether it existed',
      withStore(async (store) => {
        await store.set('k', Buffer.from('v'));
        expect(await store.delete('k')).toBe(true);
        expect(await store.get('k')).toBe(undefined);
        expect(await store.delete('k')).toBe(false);
      }),
    );

    it(
      'clears every entry',
      withStore(async (store) => {
        await store.set('a', Buffer.from('1'));
        await store.set('b', Buffer.from('2'));
        await store.clear();
        expect(await store.get('a')).toBe(undefined);
        expect(await store.get('b')).toBe(undefined);
      }),
    );

    it(
      'expires an entry after its ttl and keeps entries without one',
      withStore(async (store) => {
        await store.set('short', Buffer.from('s'), 150);
        await store.set('forever', Buffer.from('f'));
        expect(bytesEqual(await store.get('short'), Buffer.from('s'))).toBe(true);
        await sleep(400);
        expect(await store.get('short')).toBe(undefined);
        expect(bytesEqual(await store.get('forever'), Buffer.from('f'))).toBe(true);
      }),
    );

    it(
      'keeps apart keys that share prefixes or contain colons, spaces and non-ASCII text',
      withStore(async (store) => {
        const keys = ['tideflow:A:1', 'tideflow:A:10', 'tideflow:A', 'x y:é:日本', 'x y:é'];
        await Promise.all(keys.map((k, i) => store.set(k, Buffer.from([i]))));
        for (const [i, k] of keys.entries()) {
          expect(bytesEqual(await store.get(k), Buffer.from([i]))).toBe(true);
        }
      }),
    );

    it(
      'handles concurrent writes and reads of different keys',
      withStore(async (store) => {
        const values = Array.from({ length: 40 }, (_, i) => randomBytes(1000 + i));
        await Promise.all(values.map((v, i) => store.set(`c:${i}`, v)));
        const back = await Promise.all(values.map((_, i) => store.get(`c:${i}`)));
        expect(back.every((v, i) => bytesEqual(v, values[i]))).toBe(true);
      }),
    );

    if (iterable) {
      it(
        'lists its live entries, which clearCache({ task }) and cacheInfo rely on',
        withStore(async (store) => {
          const train = formatCacheKey('Pipeline.train', 'a'.repeat(64));
          const train2 = formatCacheKey('Pipeline.train', 'b'.repeat(64));
          const gen = formatCacheKey('Pipeline.generate', 'c'.repeat(64));
          await store.set(train, Buffer.alloc(100));
          await store.set(train2, Buffer.alloc(50));
          await store.set(gen, Buffer.alloc(10));
          await store.set('tideflow:Gone:x', Buffer.alloc(1), 50);
          await sleep(200);
          const keys: string[] = [];
          for await (const [key] of store.iterator!()) keys.push(key);
          expect(keys.sort()).toEqual([gen, train, train2].sort());

          const info = await cacheInfo(store);
          expect(info.tasks.map((x) => [x.task, x.entries])).toEqual([
            ['Pipeline.generate', 1],
            ['Pipeline.train', 2],
          ]);
          expect(info.entries).toBe(3);
          expect(await clearCache(store, { task: 'Pipeline.train' })).toBe(2);
          expect(await store.get(train)).toBe(undefined);
          expect(bytesEqual(await store.get(gen), Buffer.alloc(10))).toBe(true);
        }),
      );
    }

    it(
      'serves TaskCache hits, and turns a damaged entry into a recomputed miss',
      withStore(async (store) => {
        const warnings: string[] = [];
        const cache = new TaskCache({
          store,
          serializers: new SerializerRegistry(),
          logger: recordingLogger(warnings),
        });
        const fn = (n: number) => new Float64Array(n).map((_, i) => i * 0.5);
        const options = normalizeCacheOptions('conformance.fn', true);
        const key = cache.computeKey(options, {
          taskName: 'conformance.fn',
          fn,
          args: [1000],
          paramNames: ['n'],
        })!;
        let runs = 0;
        const compute = () => {
          runs++;
          return Promise.resolve(fn(1000));
        };
        const first = await cache.run(options, key, compute, false);
        const second = await cache.run(options, key, compute, false);
        expect([first.hit, second.hit, runs]).toEqual([false, true, 1]);
        expect(second.value).toEqual(fn(1000));

        const entry = Buffer.from((await store.get(key)) as Uint8Array);
        await store.set(key, entry.subarray(0, entry.byteLength - 7));
        const third = await cache.run(options, key, compute, false);
        expect([third.hit, runs, warnings.length]).toEqual([false, 2, 1]);
        const fourth = await cache.run(options, key, compute, false);
        expect([fourth.hit, runs]).toEqual([true, 2]);
      }),
    );
  });
}
