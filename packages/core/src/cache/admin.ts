import { parseCacheKey, taskKeyPrefix } from './keys.js';
import { CacheStoreError } from './store.js';
import type { CacheStore } from './store.js';

/** The entries of one task in a store, as {@link cacheInfo} reports them. */
export interface CacheTaskInfo {
  /** The task's registered name. */
  task: string;
  /** How many live entries it has. */
  entries: number;
  /** Their total size in bytes, as stored (keyv's JSON forms count their text length). */
  bytes: number;
}

/** What {@link cacheInfo} reports: the `tideflow cache info` command prints it. */
export interface CacheInfo {
  /** Live tideflow entries in the store. */
  entries: number;
  /** Their total size in bytes. */
  bytes: number;
  /** Per task, sorted by name. */
  tasks: CacheTaskInfo[];
  /** Entries in the store that tideflow did not write (other users of a shared namespace). */
  otherEntries: number;
}

/** Options of {@link clearCache}. */
export interface ClearCacheOptions {
  /** Only remove this task's entries (its registered name, e.g. `Pipeline.train`). */
  task?: string;
}

function entriesOf(store: CacheStore, purpose: string): AsyncIterable<[string, unknown]> {
  if (typeof store.iterator !== 'function') {
    throw new CacheStoreError(
      `This cache store cannot list its keys, which ${purpose} needs: use a Keyv store whose ` +
        `adapter is iterable (memory, SQLite, Redis), or clear the whole store.`,
    );
  }
  return store.iterator();
}

function sizeOf(value: unknown): number {
  if (value instanceof Uint8Array) return value.byteLength;
  if (typeof value === 'string') return value.length;
  if (typeof value === 'object' && value !== null && 'value' in value) {
    return sizeOf(value.value);
  }
  return 0;
}

/**
 * Removes cached task results: every entry of the store, or only those of one task. This is what
 * `tideflow cache clear [--task NAME]` runs.
 *
 * @returns how many entries were removed, or `undefined` when the whole store was cleared and it
 *   cannot list its keys to count them.
 * @throws CacheStoreError when `task` is given and the store cannot list its keys.
 *
 * @example
 * ```ts
 * await clearCache(store, { task: 'Pipeline.train' }); // 3
 * ```
 */
export async function clearCache(
  store: CacheStore,
  options: ClearCacheOptions = {},
): Promise<number | undefined> {
  if (options.task === undefined) {
    let count: number | undefined;
    if (typeof store.iterator === 'function') {
      count = 0;
      for await (const [key] of store.iterator()) if (parseCacheKey(key)) count++;
    }
    await store.clear();
    return count;
  }
  const prefix = taskKeyPrefix(options.task);
  // Keys are collected first: deleting while a store iterates is not safe for every adapter.
  const keys: string[] = [];
  for await (const [key] of entriesOf(store, 'clearing one task')) {
    if (key.startsWith(prefix)) keys.push(key);
  }
  let removed = 0;
  for (const key of keys) if (await store.delete(key)) removed++;
  return removed;
}

/**
 * Counts the live entries of a store per task, with their sizes. This is what
 * `tideflow cache info` prints.
 *
 * @throws CacheStoreError when the store cannot list its keys.
 */
export async function cacheInfo(store: CacheStore): Promise<CacheInfo> {
  const tasks = new Map<string, CacheTaskInfo>();
  let otherEntries = 0;
  for await (const [key, value] of entriesOf(store, 'cacheInfo')) {
    const parsed = parseCacheKey(key);
    if (!parsed) {
      otherEntries++;
      continue;
    }
    let info = tasks.get(parsed.taskName);
    if (!info) {
      info = { task: parsed.taskName, entries: 0, bytes: 0 };
      tasks.set(parsed.taskName, info);
    }
    info.entries++;
    info.bytes += sizeOf(value);
  }
  const list = [...tasks.values()].sort((a, b) => (a.task < b.task ? -1 : a.task > b.task ? 1 : 0));
  return {
    entries: list.reduce((n, t) => n + t.entries, 0),
    bytes: list.reduce((n, t) => n + t.bytes, 0),
    tasks: list,
    otherEntries,
  };
}
