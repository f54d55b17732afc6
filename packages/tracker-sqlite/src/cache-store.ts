import { EventEmitter } from 'node:events';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { deserialize as v8Deserialize, serialize as v8Serialize } from 'node:v8';
import Database from 'better-sqlite3';
import { CacheStoreError } from '@tideflow/core';
import { Keyv } from 'keyv';
import type { KeyvStoreAdapter, StoredData } from 'keyv';
import { isBusy, writeWhenUnlocked } from './lock-wait.js';

/** Options of {@link SqliteKeyvStore}. */
export interface SqliteKeyvStoreOptions {
  /** The database file (its directory is created), or `':memory:'` for a private in-memory database. */
  path: string;
  /** The table holding the entries. Default `tideflow_cache`. */
  table?: string;
  /**
   * How long a write waits for another process holding the database lock, in ms. The wait is
   * asynchronous (the event loop keeps running); past it the write fails with a
   * `CacheStoreError` naming the file. Default 5000.
   */
  busyTimeout?: number;
  /**
   * Create the file and its table when missing. With `false` (reading tools such as `tideflow
   * cache info`) nothing is created or purged: a missing or empty (0-byte) file, or a database
   * without the table, throws `CacheStoreError` naming the file.
   *
   * @default true
   */
  create?: boolean;
}

/** With `create: false`: a missing or empty file is no cache, and must not become one. */
function checkCacheFile(path: string): void {
  const size = path === ':memory:' || !existsSync(path) ? -1 : statSync(path).size;
  if (size > 0) return;
  throw new CacheStoreError(
    `No task cache at ${path}: ${size < 0 ? 'the file does not exist' : 'the file is empty (0 bytes)'}. ` +
      'It is created by the first cached task of a flow run with this cache; pass the right --cache path.',
  );
}

