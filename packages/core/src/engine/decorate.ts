import { createRequire } from 'node:module';
import type {} from 'reflect-metadata';
import { DecoratorTargetError, InvalidOptionError } from '../errors.js';
import { defaultRegistry } from '../flow-registry.js';
import { makeCallable, type FlowCallable, type TaskCallable } from './callable.js';
import { createDefinition, type AnyFunction, type Definition } from './definition.js';
import { definingModule } from './defining-module.js';
import type { RunKind } from './events.js';
import type { FlowOptions, TaskOptions } from './options.js';

// Loaded with require: an ESM import of this CommonJS polyfill costs a cold process ~15 ms more
// (Node scans the file for named exports). It must run before any decorated class is defined.
createRequire(import.meta.url)('reflect-metadata');

/** The reflect-metadata key under which a decorated method's options are stored on its class. */
export const OPTIONS_METADATA_KEY: Readonly<Record<RunKind, string>> = {
  flow: 'tideflow:flow',
  task: 'tideflow:task',
};

/** A decorator usable with `experimentalDecorators` and with TC39 standard decorators. */
export interface MethodDecoratorBoth {
  /** The legacy (`experimentalDecorators`) form. */
  <T extends AnyFunction>(
    target: object,
    propertyKey: string | symbol,
    descriptor: TypedPropertyDescriptor<T>,
  ): TypedPropertyDescriptor<T> | void;
  /** The TC39 standard form. */
  <T extends AnyFunction>(value: T, context: ClassMethodDecoratorContext): T | void;
}

type Options = FlowOptions & TaskOptions;

/** Registers a definition and returns it. */
function define(
  kind: RunKind,
  name: string,
  fn: AnyFunction,
  options: Options,
  paramTypes: readonly unknown[] | undefined,
  module: string | undefined,
): Definition {
  const def = createDefinition(kind, name, fn, options, paramTypes, module);
  (options.registry ?? defaultRegistry).register(def);
  return def;
}

/** Installs the bound callable as an own property, so later reads are plain property reads. */
function install(
  instance: object,
  key: string | symbol,
  def: Definition,
): TaskCallable & FlowCallable {
  const callable = makeCallable(def, { value: instance });
  Object.defineProperty(instance, key, {
    value: callable,
    configurable: true,
    writable: true,
    enumerable: false,
  });
  return callable;
}

function describe(kind: RunKind, target: unknown, key: unknown): string {
  const owner =
    typeof target === 'function'
      ? target.name
      : (target as { constructor?: { name?: string } })?.constructor?.name;
  return `@${kind} on ${owner ?? '?'}.${String(key)}`;
}

/** The legacy decorator: replaces the method by a getter that binds a callable to each instance. */
function decorateLegacy(
  kind: RunKind,
  options: Options,
  target: object,
  key: string | symbol,
  descriptor: PropertyDescriptor | undefined,
  module: string | undefined,
): PropertyDescriptor {
  if (!descriptor || typeof descriptor.value !== 'function') {
    throw new DecoratorTargetError(
      `${describe(kind, target, key)}: only methods can be decorated (this is a ${descriptor?.get || descriptor?.set ? 'getter or setter' : 'property'}).`,
    );
  }
  const isStatic = typeof target === 'function';
  const className = isStatic
    ? (target as AnyFunction).name
    : (target as { constructor: AnyFunction }).constructor.name;
  Reflect.defineMetadata(OPTIONS_METADATA_KEY[kind], options, target, key);
  const paramTypes = Reflect.getMetadata('design:paramtypes', target, key) as unknown[] | undefined;
  const def = define(
    kind,
    options.name ?? `${className}.${String(key)}`,
    descriptor.value as AnyFunction,
    options,
    paramTypes,
    module,
  );
  const unbound = makeCallable(def);
  return {
    configurable: true,
    enumerable: descriptor.enumerable,
    get(this: object) {
      return this === target ? unbound : install(this, key, def);
    },
    set(this: object, value: unknown) {
      Object.defineProperty(this, key, {
        value,
        configurable: true,
        writable: true,
        enumerable: true,
      });
    },
  };
}

