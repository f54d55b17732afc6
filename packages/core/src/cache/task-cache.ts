import { CacheKeyError, InvalidOptionError } from '../errors.js';
import { ConsoleLogger } from '../logger.js';
import type { Logger } from '../logger.js';
import { defaultSerializers } from '../serialization/serializer-registry.js';
import type { SerializerRegistry } from '../serialization/serializer-registry.js';
import { decodeEntry, encodePayload } from './entry.js';
import { parseExpiration } from './expiration.js';
import { StructuralHasher, UnhashableValueError, hashValue } from './hash.js';
import { formatCacheKey, formatCustomCacheKey } from './keys.js';
import { combinePolicies, inputs, taskSource } from './policies.js';
import type { CacheKeyBuilder, CacheKeyContext, CachePolicy } from './policies.js';
import { createMemoryCacheStore, describeCacheStore, isCacheStore } from './store.js';
import type { CacheStore } from './store.js';

/** The `cache` option of a task (`cache: true` means `{ policy: [inputs, taskSource] }`). */
export interface CacheOptions {
  /** What the key depends on; a list combines policies. Default `[inputs, taskSource]`. */
  policy?: CachePolicy | CachePolicy[];
  /** A custom key instead of a policy; keys are still scoped to the task. */
  key?: (ctx: CacheKeyContext, args: readonly unknown[]) => string;
  /** How long an entry stays valid: milliseconds, or a duration such as `'1h'` or `'7d'`. */
  expiration?: number | string;
  /** Always run the task and overwrite its entry. */
  refresh?: boolean;
  /** The store for this task's entries, instead of the cache's store. */
  store?: CacheStore;
}

/** One task call, as the engine describes it to the cache. */
export interface CacheRequest {
  /** The task's registered name, e.g. `Pipeline.train`. */
  taskName: string;
  /** The undecorated function (for the `taskSource` policy). */
  fn: (...args: never[]) => unknown;
  /** The call's arguments. */
  args: readonly unknown[];
  /** The names of `fn`'s parameters, from `parameterNames(fn)`. */
  paramNames: readonly string[];
  /** The id of the enclosing flow run, if any. */
  flowRunId?: string;
  /** The parameters of the enclosing flow run, if any. */
  flowParameters?: Readonly<Record<string, unknown>>;
}

/** Cache options after validation, as {@link normalizeCacheOptions} returns them. */
export interface NormalizedCacheOptions {
  /** The task the options belong to. */
  readonly taskName: string;
  /** The policies in canonical order; empty when the policy is `none` (never cache). */
  readonly policies: readonly CachePolicy[];
  /** The custom key function, when given (then `policies` is not used). */
  readonly key?: (ctx: CacheKeyContext, args: readonly unknown[]) => string;
  /** Milliseconds an entry stays valid; undefined for no expiration. */
  readonly expirationMs?: number;
  /** Whether this task always recomputes and overwrites its entry. */
  readonly refresh: boolean;
  /** The task's own store, when given. */
  readonly store?: CacheStore;
  /** The task's `version` option: part of every key, so a new version misses the old entries. */
  readonly version?: string;
}

/** What {@link TaskCache.run} returns. */
export interface CacheRunResult<T> {
  /** The task's result: computed, read from the store, or shared with a concurrent identical call. */
  value: T;
  /** Whether the task did not run for this call (its state is then `Cached`). */
  hit: boolean;
  /** Where the value came from: the store, this call's computation, or a concurrent call with the same key. */
  source: 'store' | 'computed' | 'in-flight';
  /** Whether the result is now in the store (false when it could not be serialized or written). */
  stored: boolean;
}

/** Options of a {@link TaskCache}. */
export interface TaskCacheOptions {
  /** The store used by tasks without their own. Default: a fresh in-memory store. */
  store?: CacheStore;
  /** How results are serialized and class instances hashed. Default: the default registry. */
  serializers?: SerializerRegistry;
  /** Where warnings go (corrupt entries, unserializable results, store failures). */
  logger?: Logger;
}

const OPTION_KEYS = new Set(['policy', 'key', 'expiration', 'refresh', 'store']);

/**
 * Validates a task's `cache` option; `true` means `[inputs, taskSource]`. `version` is the task's
 * `version` option, which every key of the task includes.
 *
 * @throws InvalidOptionError naming the task for an unknown field, an invalid policy, both
 *   `policy` and `key`, an invalid expiration, a non-boolean `refresh`, a non-store `store` or a
 *   `version` that is not a non-empty string.
 */
