import { Keyv } from 'keyv';
import { Matrix } from 'ml-matrix';
import { describe, expect, it } from 'vitest';
import {
  SerializerRegistry,
  TaskCache,
  defaultSerializers,
  normalizeCacheOptions,
} from '../src/index.js';
import type { CacheOptions, CacheStore } from '../src/index.js';
import { parameterNames } from '../src/engine/param-names.js';
import { recordingLogger } from './cache-helpers/logger.js';
import { ENTRY_FORMAT_VERSION, decodeEntry, encodeEntry } from '../src/cache/entry.js';

const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function fit(rows: number, cols: number) {
  return new Float64Array(rows * cols).map((_, i) => Math.sqrt(i));
}

/** A TaskCache over `store`, a task `fit(rows, cols)` and a counter of its runs. */
function setup(options: true | CacheOptions = true, store: CacheStore = new Keyv()) {
  const logger = recordingLogger();
  const cache = new TaskCache({ store, logger });
  const normalized = normalizeCacheOptions('Pipeline.fit', options);
  let runs = 0;
  const keyFor = (rows: number, cols: number) =>
    cache.computeKey(normalized, {
      taskName: 'Pipeline.fit',
      fn: fit,
      args: [rows, cols],
      paramNames: parameterNames(fit),
    })!;
  const call = (rows: number, cols: number, refresh = false, opts = normalized) =>
    cache.run(
      opts,
      keyFor(rows, cols),
      () => {
        runs++;
        return Promise.resolve(fit(rows, cols));
      },
      refresh,
    );
  return { cache, store, logger, normalized, keyFor, call, runs: () => runs };
}

