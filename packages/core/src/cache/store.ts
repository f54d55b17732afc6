import { Keyv } from 'keyv';
import { TideflowError } from '../errors.js';

/**
 * What tideflow needs of a cache store. Any `Keyv` instance satisfies it, so every keyv adapter
 * (memory, `@keyv/redis`, `@keyv/postgres`, tideflow's `SqliteKeyvStore`, ...) is a tideflow cache.
 *
 * Values handed to a store are tideflow entries: `Buffer`s that already carry a format version, a
 * checksum and the expiration, so a store only has to give the bytes back. keyv's default JSON
 * serializer does so (as base64 text); a store that keeps them byte for byte is faster.
 *
 * @example
 * ```ts
 * import { Keyv } from 'keyv';
 * import KeyvRedis from '@keyv/redis';
 * const store: CacheStore = new Keyv({ store: new KeyvRedis('redis://localhost:6379') });
 * ```
 */
export interface CacheStore {
  /** Resolves to the bytes stored under `key` (a `Buffer` or `Uint8Array`), or `undefined` when it is missing or expired. */
  get(key: string): Promise<unknown>;
  /** Stores the `Buffer` `value` under `key`, replacing any previous value; it expires after `ttl` ms when given. Resolves once written (keyv resolves `false` when the write failed). */
  set(key: string, value: Buffer, ttl?: number): Promise<unknown>;
  /** Removes `key`; resolves `true` when an entry was removed, `false` when there was none. */
  delete(key: string): Promise<boolean>;
  /** Removes every entry of this store (of its namespace, for namespaced keyv stores). */
  clear(): Promise<void>;
  /** Optional: yields `[key, value]` for every live entry; needed by `clearCache({ task })` and `cacheInfo`. Keyv provides it for Map, SQLite and Redis stores. */
  iterator?: (namespace?: string) => AsyncIterable<[string, unknown]>;
  /** Optional: closes connections held by the store. */
  disconnect?(): Promise<void>;
}

/** Thrown when a cache store cannot do what was asked, e.g. list its keys for `cacheInfo`. */
export class CacheStoreError extends TideflowError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('CACHE_STORE', message, options);
  }
}

/**
 * An in-memory store: the default for library use. It is a `Keyv` over a `Map` with keyv's JSON
 * serializer turned off, so entries are kept as the bytes tideflow produced, with no base64 copy.
 */
export function createMemoryCacheStore(): Keyv {
  return new Keyv({ serialize: undefined, deserialize: undefined });
}

/**
 * A name for a store in warnings: its adapter's URL for keyv stores that have one (the SQLite
 * store's file, a Redis host, without credentials), `memory` for keyv's in-memory Map, else the
 * class name of the store (`unnamed` for a plain object).
 */
export function describeCacheStore(store: CacheStore): string {
  const adapter = (store as { store?: unknown }).store;
  const url = (adapter as { opts?: { url?: unknown } } | undefined)?.opts?.url;
  if (typeof url === 'string' && url !== '') {
    try {
      const parsed = new URL(url);
      if (parsed.username || parsed.password) {
        parsed.username = '';
        parsed.password = '';
        return parsed.href;
      }
    } catch {
      // Not a URL (e.g. sqlite://relative/path): shown as is.
    }
    return url;
  }
  if (adapter instanceof Map) return 'memory';
  const name = (adapter ?? store)?.constructor?.name;
  return typeof name === 'string' && name !== 'Object' ? name : 'unnamed';
}

/** Whether `value` looks like a {@link CacheStore} (used to validate the `store` option). */
export function isCacheStore(value: unknown): value is CacheStore {
  if (typeof value !== 'object' || value === null) return false;
  const s = value as Record<string, unknown>;
  return (
    typeof s.get === 'function' &&
    typeof s.set === 'function' &&
    typeof s.delete === 'function' &&
    typeof s.clear === 'function'
  );
}
