import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Keyv } from 'keyv';
import { afterAll, describe, expect, it } from 'vitest';
import {
  TaskCache,
  TrackingStoreNotFoundError,
  normalizeCacheOptions,
  openTracker,
} from '@tideflow/core';
import type { Logger } from '@tideflow/core';
import { SqliteKeyvStore, SqliteTracker, createSqliteCacheStore } from '../src/index.js';
import { LATEST_SCHEMA_VERSION, migrate, schemaVersion } from '../src/schema.js';

const dir = mkdtempSync(join(tmpdir(), 'tideflow-read-only-'));
let files = 0;
const fresh = (ext = 'db') => join(dir, `store-${++files}.${ext}`);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function thrown(fn: () => unknown): Error & { code?: string } {
  try {
    fn();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a throw');
}

describe('opening a tracking store for reading (create: false)', () => {
  it('refuses a missing file and creates nothing', () => {
    const path = join(dir, 'nested', 'missing.db');
    const error = thrown(() => new SqliteTracker({ path, create: false }));
    expect(error).toBeInstanceOf(TrackingStoreNotFoundError);
    expect(error.message).toContain(`No tracking store at ${path}: the file does not exist`);
    expect(existsSync(join(dir, 'nested'))).toBe(false);
  });

  it('refuses a 0-byte file instead of taking it as a new store, and leaves it empty', async () => {
    const path = fresh();
    writeFileSync(path, '');
    const error = thrown(() => new SqliteTracker({ path, create: false }));
    expect(error).toBeInstanceOf(TrackingStoreNotFoundError);
    expect(error.message).toContain(`${path}: the file is empty (0 bytes)`);
    await expect(openTracker(`sqlite:///${path}`, { create: false })).rejects.toMatchObject({
      code: 'TRACKING_STORE_NOT_FOUND',
      location: path,
      reason: 'the file is empty (0 bytes)',
    });
    expect(statSync(path).size).toBe(0);
    expect(existsSync(`${path}-wal`)).toBe(false);
    // A writer still takes an empty file as a new store.
    const writer = new SqliteTracker({ path });
    await writer.close();
    expect(statSync(path).size).toBeGreaterThan(0);
  });

  it('does not migrate an older store, and says how to upgrade it', async () => {
    const path = fresh();
    const db = new Database(path);
    migrate(db, path, 1);
    db.close();
    const error = thrown(() => new SqliteTracker({ path, create: false }));
    expect(error.code).toBe('TRACKING_STORE');
    expect(error.message).toContain(`${path} has schema version 1, older than`);
    expect(error.message).toContain('reading does not migrate it');
    const after = new Database(path, { readonly: true });
    expect(schemaVersion(after)).toBe(1);
    after.close();
    const writer = new SqliteTracker({ path });
    await writer.close();
    const reader = new SqliteTracker({ path, create: false });
    expect((await reader.listExperiments()).map((e) => e.name)).toEqual(['Default']);
    await reader.close();
    const upgraded = new Database(path, { readonly: true });
    expect(schemaVersion(upgraded)).toBe(LATEST_SCHEMA_VERSION);
    upgraded.close();
  });

  it('refuses an SQLite file that is not a tideflow store without adding tables, and names a garbage file', () => {
    const path = fresh();
    const db = new Database(path);
    db.exec('CREATE TABLE notes (text TEXT)');
    db.close();
    const error = thrown(() => new SqliteTracker({ path, create: false }));
    expect(error.message).toContain(
      `${path} is an SQLite database but not a tideflow tracking store`,
    );
    const check = new Database(path, { readonly: true });
    expect(check.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all()).toEqual([
      { name: 'notes' },
    ]);
    check.close();
    const garbage = fresh();
    writeFileSync(garbage, 'not a database at all, but long enough to look like one '.repeat(4));
    const before = readFileSync(garbage);
    for (const create of [false, true]) {
      const e = thrown(() => new SqliteTracker({ path: garbage, create }));
      expect(e.code).toBe('TRACKING_STORE');
      expect(e.message).toContain(garbage);
    }
    expect(readFileSync(garbage).equals(before)).toBe(true);
  });
});

function recordingLogger(): Logger & {
  warnings: { fields: Record<string, unknown>; msg: string }[];
} {
  const warnings: { fields: Record<string, unknown>; msg: string }[] = [];
  const logger = {
    warnings,
    debug: () => {},
    info: () => {},
    warn: (fields: Record<string, unknown>, msg?: string) =>
      warnings.push({ fields, msg: msg ?? '' }),
    error: (fields: Record<string, unknown>, msg?: string) =>
      warnings.push({ fields, msg: msg ?? '' }),
    child: () => logger,
  };
  return logger;
}

describe('opening a cache store for reading (create: false)', () => {
  it('refuses a missing, empty or table-less file with an error naming it, and creates nothing', () => {
    const missing = join(dir, 'no-dir', 'cache.sqlite');
    expect(thrown(() => createSqliteCacheStore({ path: missing, create: false })).message).toBe(
      `No task cache at ${missing}: the file does not exist. It is created by the first cached ` +
        'task of a flow run with this cache; pass the right --cache path.',
    );
    expect(existsSync(join(dir, 'no-dir'))).toBe(false);
    const empty = fresh('sqlite');
    writeFileSync(empty, '');
    const error = thrown(() => new SqliteKeyvStore({ path: empty, create: false }));
    expect(error.code).toBe('CACHE_STORE');
    expect(error.message).toContain(`${empty}: the file is empty (0 bytes)`);
    expect(statSync(empty).size).toBe(0);
    const other = fresh('sqlite');
    const db = new Database(other);
    db.exec('CREATE TABLE notes (text TEXT)');
    db.close();
    expect(thrown(() => new SqliteKeyvStore({ path: other, create: false })).message).toContain(
      `${other} is an SQLite database without the cache table "tideflow_cache"`,
    );
  });

  it('reads an existing cache without purging it', async () => {
    const path = fresh('sqlite');
    const writer = createSqliteCacheStore({ path });
    await writer.set('live', Buffer.from('a'));
    await writer.set('short', Buffer.from('b'), 1);
    await writer.disconnect();
    await new Promise((r) => setTimeout(r, 5));
    const reader = createSqliteCacheStore({ path, create: false });
    expect(await reader.get('live')).toEqual(Buffer.from('a'));
    await reader.disconnect();
    const db = new Database(path, { readonly: true });
    // The expired row is skipped on read but only a writer purges it.
    expect(db.prepare('SELECT COUNT(*) AS n FROM tideflow_cache').get()).toEqual({ n: 2 });
    db.close();
  });

  it('warns naming the file and key for an undecodable row of the keyv JSON form', async () => {
    const path = fresh('sqlite');
    const store = new Keyv({ store: new SqliteKeyvStore({ path }) });
    const logger = recordingLogger();
    const cache = new TaskCache({ store, logger });
    const options = normalizeCacheOptions('A.task', true);
    const fn = (x: number) => x + 1;
    const key = cache.computeKey(options, {
      taskName: 'A.task',
      fn,
      args: [1],
      paramNames: ['x'],
    })!;
    await cache.run(options, key, () => Promise.resolve(2), false);
    const db = new Database(path);
    db.prepare("UPDATE tideflow_cache SET value = '{not json' WHERE key = 'keyv:' || ?").run(key);
    db.close();
    const again = await cache.run(options, key, () => Promise.resolve(2), false);
    expect(again.hit).toBe(false);
    expect(logger.warnings).toHaveLength(1);
    expect(logger.warnings[0].msg).toContain(`${key} in store sqlite://${path}`);
    expect(logger.warnings[0].fields).toMatchObject({ key, store: `sqlite://${path}` });
    await store.disconnect();
  });
});