/** With `create: false`: the database must already hold the cache table. */
function checkCacheTable(db: Database.Database, path: string, table: string): void {
  const found = db
    .prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?`)
    .get(table);
  if (found) return;
  throw new CacheStoreError(
    `${path} is an SQLite database without the cache table "${table}": not a tideflow task cache.`,
  );
}

/** The options keyv reads from an adapter: `dialect: 'sqlite'` turns on `Keyv#iterator`. */
export interface SqliteKeyvStoreAdapterOptions {
  /** Always `sqlite`. */
  dialect: 'sqlite';
  /** The database path, as a `sqlite://` URL. */
  url: string;
  /** The table holding the entries. */
  table: string;
}

/*
 * How a row's `value` column is to be read back:
 *   TEXT      a string from keyv's own serializer (`new Keyv({ store })`); keyv parses it again.
 *   BYTES     the bytes of an entry keyv passed unserialized (`serialize: undefined`), as a BLOB.
 *   STRING    a string value keyv passed unserialized.
 *   V8        any other value keyv passed unserialized, written with v8.serialize.
 */
const TEXT = 0;
const BYTES = 1;
const STRING = 2;
const V8 = 3;

interface Row {
  value: Buffer | string;
  kind: number;
  expires: number | null;
}

interface KeyRow extends Row {
  key: string;
}

/** A namespace's key range `[from, to)`; `to` is null for the whole table. */
interface RangeParams {
  from: string;
  to: string | null;
}

interface PageParams extends RangeParams {
  after: string;
  now: number;
  limit: number;
}

/** keyv's form of an unserialized value: the value and its expiry time (ms since the epoch). */
interface Envelope {
  value: unknown;
  expires?: number | null;
}

function isEnvelope(value: unknown): value is Envelope {
  return (
    typeof value === 'object' &&
    value !== null &&
    !ArrayBuffer.isView(value) &&
    Object.hasOwn(value, 'value')
  );
}

/**
 * A keyv storage adapter on better-sqlite3 (WAL mode): the persisted default cache store of flows
 * run from the CLI, at `.tideflow/cache.sqlite`.
 *
 * Why not `@keyv/sqlite`: it pulls in the `sqlite3` package, a second native SQLite driver that
 * compiles from source with node-gyp and whose prebuilt binary download fails on our machines,
 * while tideflow already ships better-sqlite3 for tracking. This adapter is one table and a few
 * prepared statements on that driver, synchronous and fast.
 *
 * Values are stored as given: with keyv's default JSON serializer (`new Keyv({ store })`) the row
 * holds keyv's string; with the serializer turned off ({@link createSqliteCacheStore}) the row
 * holds tideflow's entry bytes as a BLOB, with no JSON or base64 on the way in or out. Expired
 * rows are skipped on read and purged when the store opens. Use one of the two forms per file.
 *
 * @example
 * ```ts
 * const cache = new Keyv({ store: new SqliteKeyvStore({ path: '.tideflow/cache.sqlite' }) });
 * ```
 */
export class SqliteKeyvStore extends EventEmitter implements KeyvStoreAdapter {
  /** What keyv reads of the adapter. */
  readonly opts: SqliteKeyvStoreAdapterOptions;
  /** Set by keyv: keys of this namespace start with `<namespace>:`. */
  namespace?: string;
  private readonly db!: Database.Database;
  private readonly path: string;
  private readonly busyTimeout: number;
  private readonly selectOne: Database.Statement<[string], Row>;
  private readonly upsert: Database.Statement<[string, Buffer | string, number, number | null]>;
  private readonly deleteOne: Database.Statement<[string]>;
  private readonly page: Database.Statement<[PageParams], KeyRow>;
  private readonly deleteRange: Database.Statement<[RangeParams]>;

  constructor(options: SqliteKeyvStoreOptions) {
    super();
    const table = options.table ?? 'tideflow_cache';
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(table)) {
      throw new TypeError(`Invalid SQLite table name "${table}": use letters, digits and _.`);
    }
    const create = options.create ?? true;
    if (!create) checkCacheFile(options.path);
    else if (options.path !== ':memory:') mkdirSync(dirname(options.path), { recursive: true });
    this.opts = { dialect: 'sqlite', url: `sqlite://${options.path}`, table };
    this.path = options.path;
    this.busyTimeout = Math.max(0, Math.floor(options.busyTimeout ?? 5000));
    let db: Database.Database | undefined;
    try {
      db = new Database(options.path);
      // Opening may wait for the lock (switching a new file to WAL needs it); writes never do.
      db.pragma(`busy_timeout = ${this.busyTimeout}`);
      if (!create) checkCacheTable(db, options.path, table);
      db.pragma('journal_mode = WAL');
      // WAL + NORMAL survives process crashes; a power loss can only drop the latest entries,
      // which for a cache means a recomputation.
      db.pragma('synchronous = NORMAL');
      db.exec(
        `CREATE TABLE IF NOT EXISTS ${table} (key TEXT PRIMARY KEY, value BLOB NOT NULL, ` +
          `kind INTEGER NOT NULL, expires INTEGER);` +
          `CREATE INDEX IF NOT EXISTS ${table}_expires ON ${table} (expires) WHERE expires IS NOT NULL;`,
      );
      db.pragma('busy_timeout = 0');
    } catch (error) {
      db?.close();
      if (error instanceof CacheStoreError) throw error;
      throw new CacheStoreError(
        `Cannot open the SQLite cache store ${options.path}: ${(error as Error).message}` +
          ((error as { code?: unknown }).code === 'SQLITE_NOTADB'
            ? ' (the file exists but is not an SQLite database; move it away or delete it)'
            : ''),
        { cause: error },
      );
    }
    this.db = db;
    if (create) {
      this.bestEffort(() =>
        this.db.prepare(`DELETE FROM ${table} WHERE expires <= ?`).run(Date.now()),
      );
    }
    this.selectOne = this.db.prepare(`SELECT value, kind, expires FROM ${table} WHERE key = ?`);
    this.upsert = this.db.prepare(
      `INSERT INTO ${table} (key, value, kind, expires) VALUES (?, ?, ?, ?) ` +
        `ON CONFLICT(key) DO UPDATE SET value = excluded.value, kind = excluded.kind, expires = excluded.expires`,
    );
    this.deleteOne = this.db.prepare(`DELETE FROM ${table} WHERE key = ?`);
    // Keys are read in pages rather than through one open cursor, so that keyv may delete while
    // it iterates (better-sqlite3 refuses statements while a cursor is open).
    this.page = this.db.prepare(
      `SELECT key, value, kind, expires FROM ${table} WHERE key > @after AND key >= @from ` +
        `AND (@to IS NULL OR key < @to) AND (expires IS NULL OR expires > @now) ORDER BY key LIMIT @limit`,
    );
    this.deleteRange = this.db.prepare(
      `DELETE FROM ${table} WHERE key >= @from AND (@to IS NULL OR key < @to)`,
    );
  }

  /** Runs a write that may be skipped (housekeeping): a locked database skips it. */
  private bestEffort(write: () => unknown): void {
    try {
      write();
    } catch (error) {
      if (!isBusy(error)) throw error;
    }
  }

  /** Runs a write, waiting asynchronously while another process holds the lock. */
  private locked<T>(what: string, write: () => T): Promise<T> {
    return writeWhenUnlocked(
      write,
      this.busyTimeout,
      (waited, cause) =>
        new CacheStoreError(
          `SQLite cache store ${this.path}: could not ${what}: another process held the ` +
            `database lock for ${waited} ms (SQLITE_BUSY, busyTimeout ${this.busyTimeout} ms).`,
          { cause },
        ),
    );
  }

  private read(key: string, row: Row): StoredData<unknown> {
    if (row.kind === TEXT) return row.value;
    const expires = row.expires ?? undefined;
    if (row.kind === BYTES || row.kind === STRING) return { value: row.value, expires };
    if (row.kind !== V8) throw this.corrupt(key, `unknown value kind ${row.kind}`);
    try {
      const value: unknown = v8Deserialize(row.value as Buffer);
      return { value, expires };
    } catch (error) {
      throw this.corrupt(key, (error as Error).message);
    }
  }

  private corrupt(key: string, detail: string): CacheStoreError {
    return new CacheStoreError(
      `SQLite cache store ${this.path}: the row of key "${key}" is unreadable (${detail}).`,
    );
  }

  private live(key: string): Row | undefined {
    const row = this.selectOne.get(key);
    if (!row) return undefined;
    if (row.expires !== null && row.expires <= Date.now()) {
      this.bestEffort(() => this.deleteOne.run(key));
      return undefined;
    }
    return row;
  }

  /** The value stored under `key` (keyv's string, or `{ value, expires }`), or `undefined`. */
  get<Value>(key: string): Promise<StoredData<Value> | undefined> {
    try {
      const row = this.live(key);
      return Promise.resolve(row ? (this.read(key, row) as StoredData<Value>) : undefined);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /** The values stored under `keys`, in order, with `undefined` for missing ones. */
  getMany<Value>(keys: string[]): Promise<Array<StoredData<Value | undefined>>> {
    try {
      return Promise.resolve(
        keys.map((key) => {
          const row = this.live(key);
          return row ? (this.read(key, row) as StoredData<Value>) : undefined;
        }),
      );
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /** Stores `value` under `key`, replacing any previous row; resolves `true` once written. */
  async set(key: string, value: unknown, ttl?: number): Promise<boolean> {
    await this.locked(`write key "${key}"`, () => this.write(key, value, ttl));
    return true;
  }

  /** Stores several entries in one transaction. */
  async setMany(entries: Array<{ key: string; value: unknown; ttl?: number }>): Promise<void> {
    await this.locked(`write ${entries.length} entries`, () =>
      this.db.transaction(() => {
        for (const { key, value, ttl } of entries) this.write(key, value, ttl);
      })(),
    );
  }

  private write(key: string, value: unknown, ttl: number | undefined): void {
    const ttlExpiry = typeof ttl === 'number' && ttl > 0 ? Date.now() + ttl : null;
    if (typeof value === 'string') {
      this.upsert.run(key, value, TEXT, ttlExpiry);
      return;
    }
    const envelope = isEnvelope(value) ? value : { value };
    const expires = typeof envelope.expires === 'number' ? envelope.expires : ttlExpiry;
    const inner = envelope.value;
    if (inner instanceof Uint8Array) {
      const bytes = Buffer.isBuffer(inner)
        ? inner
        : Buffer.from(inner.buffer, inner.byteOffset, inner.byteLength);
      this.upsert.run(key, bytes, BYTES, expires);
    } else if (typeof inner === 'string') {
      this.upsert.run(key, inner, STRING, expires);
    } else {
      this.upsert.run(key, v8Serialize(inner), V8, expires);
    }
  }

  /** Removes `key`; resolves `true` when a row was removed. */
  async delete(key: string): Promise<boolean> {
    return this.locked(`delete key "${key}"`, () => this.deleteOne.run(key).changes > 0);
  }

  /** Removes several keys in one transaction; resolves `true` when any row was removed. */
  async deleteMany(keys: string[]): Promise<boolean> {
    const removed = await this.locked(`delete ${keys.length} keys`, () => {
      let n = 0;
      this.db.transaction(() => {
        for (const key of keys) n += this.deleteOne.run(key).changes;
      })();
      return n;
    });
    return removed > 0;
  }

  /** Whether a live (unexpired) row exists for `key`. */
  has(key: string): Promise<boolean> {
    return Promise.resolve(this.live(key) !== undefined);
  }

  /** Removes every row of this store's namespace (every row when it has none). */
  async clear(): Promise<void> {
    await this.locked('clear', () => this.deleteRange.run(this.range(this.namespace)));
  }

  /** The key range of a namespace: from `ns:` up to `ns;` (`;` follows `:`). */
  private range(namespace: string | undefined): RangeParams {
    return namespace ? { from: `${namespace}:`, to: `${namespace};` } : { from: '', to: null };
  }

  /** Yields `[key, value]` for every live row of `namespace` (of the whole table when undefined), in key order. */
  async *iterator<Value>(
    namespace?: string,
  ): AsyncGenerator<Array<string | Awaited<Value> | undefined>, void> {
    const range = this.range(namespace);
    let after = '';
    for (;;) {
      const rows = this.page.all({ ...range, after, now: Date.now(), limit: 256 });
      for (const row of rows) yield [row.key, this.read(row.key, row) as Awaited<Value>];
      if (rows.length < 256) return;
      after = rows[rows.length - 1].key;
    }
  }

  /** Closes the database. */
  disconnect(): Promise<void> {
    this.db.close();
    return Promise.resolve();
  }
}

/**
 * The persisted default cache store: a `Keyv` over a {@link SqliteKeyvStore} with keyv's JSON
 * serializer turned off, so that tideflow's entries are stored as BLOBs byte for byte.
 *
 * @example
 * ```ts
 * const cache = new TaskCache({ store: createSqliteCacheStore({ path: '.tideflow/cache.sqlite' }) });
 * ```
 */
export function createSqliteCacheStore(options: SqliteKeyvStoreOptions): Keyv {
  return new Keyv({
    store: new SqliteKeyvStore(options),
    serialize: undefined,
    deserialize: undefined,
    // keyv would turn a failed read into a silent miss; the task cache warns with the cause.
    throwOnErrors: true,
  });
}