export function normalizeCacheOptions(
  taskName: string,
  options: true | CacheOptions,
  version?: string,
): NormalizedCacheOptions {
  checkVersion(taskName, version);
  if (options === true) {
    return {
      taskName,
      policies: combinePolicies(taskName, [inputs, taskSource]),
      refresh: false,
      version,
    };
  }
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new InvalidOptionError(
      `The cache option of task "${taskName}" must be true or an object of cache options.`,
    );
  }
  for (const field of Object.keys(options)) {
    if (!OPTION_KEYS.has(field)) {
      throw new InvalidOptionError(
        `Task "${taskName}" has an unknown cache option "${field}"; the options are ` +
          `${[...OPTION_KEYS].join(', ')}.`,
      );
    }
  }
  const { policy, key, expiration, refresh, store } = options;
  if (key !== undefined && typeof key !== 'function') {
    throw new InvalidOptionError(`The cache key of task "${taskName}" must be a function.`);
  }
  if (key !== undefined && policy !== undefined) {
    throw new InvalidOptionError(
      `Task "${taskName}" sets both a cache policy and a cache key function; a key function ` +
        `replaces the policy, so pass only one.`,
    );
  }
  if (refresh !== undefined && typeof refresh !== 'boolean') {
    throw new InvalidOptionError(
      `The cache refresh option of task "${taskName}" must be a boolean.`,
    );
  }
  if (store !== undefined && !isCacheStore(store)) {
    throw new InvalidOptionError(
      `The cache store of task "${taskName}" must be a CacheStore (e.g. a Keyv instance) with ` +
        `get, set, delete and clear.`,
    );
  }
  return {
    taskName,
    policies: key ? [] : combinePolicies(taskName, policy ?? [inputs, taskSource]),
    key,
    expirationMs:
      expiration === undefined ? undefined : parseExpiration(expiration, `task "${taskName}"`),
    refresh: refresh ?? false,
    store,
    version,
  };
}

/**
 * Throws InvalidOptionError naming the task when its `version` option is set but not a
 * non-empty string.
 */
export function checkVersion(taskName: string, version: unknown): void {
  if (version !== undefined && (typeof version !== 'string' || version.trim() === '')) {
    throw new InvalidOptionError(
      `"${taskName}": option version must be a non-empty string (e.g. '2' or '2024-06-01'), ` +
        `got ${JSON.stringify(version) ?? typeof version}.`,
    );
  }
}

interface Outcome {
  value: unknown;
  hit: boolean;
  stored: boolean;
  /** The serialized value, from which concurrent callers get their own copy. */
  payload?: Uint8Array;
}

/** Makes the parameters record without a prototype, so that a parameter named `__proto__` is kept. */
function parametersOf(request: CacheRequest): Record<string, unknown> {
  const parameters = Object.create(null) as Record<string, unknown>;
  const count = Math.max(request.paramNames.length, request.args.length);
  for (let i = 0; i < count; i++) {
    let name = request.paramNames[i] ?? `arg${i}`;
    while (Object.hasOwn(parameters, name)) name += '_';
    parameters[name] = request.args[i];
  }
  return parameters;
}

function unhashable(taskName: string, label: string, error: unknown): unknown {
  if (!(error instanceof UnhashableValueError)) return error;
  const detail = error.path
    ? `has a part that ${error.detail}: ${label}${error.path}`
    : error.detail;
  return new CacheKeyError(taskName, label, detail);
}

/**
 * Makes a `Keyv` store throw what its adapter throws: keyv otherwise turns a failed read into a
 * silent miss (and a failed write into `false`), so a corrupt entry or a locked file would go
 * unreported. The cache catches these errors and warns with their cause.
 */
function surfaceErrors(store: CacheStore): void {
  const keyv = store as { throwOnErrors?: unknown };
  if (keyv.throwOnErrors === false) keyv.throwOnErrors = true;
}

/**
 * Computes cache keys for task calls and runs them through a store: a hit returns the stored
 * value, a miss computes and stores it. This is what the engine calls for every cached task.
 *
 * @example
 * ```ts
 * const cache = new TaskCache();
 * const options = normalizeCacheOptions('double', true);
 * const key = cache.computeKey(options, { taskName: 'double', fn: double, args: [2], paramNames: ['x'] });
 * const { value, hit } = await cache.run(options, key!, () => double(2), false);
 * ```
 */
export class TaskCache {
  /** The store used by tasks without their own. */
  readonly store: CacheStore;
  /** The serializer registry used for values and for hashing class instances. */
  readonly serializers: SerializerRegistry;
  private readonly logger: Logger;
  private readonly inflight = new WeakMap<CacheStore, Map<string, Promise<Outcome>>>();

  constructor(options: TaskCacheOptions = {}) {
    this.store = options.store ?? createMemoryCacheStore();
    this.serializers = options.serializers ?? defaultSerializers;
    this.logger = options.logger ?? new ConsoleLogger();
  }

