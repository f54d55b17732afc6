import { createKeyv } from '@keyv/redis';
import { Keyv } from 'keyv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CacheStoreError,
  TaskCache,
  cacheInfo,
  clearCache,
  createMemoryCacheStore,
  normalizeCacheOptions,
} from '../src/index.js';
import { cacheStoreConformance } from '../src/testing.js';
import type { CacheStore } from '../src/index.js';
import { startRedisServer, type RedisServer } from '../../../test/helpers/redis-server.js';
import { recordingLogger } from './cache-helpers/logger.js';

describe('keyv memory store (keyv JSON serializer)', () => {
  cacheStoreConformance({ describe, it, expect }, () => new Keyv());
});

describe('createMemoryCacheStore (bytes kept as given)', () => {
  cacheStoreConformance({ describe, it, expect }, () => createMemoryCacheStore());

  it('keeps the entry bytes without a JSON or base64 copy', async () => {
    const store = createMemoryCacheStore();
    const bytes = Buffer.from([1, 2, 3]);
    await store.set('k', bytes);
    expect(await store.get('k')).toBe(bytes);
  });
});

describe('Redis store via @keyv/redis (real redis-server)', () => {
  let server: RedisServer | undefined;
  let url = '';
  let namespaces = 0;

  beforeAll(async () => {
    server = await startRedisServer();
    url = server.url;
  });

  afterAll(async () => {
    await server?.stop();
  });

  cacheStoreConformance({ describe, it, expect }, () =>
    createKeyv(url, { namespace: `tideflow-test-${++namespaces}` }),
  );

  it('shares entries between two TaskCaches (two processes would see the same)', async () => {
    const a = createKeyv(url, { namespace: 'shared' });
    const b = createKeyv(url, { namespace: 'shared' });
    try {
      const options = normalizeCacheOptions('T', true);
      const request = { taskName: 'T', fn: (x: number) => x, args: [1], paramNames: ['x'] };
      const first = new TaskCache({ store: a, logger: recordingLogger() });
      const second = new TaskCache({ store: b, logger: recordingLogger() });
      const key = first.computeKey(options, request)!;
      expect(second.computeKey(options, request)).toBe(key);
      await first.run(options, key, () => Promise.resolve(new Float64Array([1, 2])), false);
      const hit = await second.run(options, key, () => Promise.resolve(new Float64Array()), false);
      expect(hit.hit).toBe(true);
      expect(hit.value).toEqual(new Float64Array([1, 2]));
    } finally {
      await a.clear();
      await a.disconnect();
      await b.disconnect();
    }
  });
});

describe('clearCache and cacheInfo', () => {
  async function filled(): Promise<{ store: CacheStore; keys: Record<string, string> }> {
    const store = createMemoryCacheStore();
    const cache = new TaskCache({ store, logger: recordingLogger() });
    const keys: Record<string, string> = {};
    for (const [task, arg] of [
      ['Pipeline.train', 1],
      ['Pipeline.train', 2],
      ['Pipeline.generate', 1],
    ] as const) {
      const options = normalizeCacheOptions(task, true);
      const key = cache.computeKey(options, {
        taskName: task,
        fn: (x: number) => x,
        args: [arg],
        paramNames: ['x'],
      })!;
      await cache.run(options, key, () => Promise.resolve(new Float64Array(100)), false);
      keys[`${task}/${arg}`] = key;
    }
    await store.set('someone-else', Buffer.from('x'));
    return { store, keys };
  }

  it('reports entries and sizes per task', async () => {
    const { store } = await filled();
    const info = await cacheInfo(store);
    expect(info.tasks.map((t) => [t.task, t.entries])).toEqual([
      ['Pipeline.generate', 1],
      ['Pipeline.train', 2],
    ]);
    expect(info.entries).toBe(3);
    expect(info.otherEntries).toBe(1);
    expect(info.tasks[1].bytes).toBeGreaterThan(2 * 800);
    expect(info.bytes).toBe(info.tasks[0].bytes + info.tasks[1].bytes);
  });

  it('clears one task, leaving the others', async () => {
    const { store, keys } = await filled();
    expect(await clearCache(store, { task: 'Pipeline.train' })).toBe(2);
    expect(await store.get(keys['Pipeline.train/1'])).toBeUndefined();
    expect(await store.get(keys['Pipeline.generate/1'])).toBeDefined();
    expect(await clearCache(store, { task: 'Pipeline.train' })).toBe(0);
    expect(await clearCache(store, { task: 'Pipeline' })).toBe(0);
  });

  it('clears everything', async () => {
    const { store, keys } = await filled();
    expect(await clearCache(store)).toBe(3);
    expect(await store.get(keys['Pipeline.generate/1'])).toBeUndefined();
    expect((await cacheInfo(store)).entries).toBe(0);
  });

  it('explains when a store cannot list its keys', async () => {
    const map = new Map<string, unknown>();
    const plain: CacheStore = {
      get: (key) => Promise.resolve(map.get(key)),
      set: (key, value) => Promise.resolve(map.set(key, value)),
      delete: (key) => Promise.resolve(map.delete(key)),
      clear: () => Promise.resolve(map.clear()),
    };
    await plain.set('tideflow:T:x', Buffer.from('1'));
    await expect(cacheInfo(plain)).rejects.toThrow(CacheStoreError);
    await expect(clearCache(plain, { task: 'T' })).rejects.toThrow(/cannot list its keys/);
    expect(await clearCache(plain)).toBeUndefined();
    expect(map.size).toBe(0);
  });
});

// Any Keyv instance satisfies the contract (checked by the type checker on this assignment).
const _typeCheck: CacheStore = new Keyv();
void _typeCheck;
