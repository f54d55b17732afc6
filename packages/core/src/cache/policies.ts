import { InvalidOptionError } from '../errors.js';

/** What a cache policy or a custom `key` function sees of one task call. */
export interface CacheKeyContext {
  /** The task's registered name, e.g. `Pipeline.train`. */
  readonly taskName: string;
  /** The undecorated task function. */
  readonly fn: (...args: never[]) => unknown;
  /** The call's arguments by parameter name, in positional order (`arg3` past the declared ones). */
  readonly parameters: Readonly<Record<string, unknown>>;
  /** The id of the enclosing flow run, if any. */
  readonly flowRunId?: string;
  /** The parameters of the enclosing flow run, if any. */
  readonly flowParameters?: Readonly<Record<string, unknown>>;
  /** The task's `version` option, if set (already part of every key of the task). */
  readonly version?: string;
  /** The structural hash (64 hex characters) tideflow uses for keys, for use in custom keys. */
  hash(value: unknown): string;
}

/** Receives the parts of a cache key from the policies. */
export interface CacheKeyBuilder {
  /**
   * Adds `value` to the key, hashed structurally. `label` names it in the key and in the
   * `CacheKeyError` raised when it cannot be hashed (for inputs: the parameter name).
   */
  add(label: string, value: unknown): void;
}

/**
 * A rule deciding what a task's cache key depends on. The built-in policies are {@link inputs},
 * {@link taskSource}, {@link flowParameters}, {@link runId}, {@link none} and the policies made by
 * `codeHash({ files, packages })`; a list of policies
 * combines them (the key depends on all of them).
 */
export interface CachePolicy {
  /** A stable name: policies are combined in name order, and one name may appear once. */
  readonly name: string;
  /** Adds this policy's part of the key; returns `false` when this call must not be cached. */
  contribute(ctx: CacheKeyContext, key: CacheKeyBuilder): boolean;
}

/** The {@link inputs} policy: the key depends on the task's arguments, except excluded ones. */
export interface InputsPolicy extends CachePolicy {
  /** The parameter names left out of the key. */
  readonly excluded: readonly string[];
  /**
   * A policy like this one that also leaves out the named parameters, e.g. a logger or a
   * connection argument that does not change the result.
   *
   * @throws InvalidOptionError when a name is not a non-empty string.
   */
  without(...names: string[]): InputsPolicy;
}

function makeInputs(excluded: readonly string[]): InputsPolicy {
  return Object.freeze({
    name: 'inputs',
    excluded,
    without(...names: string[]): InputsPolicy {
      for (const name of names) {
        if (typeof name !== 'string' || name === '') {
          throw new InvalidOptionError(
            `inputs.without() takes parameter names, got ${JSON.stringify(name) ?? String(name)}.`,
          );
        }
      }
      return makeInputs([...new Set([...excluded, ...names])]);
    },
    contribute(ctx: CacheKeyContext, key: CacheKeyBuilder): boolean {
      const names = Object.keys(ctx.parameters);
      const unknown = excluded.filter((name) => !names.includes(name));
      if (unknown.length > 0) {
        // A misspelt exclusion would otherwise silently keep the argument in the key.
        throw new InvalidOptionError(
          `Task "${ctx.taskName}" excludes ${unknown.map((n) => `"${n}"`).join(', ')} from its ` +
            `cache key with inputs.without(), but has no such parameter; its parameters are: ` +
            `${names.join(', ') || '(none)'}.`,
        );
      }
      for (const name of names) {
        if (!excluded.includes(name)) key.add(name, ctx.parameters[name]);
      }
      return true;
    },
  });
}

/**
 * The key depends on the task's arguments (hashed structurally). Use `inputs.without('name')` to
 * leave out arguments that do not change the result or cannot be hashed.
 */
export const inputs: InputsPolicy = makeInputs([]);

const sources = new WeakMap<object, string>();

/** The key depends on the task function's source text, so editing the task recomputes it. */
export const taskSource: CachePolicy = Object.freeze({
  name: 'taskSource',
  contribute(ctx: CacheKeyContext, key: CacheKeyBuilder): boolean {
    let source = sources.get(ctx.fn);
    if (source === undefined) {
      source = Function.prototype.toString.call(ctx.fn);
      sources.set(ctx.fn, source);
    }
    key.add('taskSource', source);
    return true;
  },
});

/** The key depends on the parameters of the enclosing flow run. */
export const flowParameters: CachePolicy = Object.freeze({
  name: 'flowParameters',
  contribute(ctx: CacheKeyContext, key: CacheKeyBuilder): boolean {
    key.add('flowParameters', ctx.flowParameters);
    return true;
  },
});

/**
 * The key depends on the flow run id: results are reused only within one flow run. Outside a
 * flow run nothing is cached.
 */
export const runId: CachePolicy = Object.freeze({
  name: 'runId',
  contribute(ctx: CacheKeyContext, key: CacheKeyBuilder): boolean {
    if (ctx.flowRunId === undefined) return false;
    key.add('runId', ctx.flowRunId);
    return true;
  },
});

/** Never cache: the task always runs. Cannot be combined with other policies. */
export const none: CachePolicy = Object.freeze({
  name: 'none',
  contribute: (): boolean => false,
});

/** The built-in policies, for `import { cachePolicies } from '@tideflow/core'`. */
export const cachePolicies = Object.freeze({ inputs, taskSource, flowParameters, runId, none });

/** Whether `value` is a {@link CachePolicy}. */
export function isCachePolicy(value: unknown): value is CachePolicy {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as CachePolicy).name === 'string' &&
    typeof (value as CachePolicy).contribute === 'function'
  );
}

/**
 * Validates a policy or a list of policies and returns them in canonical (name) order, so that
 * `[inputs, taskSource]` and `[taskSource, inputs]` give the same keys. An empty result means
 * the task is never cached (`none`).
 *
 * @throws InvalidOptionError naming the task for a non-policy, a repeated policy, an empty list,
 *   or `none` combined with another policy.
 */
export function combinePolicies(
  taskName: string,
  policy: CachePolicy | readonly CachePolicy[],
): readonly CachePolicy[] {
  const list: readonly unknown[] = Array.isArray(policy) ? policy : [policy];
  if (list.length === 0) {
    throw new InvalidOptionError(
      `Task "${taskName}" has an empty cache policy list; use none to disable caching.`,
    );
  }
  const seen = new Set<string>();
  for (const p of list) {
    if (!isCachePolicy(p)) {
      throw new InvalidOptionError(
        `Task "${taskName}" has an invalid cache policy ${JSON.stringify(p) ?? String(p)}; ` +
          `use inputs, inputs.without(...), taskSource, codeHash(...), flowParameters, runId or none.`,
      );
    }
    if (seen.has(p.name)) {
      throw new InvalidOptionError(
        `Task "${taskName}" lists the cache policy "${p.name}" twice; keep one.`,
      );
    }
    seen.add(p.name);
  }
  const policies = list as readonly CachePolicy[];
  if (seen.has('none')) {
    if (policies.length > 1) {
      throw new InvalidOptionError(
        `Task "${taskName}" combines the cache policy none with other policies; none means ` +
          `never cache, so use it alone.`,
      );
    }
    return [];
  }
  return [...policies].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