  /**
   * The key, computed before the task runs; `undefined` when the call must not be cached (policy
   * `none`, or `runId` outside a flow run).
   *
   * @throws CacheKeyError naming the task and argument when an argument cannot be hashed.
   * @throws InvalidOptionError when `inputs.without` names a missing parameter or the key function does not return a non-empty string.
   */
  computeKey(options: NormalizedCacheOptions, request: CacheRequest): string | undefined {
    const taskName = request.taskName;
    const ctx: CacheKeyContext = {
      taskName,
      fn: request.fn,
      parameters: parametersOf(request),
      flowRunId: request.flowRunId,
      flowParameters: request.flowParameters,
      version: options.version,
      hash: (value) => {
        try {
          return hashValue(value, this.serializers);
        } catch (error) {
          throw unhashable(taskName, 'value given to ctx.hash()', error);
        }
      },
    };
    if (options.key) {
      const custom: unknown = options.key(ctx, request.args);
      if (typeof custom !== 'string' || custom === '') {
        throw new InvalidOptionError(
          `The cache key function of task "${taskName}" returned ${JSON.stringify(custom) ?? String(custom)}; it must return a non-empty string.`,
        );
      }
      return formatCustomCacheKey(taskName, custom, options.version);
    }
    if (options.policies.length === 0) return undefined;
    const hasher = new StructuralHasher(this.serializers);
    const builder: CacheKeyBuilder = {
      add: (label, value) => {
        hasher.label(label);
        try {
          hasher.add(value);
        } catch (error) {
          throw unhashable(taskName, label, error);
        }
      },
    };
    try {
      if (options.version !== undefined) builder.add('version', options.version);
      for (const policy of options.policies) {
        hasher.label(policy.name);
        if (!policy.contribute(ctx, builder)) {
          hasher.abandon();
          return undefined;
        }
      }
    } catch (error) {
      hasher.abandon();
      throw error;
    }
    return formatCacheKey(taskName, hasher.digest());
  }

  /**
   * Looks up the key (unless `refresh`), else computes, stores on success (never on failure), and
   * returns whether it was a hit. Concurrent calls with the same key in this process compute once;
   * each caller gets its own copy of the value. An unserializable result is returned uncached with
   * one warning; a corrupt or truncated entry is a miss with a warning, and is overwritten.
   */
  async run<T>(
    options: NormalizedCacheOptions,
    key: string,
    compute: () => Promise<T>,
    refresh: boolean,
  ): Promise<CacheRunResult<T>> {
    const store = options.store ?? this.store;
    let pending = this.inflight.get(store);
    if (!pending) {
      surfaceErrors(store);
      pending = new Map();
      this.inflight.set(store, pending);
    }
    const running = pending.get(key);
    if (running) {
      const outcome = await running;
      return {
        value: this.copyOf(outcome, options.taskName, key) as T,
        hit: true,
        source: 'in-flight',
        stored: outcome.stored,
      };
    }
    const promise = this.lookupOrCompute(options, store, key, compute, refresh || options.refresh);
    pending.set(key, promise);
    try {
      const outcome = await promise;
      return {
        value: outcome.value as T,
        hit: outcome.hit,
        source: outcome.hit ? 'store' : 'computed',
        stored: outcome.stored,
      };
    } finally {
      pending.delete(key);
    }
  }

  /** A concurrent caller's own copy of the value (shared only when it could not be serialized). */
  private copyOf(outcome: Outcome, taskName: string, key: string): unknown {
    if (!outcome.payload) return outcome.value;
    try {
      return this.serializers.deserialize(outcome.payload);
    } catch (error) {
      this.logger.warn(
        { task: taskName, key, error: (error as Error).message },
        'could not copy a cached result for a concurrent call; sharing the same object',
      );
      return outcome.value;
    }
  }

  private async lookupOrCompute(
    options: NormalizedCacheOptions,
    store: CacheStore,
    key: string,
    compute: () => Promise<unknown>,
    refresh: boolean,
  ): Promise<Outcome> {
    const task = options.taskName;
    if (!refresh) {
      let stored: unknown;
      try {
        stored = await store.get(key);
      } catch (error) {
        const name = describeCacheStore(store);
        this.logger.warn(
          { task, key, store: name, error: (error as Error).message },
          `cache lookup of ${key} in store ${name} failed (${(error as Error).message}); running the task`,
        );
      }
      if (stored !== undefined && stored !== null) {
        const entry = decodeEntry(key, stored, this.serializers);
        if (entry.status === 'hit') {
          return { value: entry.value, hit: true, stored: true, payload: entry.payload };
        }
        if (entry.status === 'corrupt') {
          const name = describeCacheStore(store);
          this.logger.warn(
            { task, key, store: name, reason: entry.reason },
            `ignoring the unreadable cache entry ${key} in store ${name} (${entry.reason}); ` +
              'recomputing and overwriting it',
          );
        }
      }
    }
    const value = await compute();
    let payload: Uint8Array;
    try {
      payload = this.serializers.serialize(value);
    } catch (error) {
      this.logger.warn(
        { task, key, error: (error as Error).message },
        'the task result cannot be serialized, so it is not cached',
      );
      return { value, hit: false, stored: false };
    }
    const ttl = options.expirationMs;
    const entry = encodePayload(key, payload, ttl === undefined ? 0 : Date.now() + ttl);
    let stored = false;
    try {
      stored = (await store.set(key, entry, ttl)) !== false;
      if (!stored) this.logger.warn({ task, key }, 'the cache store did not write the result');
    } catch (error) {
      this.logger.warn(
        { task, key, error: (error as Error).message },
        `could not write the result to the cache store (${(error as Error).message})`,
      );
    }
    return { value, hit: false, stored, payload };
  }
}
