import {
  checkVersion,
  normalizeCacheOptions,
  type NormalizedCacheOptions,
} from '../cache/task-cache.js';
import { isAbsolute } from 'node:path';
import { pathToFileURL } from 'node:url';
import { InvalidOptionError } from '../errors.js';
import type { Registry } from '../flow-registry.js';
import type { RunKind } from './events.js';
import {
  normalizeHooks,
  validateOptions,
  type FlowOptions,
  type NormalizedHooks,
  type TaskOptions,
} from './options.js';
import { parameterNames } from './param-names.js';
import { compileValidator, type ArgsValidator } from './args-validator.js';
import { compileTaskRunName } from './task-run-name.js';

/** Any function a flow or task wraps. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyFunction = (...args: any[]) => any;

/** Everything the engine needs to run a flow or task: its function, name and normalised options. */
export interface Definition {
  /** `flow` or `task`. */
  readonly kind: RunKind;
  /** The registered name. */
  readonly name: string;
  /** The undecorated function. */
  readonly fn: AnyFunction;
  /** The options as given (merged, for `.with` copies). */
  readonly options: FlowOptions & TaskOptions;
  /** Declared parameter names of `fn`. */
  readonly paramNames: readonly string[];
  /** The compiled parameter validator, when there is something to check. */
  readonly validator?: ArgsValidator;
  /** Hooks as arrays. */
  readonly hooks: NormalizedHooks;
  /** Tags (never undefined). */
  readonly tags: readonly string[];
  /** The registry it is registered in. */
  readonly registry?: Registry;
  /** Parameter types from `design:paramtypes`, when the compiler emitted them. */
  readonly paramTypes?: readonly unknown[];
  /** Normalised cache options (tasks with `cache` only). */
  readonly cache?: NormalizedCacheOptions;
  /**
   * The URL of the module that defines the task (the `module` option, else taken from the stack
   * where it was defined): a worker imports it to find the task by name. Tasks only.
   */
  readonly module?: string;
  /** Names each task run from its parameters (tasks with `taskRunName` only). */
  readonly runNamer?: (parameters: Readonly<Record<string, unknown>>) => string;
}

/** The `module` option as a URL (a file path becomes a `file:` URL); InvalidOptionError when it is neither. */
function moduleUrl(name: string, module: string | undefined): string | undefined {
  if (module === undefined) return undefined;
  if (typeof module === 'string' && isAbsolute(module)) return pathToFileURL(module).href;
  if (typeof module === 'string' && URL.canParse(module)) return module;
  throw new InvalidOptionError(
    `"${name}": option module must be an absolute file path or a URL (e.g. import.meta.url), got ${JSON.stringify(module)}.`,
  );
}

/** Builds a definition, validating the options (throws InvalidOptionError naming the flow or task). */
export function createDefinition(
  kind: RunKind,
  name: string,
  fn: AnyFunction,
  options: FlowOptions & TaskOptions,
  paramTypes?: readonly unknown[],
  module?: string,
): Definition {
  validateOptions(name, options);
  if (kind === 'flow' && options.cache !== undefined) {
    throw new InvalidOptionError(`"${name}": flows are not cached; put \`cache\` on its tasks.`);
  }
  if (kind === 'flow' && options.version !== undefined) {
    throw new InvalidOptionError(
      `"${name}": version is a task option (part of its cache key); put it on the flow's tasks.`,
    );
  }
  if (kind === 'flow' && options.taskRunName !== undefined) {
    throw new InvalidOptionError(
      `"${name}": taskRunName is a task option (it names task runs); put it on the flow's tasks.`,
    );
  }
  checkVersion(name, options.version);
  const paramNames = parameterNames(fn);
  return {
    kind,
    name,
    fn,
    options,
    paramNames,
    validator: compileValidator(paramNames, options.params, paramTypes),
    hooks: normalizeHooks(options),
    tags: options.tags ?? [],
    registry: options.registry,
    paramTypes,
    cache: options.cache ? normalizeCacheOptions(name, options.cache, options.version) : undefined,
    module: kind === 'task' ? moduleUrl(name, options.module ?? module) : undefined,
    runNamer: compileTaskRunName(name, options.taskRunName, paramNames),
  };
}

/** A copy of `def` with `options` merged over its own (the registered name stays). */
export function withOptions(def: Definition, options: FlowOptions & TaskOptions): Definition {
  const { name: _ignored, ...rest } = options;
  return createDefinition(
    def.kind,
    def.name,
    def.fn,
    { ...def.options, ...rest },
    def.paramTypes,
    def.module,
  );
}
