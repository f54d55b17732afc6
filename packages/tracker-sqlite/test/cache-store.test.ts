import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Keyv } from 'keyv';
import { afterAll, describe, expect, it } from 'vitest';
import { TaskCache, cacheInfo, clearCache, normalizeCacheOptions } from '@tideflow/core';
import { cacheStoreConformance } from '@tideflow/core/testing';
import type { CacheStore, Logger } from '@tideflow/core';
import { SqliteKeyvStore, createSqliteCacheStore } from '../src/index.js';
import { holdWriteLocks, watchEventLoop } from './support/lock-holder.js';

const dir = mkdtempSync(join(tmpdir(), 'tideflow-cache-'));
let files = 0;
const freshPath = () => join(dir, `cache-${++files}.sqlite`);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function recordingLogger(): Logger & { warnings: string[] } {
  const warnings: string[] = [];
  const logger = {
    warnings,
    debug: () => {},
    info: () => {},
    warn: (_fields: Record<string, unknown>, msg?: string) => warnings.push(msg ?? ''),
    error: (_fields: Record<string, unknown>, msg?: string) => warnings.push(msg ?? ''),
    child: () => logger,
  };
  return logger;
}

const fit = (n: number) => new Float64Array(n).map((_, i) => i / 3);

/** Runs the cached task `fit(n)` through `store`; returns the result and whether `fit` ran. */
async function cachedFit(store: CacheStore, n: number, logger: Logger = recordingLogger()) {
  const cache = new TaskCache({ store, logger });
  const options = normalizeCacheOptions('Pipeline.fit', true);
  const key = cache.computeKey(options, {
    taskName: 'Pipeline.fit',
    fn: fit,
    args: [n],
    paramNames: ['n'],
  })!;
  let ran = false;
  const result = await cache.run(
    options,
    key,
    () => {
      ran = true;
      return Promise.resolve(fit(n));
    },
    false,
  );
  return { ...result, ran, key };
}

describe('SqliteKeyvStore with keyv JSON (new Keyv({ store }))', () => {
  cacheStoreConformance(
    { describe, it, expect },
    () => new Keyv({ store: new SqliteKeyvStore({ path: freshPath() }) }),
  );
});

