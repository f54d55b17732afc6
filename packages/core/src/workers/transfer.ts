import { inspect } from 'node:util';
import { TaskArgumentError } from '../errors.js';
import type { SerializerRegistry } from '../serialization/serializer-registry.js';

/** A task's `this` and arguments encoded for a worker (structured-clone data). */
export interface EncodedCall {
  /** The encoded `this` (undefined for function tasks and for `this` values that stay behind). */
  readonly thisArg: unknown;
  /** The encoded arguments. */
  readonly args: readonly unknown[];
}

/** Whether `thisArg` carries nothing a task body could read (a function task, or a module's `this`). */
function isEmptyThis(thisArg: unknown): boolean {
  return thisArg === undefined || thisArg === null || thisArg === globalThis;
}

/**
 * Encodes a call for a worker with the serializer registry, naming the first argument (or `this`)
 * that cannot cross. Typed arrays stay as they are: the structured clone copies their bytes in one
 * block, and views of a `SharedArrayBuffer` reach the worker without a copy.
 */
export function encodeCall(
  serializers: SerializerRegistry,
  taskName: string,
  paramNames: readonly string[],
  thisArg: unknown,
  args: readonly unknown[],
): EncodedCall {
  const encoded = new Array<unknown>(args.length);
  for (let i = 0; i < args.length; i++) {
    encoded[i] = encodeOne(serializers, taskName, paramNames[i] ?? `#${i}`, i, args[i]);
  }
  return {
    thisArg: isEmptyThis(thisArg)
      ? undefined
      : encodeOne(serializers, taskName, 'this', undefined, thisArg),
    args: encoded,
  };
}

function encodeOne(
  serializers: SerializerRegistry,
  taskName: string,
  argument: string,
  index: number | undefined,
  value: unknown,
): unknown {
  try {
    return serializers.encode(value, argument);
  } catch (error) {
    const which = index === undefined ? "(the method's instance)" : `(argument ${index})`;
    throw new TaskArgumentError(
      taskName,
      argument,
      `${which} cannot be sent: ${(error as Error).message}`,
      { cause: error },
    );
  }
}

/** An error as it crosses threads: the structured clone keeps only standard error names. */
export interface EncodedError {
  /** `error.name`. */
  readonly name: string;
  /** `error.message`. */
  readonly message: string;
  /** `error.stack` (the worker's frames). */
  readonly stack?: string;
  /** Own enumerable data properties that can be cloned (`code`, `runName`, ...). */
  readonly props: Record<string, unknown>;
  /** The encoded `cause`. */
  readonly cause?: EncodedError | { readonly value: unknown };
}

/** Encodes what a task threw, keeping its name, message, stack, code and other plain fields. */
export function encodeError(error: unknown, depth = 0): EncodedError {
  if (!(error instanceof Error)) {
    return { name: 'Error', message: String(error), props: { thrown: cloneable(error) } };
  }
  const props: Record<string, unknown> = {};
  for (const key of Object.keys(error)) {
    if (key === 'cause') continue;
    const value = cloneable((error as unknown as Record<string, unknown>)[key]);
    if (value !== undefined) props[key] = value;
  }
  const cause = (error as { cause?: unknown }).cause;
  return {
    name: error.name,
    message: error.message,
    stack: error.stack,
    props,
    cause:
      cause === undefined || depth > 4
        ? undefined
        : cause instanceof Error
          ? encodeError(cause, depth + 1)
          : { value: cloneable(cause) },
  };
}

/** Rebuilds an error sent by {@link encodeError}: an `Error` with the same name, message, stack and fields. */
export function decodeError(encoded: EncodedError): Error {
  const cause =
    encoded.cause === undefined
      ? undefined
      : 'name' in encoded.cause
        ? decodeError(encoded.cause)
        : encoded.cause.value;
  const error = new Error(encoded.message, cause === undefined ? undefined : { cause });
  error.name = encoded.name;
  if (encoded.stack !== undefined) error.stack = encoded.stack;
  Object.assign(error, encoded.props);
  return error;
}

/** `value` if the structured clone takes it (primitives, plain data), else a readable string of it. */
export function cloneable(value: unknown): unknown {
  if (value === null || (typeof value !== 'object' && typeof value !== 'function')) {
    return typeof value === 'symbol' ? String(value) : value;
  }
  if (typeof value === 'function') return undefined;
  if (value instanceof Error) return { name: value.name, message: value.message };
  try {
    structuredClone(value);
    return value;
  } catch {
    return inspect(value, { depth: 2 });
  }
}