describe('TaskCache.run', () => {
  it('computes on a miss, then serves equal values from the store', async () => {
    const t = setup();
    const first = await t.call(100, 3);
    expect(first).toMatchObject({ hit: false, source: 'computed', stored: true });
    const second = await t.call(100, 3);
    expect(second).toMatchObject({ hit: true, source: 'store', stored: true });
    expect(second.value).toBeInstanceOf(Float64Array);
    expect(second.value).toEqual(fit(100, 3));
    expect(second.value).not.toBe(first.value);
    expect(t.runs()).toBe(1);
    await t.call(100, 4);
    expect(t.runs()).toBe(2);
    expect(t.logger.warnings).toEqual([]);
  });

  it('uses an in-memory store by default', async () => {
    const cache = new TaskCache({ logger: recordingLogger() });
    const options = normalizeCacheOptions('T', true);
    const key = cache.computeKey(options, {
      taskName: 'T',
      fn: fit,
      args: [1, 1],
      paramNames: ['rows', 'cols'],
    })!;
    await cache.run(options, key, () => Promise.resolve('v'), false);
    expect((await cache.run(options, key, () => Promise.resolve('w'), false)).value).toBe('v');
  });

  it('round-trips Maps, Sets, Dates, BigInts, -0, NaN and ml-matrix Matrices', async () => {
    const t = setup();
    const value = {
      m: new Map([['a', new Set([1n, 2n])]]),
      d: new Date(7),
      z: -0,
      n: Number.NaN,
      matrix: new Matrix([
        [1, 2],
        [3, 4],
      ]),
      nested: [undefined, null, 'x'],
    };
    const key = t.keyFor(1, 1);
    await t.cache.run(t.normalized, key, () => Promise.resolve(value), false);
    const back = await t.cache.run(t.normalized, key, () => Promise.reject(new Error('no')), false);
    expect(back.hit).toBe(true);
    expect(back.value).toEqual(value);
    expect((back.value as typeof value).matrix).toBeInstanceOf(Matrix);
    expect(Object.is((back.value as typeof value).z, -0)).toBe(true);
  });

  it('stores nothing when the task fails', async () => {
    const t = setup();
    const key = t.keyFor(2, 2);
    await expect(
      t.cache.run(t.normalized, key, () => Promise.reject(new Error('boom')), false),
    ).rejects.toThrow('boom');
    expect(await t.store.get(key)).toBeUndefined();
    const after = await t.call(2, 2);
    expect(after.hit).toBe(false);
  });

  it('refresh recomputes and overwrites, from the call or from the options', async () => {
    const t = setup();
    const key = t.keyFor(3, 3);
    await t.cache.run(t.normalized, key, () => Promise.resolve('old'), false);
    const refreshed = await t.cache.run(t.normalized, key, () => Promise.resolve('new'), true);
    expect(refreshed).toMatchObject({ hit: false, value: 'new' });
    expect((await t.cache.run(t.normalized, key, () => Promise.resolve('x'), false)).value).toBe(
      'new',
    );

    const always = normalizeCacheOptions('Pipeline.fit', { refresh: true });
    const again = await t.cache.run(always, key, () => Promise.resolve('newer'), false);
    expect(again).toMatchObject({ hit: false, value: 'newer' });
  });

  it('computes once for concurrent calls with the same key, giving each caller its own copy', async () => {
    const t = setup();
    const key = t.keyFor(10, 10);
    let runs = 0;
    const slow = async () => {
      runs++;
      await delay(30);
      return { rows: [[1, 2]] };
    };
    const results = await Promise.all([
      t.cache.run(t.normalized, key, slow, false),
      t.cache.run(t.normalized, key, slow, false),
      t.cache.run(t.normalized, key, slow, false),
    ]);
    expect(runs).toBe(1);
    expect(results.map((r) => r.source)).toEqual(['computed', 'in-flight', 'in-flight']);
    expect(results.map((r) => r.hit)).toEqual([false, true, true]);
    expect(results[1].value).toEqual(results[0].value);
    expect(results[1].value).not.toBe(results[0].value);
    expect(results[2].value).not.toBe(results[1].value);
    // Once settled, a new call is an ordinary hit.
    expect((await t.cache.run(t.normalized, key, slow, false)).source).toBe('store');
  });

  it('shares a failure with concurrent callers and stores nothing', async () => {
    const t = setup();
    const key = t.keyFor(11, 11);
    let runs = 0;
    const failing = async () => {
      runs++;
      await delay(10);
      throw new Error('no data');
    };
    const settled = await Promise.allSettled([
      t.cache.run(t.normalized, key, failing, false),
      t.cache.run(t.normalized, key, failing, false),
    ]);
    expect(settled.map((s) => s.status)).toEqual(['rejected', 'rejected']);
    expect(runs).toBe(1);
    expect(await t.store.get(key)).toBeUndefined();
  });

  it('keeps concurrent calls on different stores apart', async () => {
    const t = setup();
    const other = normalizeCacheOptions('Pipeline.fit', { store: new Keyv() });
    const key = t.keyFor(12, 12);
    let runs = 0;
    const compute = async () => {
      runs++;
      await delay(10);
      return runs;
    };
    await Promise.all([
      t.cache.run(t.normalized, key, compute, false),
      t.cache.run(other, key, compute, false),
    ]);
    expect(runs).toBe(2);
  });

  it('returns an unserializable result uncached, with one warning, and the flow goes on', async () => {
    const t = setup();
    class Handle {
      fd = 3;
    }
    const key = t.keyFor(4, 4);
    const handle = new Handle();
    const result = await t.cache.run(t.normalized, key, () => Promise.resolve(handle), false);
    expect(result).toMatchObject({ hit: false, stored: false });
    expect(result.value).toBe(handle);
    expect(t.logger.warnings).toHaveLength(1);
    expect(t.logger.warnings[0].msg).toContain('cannot be serialized');
    expect(t.logger.warnings[0].fields).toMatchObject({ task: 'Pipeline.fit', key });
    expect(String(t.logger.warnings[0].fields.error)).toContain('Handle');
    expect(await t.store.get(key)).toBeUndefined();
    const again = await t.cache.run(t.normalized, key, () => Promise.resolve(new Handle()), false);
    expect(again.hit).toBe(false);
  });

  it('uses the task store instead of the cache store', async () => {
    const t = setup();
    const own = new Keyv();
    const options = normalizeCacheOptions('Pipeline.fit', { store: own });
    const key = t.keyFor(5, 5);
    await t.cache.run(options, key, () => Promise.resolve(1), false);
    expect(await own.get(key)).toBeDefined();
    expect(await t.store.get(key)).toBeUndefined();
  });

  it('expires entries through the store ttl', async () => {
    const t = setup({ expiration: 80 });
    await t.call(6, 6);
    expect((await t.call(6, 6)).hit).toBe(true);
    await delay(150);
    expect((await t.call(6, 6)).hit).toBe(false);
    expect(t.runs()).toBe(2);
  });

  it('expires entries even in a store that ignores ttls', async () => {
    const map = new Map<string, unknown>();
    const forgetful: CacheStore = {
      get: (key) => Promise.resolve(map.get(key)),
      set: (key, value) => Promise.resolve(map.set(key, value)),
      delete: (key) => Promise.resolve(map.delete(key)),
      clear: () => Promise.resolve(map.clear()),
    };
    const t = setup({ expiration: '50ms' }, forgetful);
    await t.call(7, 7);
    expect((await t.call(7, 7)).hit).toBe(true);
    await delay(100);
    expect(map.size).toBe(1);
    expect((await t.call(7, 7)).hit).toBe(false);
    expect(t.logger.warnings).toEqual([]);
  });

  it('treats a corrupt, truncated or foreign entry as a miss with a warning, then overwrites it', async () => {
    const damages: Array<[string, (entry: Buffer) => unknown]> = [
      [
        'a flipped payload byte',
        (e) => {
          const c = Buffer.from(e);
          c[c.length - 10] ^= 0xff;
          return c;
        },
      ],
      [
        'a flipped header byte',
        (e) => {
          const c = Buffer.from(e);
          c[17] ^= 0x01;
          return c;
        },
      ],
      ['truncation', (e) => e.subarray(0, e.length - 100)],
      ['a header only', (e) => e.subarray(0, 40)],
      ['extra bytes', (e) => Buffer.concat([e, Buffer.from([0])])],
      [
        'another format version',
        (e) => {
          const c = Buffer.from(e);
          c.writeUInt16LE(ENTRY_FORMAT_VERSION + 1, 4);
          return c;
        },
      ],
      ['random bytes', () => Buffer.alloc(500, 7)],
      ['a string', () => 'not bytes'],
      ['a number', () => 42],
    ];
    for (const [damage, apply] of damages) {
      const map = new Map<string, unknown>();
      const store: CacheStore = {
        get: (key) => Promise.resolve(map.get(key)),
        set: (key, value) => Promise.resolve(map.set(key, value)),
        delete: (key) => Promise.resolve(map.delete(key)),
        clear: () => Promise.resolve(map.clear()),
      };
      const t = setup(true, store);
      const key = t.keyFor(50, 3);
      await t.call(50, 3);
      map.set(key, apply(map.get(key) as Buffer));
      const result = await t.call(50, 3);
      expect({ damage, hit: result.hit }).toEqual({ damage, hit: false });
      expect(result.value).toEqual(fit(50, 3));
      expect(t.logger.warnings).toHaveLength(1);
      expect(t.logger.warnings[0].msg).toContain('recomputing and overwriting');
      expect(t.logger.warnings[0].fields).toMatchObject({
        task: 'Pipeline.fit',
        key,
        store: 'unnamed',
      });
      expect(t.logger.warnings[0].msg).toContain(`${key} in store unnamed`);
      const repaired = await t.call(50, 3);
      expect({ damage, hit: repaired.hit }).toEqual({ damage, hit: true });
      expect(t.runs()).toBe(2);
    }
  });

  it('refuses an entry stored under another key', async () => {
    const t = setup();
    const a = t.keyFor(1, 2);
    const b = t.keyFor(2, 1);
    await t.call(1, 2);
    await t.store.set(b, Buffer.from((await t.store.get(a)) as Uint8Array));
    const result = await t.call(2, 1);
    expect(result.hit).toBe(false);
    expect(t.logger.warnings[0].fields.reason).toContain(a);
  });

  it('warns with the cause when the adapter of a Keyv store fails (keyv alone would stay silent)', async () => {
    const adapter = new Map<string, unknown>();
    const failing = Object.assign(adapter, {
      get: (): unknown => {
        throw new Error('row 7 of /data/cache.db is unreadable');
      },
    });
    const t = setup(true, new Keyv({ store: failing }));
    const result = await t.call(3, 1);
    expect(result.hit).toBe(false);
    expect(t.logger.warnings.map((w) => w.msg)).toEqual([
      `cache lookup of ${t.keyFor(3, 1)} in store memory failed (row 7 of /data/cache.db is unreadable); running the task`,
    ]);
  });

  it('runs the task when the store fails, with a warning', async () => {
    const broken: CacheStore = {
      get: () => Promise.reject(new Error('connection refused')),
      set: () => Promise.reject(new Error('connection refused')),
      delete: () => Promise.resolve(false),
      clear: () => Promise.resolve(),
    };
    const t = setup(true, broken);
    const result = await t.call(3, 1);
    expect(result).toMatchObject({ hit: false, stored: false });
    expect(result.value).toEqual(fit(3, 1));
    expect(t.logger.warnings.map((w) => w.msg)).toEqual([
      `cache lookup of ${t.keyFor(3, 1)} in store unnamed failed (connection refused); running the task`,
      'could not write the result to the cache store (connection refused)',
    ]);
  });
});

describe('cache entries', () => {
  it('round-trip a value and report expiry', () => {
    const entry = encodeEntry(
      'k',
      { a: new Float64Array([1, 2]) },
      defaultSerializers,
      Date.now() + 1000,
    );
    const ok = decodeEntry('k', entry, defaultSerializers);
    expect(ok.status).toBe('hit');
    expect(ok.status === 'hit' && ok.value).toEqual({ a: new Float64Array([1, 2]) });
    expect(decodeEntry('k', entry, defaultSerializers, Date.now() + 2000)).toEqual({
      status: 'expired',
    });
    expect(decodeEntry('other', entry, defaultSerializers).status).toBe('corrupt');
  });

  it('report a payload that no longer deserializes as corrupt', () => {
    class Point {
      constructor(readonly x: number) {}
    }
    const writer = new SerializerRegistry();
    writer.register(Point, { encode: (p) => p.x, decode: (x) => new Point(x) });
    const entry = encodeEntry('k', new Point(1), writer);
    const read = decodeEntry('k', entry, new SerializerRegistry());
    expect(read.status).toBe('corrupt');
    expect(read.status === 'corrupt' && read.reason).toContain('No serializer is registered');
  });
});