describe('createSqliteCacheStore (bytes stored as BLOBs)', () => {
  cacheStoreConformance({ describe, it, expect }, () =>
    createSqliteCacheStore({ path: freshPath() }),
  );

  it('stores each entry as one BLOB of exactly its bytes, without JSON or base64', async () => {
    const path = freshPath();
    const store = createSqliteCacheStore({ path });
    const { key } = await cachedFit(store, 1000);
    const entry = (await store.get(key)) as Buffer;
    await store.disconnect();
    const db = new Database(path, { readonly: true });
    const row = db
      .prepare(
        'SELECT typeof(value) AS type, length(value) AS size, value FROM tideflow_cache WHERE key = ?',
      )
      .get(`keyv:${key}`) as { type: string; size: number; value: Buffer };
    db.close();
    expect(row.type).toBe('blob');
    expect(row.size).toBe(entry.byteLength);
    expect(Buffer.compare(row.value, entry)).toBe(0);
    expect(row.size).toBeLessThan(8000 + 200);
  });

  it('opens the database in WAL mode and creates its directory', async () => {
    const path = join(dir, 'nested', 'deeper', 'cache.sqlite');
    const store = new SqliteKeyvStore({ path });
    await store.disconnect();
    const db = new Database(path, { readonly: true });
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    db.close();
  });

  it('persists entries: a reopened store serves hits', async () => {
    const path = freshPath();
    const first = createSqliteCacheStore({ path });
    expect((await cachedFit(first, 3000)).ran).toBe(true);
    await first.disconnect();
    const second = createSqliteCacheStore({ path });
    const again = await cachedFit(second, 3000);
    expect(again).toMatchObject({ ran: false, hit: true });
    expect(again.value).toEqual(fit(3000));
    await second.disconnect();
  });

  it('recomputes and overwrites an entry damaged in the file', async () => {
    const path = freshPath();
    const store = createSqliteCacheStore({ path });
    const { key } = await cachedFit(store, 500);
    const db = new Database(path);
    db.prepare(
      'UPDATE tideflow_cache SET value = substr(value, 1, length(value) - 50) WHERE key = ?',
    ).run(`keyv:${key}`);
    db.close();
    const logger = recordingLogger();
    const damaged = await cachedFit(store, 500, logger);
    expect(damaged).toMatchObject({ ran: true, hit: false });
    expect(logger.warnings).toHaveLength(1);
    expect((await cachedFit(store, 500)).hit).toBe(true);
    await store.disconnect();
  });

  it('keeps namespaces apart in one file', async () => {
    const path = freshPath();
    const a = new Keyv({
      store: new SqliteKeyvStore({ path }),
      namespace: 'a',
      serialize: undefined,
      deserialize: undefined,
    });
    const b = new Keyv({
      store: new SqliteKeyvStore({ path }),
      namespace: 'b',
      serialize: undefined,
      deserialize: undefined,
    });
    await a.set('k', Buffer.from('in a'));
    await b.set('k', Buffer.from('in b'));
    await a.clear();
    expect(await a.get('k')).toBeUndefined();
    expect(String(await b.get('k'))).toBe('in b');
    await a.disconnect();
    await b.disconnect();
  });

  it('purges expired rows when it opens', async () => {
    const path = freshPath();
    const store = createSqliteCacheStore({ path });
    await store.set('gone', Buffer.from('x'), 20);
    await store.set('kept', Buffer.from('y'));
    await store.disconnect();
    await delay(60);
    await createSqliteCacheStore({ path }).disconnect();
    const db = new Database(path, { readonly: true });
    const keys = db.prepare('SELECT key FROM tideflow_cache ORDER BY key').pluck().all();
    db.close();
    expect(keys).toEqual(['keyv:kept']);
  });

  it('round-trips other values keyv hands it unserialized', async () => {
    const store = createSqliteCacheStore({ path: freshPath() });
    await store.set('obj', { a: new Float64Array([1, 2]), m: new Map([[1, 2]]) });
    await store.set('str', 'text');
    await store.set('num', 42);
    expect(await store.get('obj')).toEqual({ a: new Float64Array([1, 2]), m: new Map([[1, 2]]) });
    expect(await store.get('str')).toBe('text');
    expect(await store.get('num')).toBe(42);
    expect(await store.has('num')).toBe(true);
    expect(await store.getMany(['str', 'missing'])).toEqual(['text', undefined]);
    expect(await store.deleteMany(['str', 'num'])).toBe(true);
    expect(await store.get('str')).toBeUndefined();
    await store.disconnect();
  });

  it('lists more entries than one page, and clears one task of many', async () => {
    const store = createSqliteCacheStore({ path: freshPath() });
    const cache = new TaskCache({ store, logger: recordingLogger() });
    for (const task of ['A.one', 'B.two']) {
      const options = normalizeCacheOptions(task, true);
      for (let i = 0; i < 300; i++) {
        const key = cache.computeKey(options, {
          taskName: task,
          fn: fit,
          args: [i],
          paramNames: ['n'],
        })!;
        await cache.run(options, key, () => Promise.resolve(i), false);
      }
    }
    const info = await cacheInfo(store);
    expect(info.tasks.map((t) => [t.task, t.entries])).toEqual([
      ['A.one', 300],
      ['B.two', 300],
    ]);
    expect(await clearCache(store, { task: 'A.one' })).toBe(300);
    expect((await cacheInfo(store)).entries).toBe(300);
    await store.disconnect();
  });

  it('rejects an unsafe table name', () => {
    expect(() => new SqliteKeyvStore({ path: ':memory:', table: 'x; DROP TABLE y' })).toThrow(
      /table name/,
    );
  });

  it('says which file is not a database', () => {
    const path = freshPath();
    writeFileSync(path, 'this is not a database, just some text that happens to be long enough');
    expect(() => new SqliteKeyvStore({ path })).toThrow(
      expect.objectContaining({ code: 'CACHE_STORE', message: expect.stringContaining(path) }),
    );
  });

  it('warns, naming the file and key, for a row it cannot decode (keyv would make it a silent miss)', async () => {
    const path = freshPath();
    const store = createSqliteCacheStore({ path });
    const { key } = await cachedFit(store, 200);
    const db = new Database(path);
    const changed = db
      .prepare("UPDATE tideflow_cache SET kind = 3, value = ? WHERE key = 'keyv:' || ?")
      .run(Buffer.from('garbage'), key).changes;
    expect(changed).toBe(1);
    db.close();
    const logger = recordingLogger();
    const again = await cachedFit(store, 200, logger);
    expect(again.ran).toBe(true);
    expect(logger.warnings).toEqual([expect.stringContaining(path)]);
    expect(logger.warnings[0]).toContain(key);
    await store.disconnect();
  });
});

describe('SqliteKeyvStore while another process holds the write lock', () => {
  it('waits without blocking the event loop, then writes', async () => {
    const path = freshPath();
    const store = createSqliteCacheStore({ path });
    const holder = await holdWriteLocks([path], 800);
    const watch = watchEventLoop(10);
    const ok = await store.set('k', Buffer.from([1, 2, 3]));
    const { ticks } = watch.stop();
    await holder.released;
    expect(ok).toBe(true);
    // Blocked on the lock, the 10 ms timer would fire once or twice in 800 ms (loose: the
    // machine may be busy).
    expect(ticks).toBeGreaterThanOrEqual(5);
    expect(Buffer.from((await store.get('k')) as Uint8Array)).toEqual(Buffer.from([1, 2, 3]));
    await store.disconnect();
  });

  it('gives up after busyTimeout with an error naming the file and the cause', async () => {
    const path = freshPath();
    const adapter = new SqliteKeyvStore({ path, busyTimeout: 150 });
    const holder = await holdWriteLocks([path], 60_000);
    try {
      await expect(adapter.set('k', 'v')).rejects.toMatchObject({
        code: 'CACHE_STORE',
        message: expect.stringMatching(/cache store .*held the database lock.*SQLITE_BUSY/),
      });
      const logger = recordingLogger();
      const locked = await cachedFit(new Keyv({ store: adapter, throwOnErrors: true }), 10, logger);
      expect(locked.ran).toBe(true);
      expect(logger.warnings).toEqual([
        expect.stringMatching(/^could not write the result to the cache store \(.*SQLITE_BUSY/),
      ]);
    } finally {
      await holder.release();
      await adapter.disconnect();
    }
  });
});