/** The TC39 decorator: each instance gets its bound callable when it is constructed. */
function decorateStandard(
  kind: RunKind,
  options: Options,
  value: AnyFunction,
  context: ClassMethodDecoratorContext,
  module: string | undefined,
): AnyFunction {
  if (context.kind !== 'method') {
    throw new DecoratorTargetError(
      `@${kind} on ${String((context as { name?: unknown }).name)}: only methods can be decorated (this is a ${(context as { kind: string }).kind}).`,
    );
  }
  let def: Definition | undefined;
  context.addInitializer(function (this: unknown) {
    const self = this as object;
    if (!def) {
      // The class name is only known once the class exists, i.e. here.
      const owner = context.static
        ? (self as AnyFunction)
        : (Object.getPrototypeOf(self) as object);
      const className = context.static
        ? (self as AnyFunction).name
        : (self.constructor as AnyFunction).name;
      Reflect.defineMetadata(OPTIONS_METADATA_KEY[kind], options, owner, context.name);
      def = define(
        kind,
        options.name ?? `${className}.${String(context.name)}`,
        value,
        options,
        undefined,
        module,
      );
    }
    install(self, context.name, def);
  });
  return value;
}

function isStandardContext(value: unknown): value is ClassMethodDecoratorContext {
  return (
    typeof value === 'object' &&
    value !== null &&
    'kind' in value &&
    'name' in value &&
    'addInitializer' in value
  );
}

/** The module defining a task (what a worker imports to find it); flows never leave the main thread. */
function moduleOf(kind: RunKind): string | undefined {
  return kind === 'task' ? definingModule() : undefined;
}

/** A decorator of either flavour, applying `options`. */
function decorator(kind: RunKind, options: Options): MethodDecoratorBoth {
  return ((target: unknown, keyOrContext: unknown, descriptor?: PropertyDescriptor) => {
    // The decorator runs while the class is defined: the defining module is on the stack now.
    const module = moduleOf(kind);
    if (isStandardContext(keyOrContext))
      return decorateStandard(kind, options, target as AnyFunction, keyOrContext, module);
    if (typeof keyOrContext !== 'string' && typeof keyOrContext !== 'symbol') {
      throw new DecoratorTargetError(
        `@${kind}: only methods can be decorated (got a ${typeof target === 'function' ? 'class' : typeof target}).`,
      );
    }
    return decorateLegacy(kind, options, target as object, keyOrContext, descriptor, module);
  }) as MethodDecoratorBoth;
}

/**
 * The shared entry of `flow(...)` and `task(...)`: the function form, the decorator factory, and the
 * bare decorator of either flavour.
 */
export function flowOrTask(kind: RunKind, args: unknown[]): unknown {
  const [first, second, third] = args;
  if (typeof first === 'function' && isStandardContext(second)) {
    return decorateStandard(kind, {}, first as AnyFunction, second, moduleOf(kind)); // bare TC39 @task
  }
  if (args.length === 3 && (typeof second === 'string' || typeof second === 'symbol')) {
    return decorateLegacy(
      kind,
      {},
      first as object,
      second,
      third as PropertyDescriptor | undefined,
      moduleOf(kind),
    ); // bare legacy @task
  }
  if (typeof first === 'function') {
    const options = (second ?? {}) as Options;
    if (typeof options !== 'object' || options === null) {
      throw new InvalidOptionError(
        `${kind}(${first.name || 'fn'}, options): options must be an object.`,
      );
    }
    const name = options.name ?? first.name;
    if (!name) {
      throw new InvalidOptionError(
        `${kind}() needs a named function or a \`name\` option (the name registers it and labels its runs).`,
      );
    }
    return makeCallable(
      define(kind, name, first as AnyFunction, options, undefined, moduleOf(kind)),
    );
  }
  if (first === undefined || (typeof first === 'object' && first !== null && args.length <= 1)) {
    return decorator(kind, first ?? {});
  }
  throw new InvalidOptionError(
    `${kind}() expects a function (and options) or options for a decorator, got ${first === null ? 'null' : typeof first}.`,
  );
}
