import { inspect } from 'node:util';
import { TaskArgumentError } from '../errors.js';
import type { SerializerRegistry } from '../serialization/serializer-registry.js';

/** A task's `this` and arguments encoded for a worker (structured-clone data). */
export interface EncodedCall {
  /** The encoded `this` (undefined for function tasks and for `this` values that stay behind). */
  readonly thisArg: unknown;
  /** The encoded arguments. */
  readonly args: readonly unknown[];
  /**
   * Copies of the large buffers in {@link EncodedCall.args}, to transfer with the call: once it is
   * posted they are detached, so a call is sent once (a retry encodes again).
   */
  readonly transferList: readonly ArrayBuffer[];
}

/** Buffers from this size cross as a transferred copy; smaller ones the structured clone copies. */
export const TRANSFER_MIN_BYTES = 64 * 1024;

/**
 * Replaces large buffers by copies made to be transferred. The structured clone copies a buffer
 * twice (into the message, then out of it); a transferred copy is copied once, and the caller's
 * data stays its own. As with the clone, each buffer is copied once however many views share it,
 * and the views keep their type, offset and length.
 * `SharedArrayBuffer`s cross without a copy either way and are left alone.
 */
class TransferCopies {
  readonly transferList: ArrayBuffer[] = [];
  private readonly copies = new Map<ArrayBuffer, ArrayBuffer>();

  readonly binary = (value: ArrayBufferView | ArrayBuffer): unknown => {
    const buffer = ArrayBuffer.isView(value) ? value.buffer : value;
    if (!(buffer instanceof ArrayBuffer) || buffer.byteLength < TRANSFER_MIN_BYTES) return value;
    let copy = this.copies.get(buffer);
    if (!copy) {
      // Through a view: `ArrayBuffer.prototype.slice` is several times slower in V8.
      copy = new Uint8Array(buffer).slice().buffer;
      this.copies.set(buffer, copy);
      this.transferList.push(copy);
    }
    if (!ArrayBuffer.isView(value)) return copy;
    if (value instanceof DataView) return new DataView(copy, value.byteOffset, value.byteLength);
    // Only the standard typed arrays get here (the registry refuses subclasses such as Buffer).
    const Typed = value.constructor as Float64ArrayConstructor;
    return new Typed(copy, value.byteOffset, value.byteLength / Typed.BYTES_PER_ELEMENT);
  };
}

/** Whether `thisArg` carries nothing a task body could read (a function task, or a module's `this`). */
function isEmptyThis(thisArg: unknown): boolean {
  return thisArg === undefined || thisArg === null || thisArg === globalThis;
}

/**
 * Encodes a call for a worker with the serializer registry, naming the first argument (or `this`)
 * that cannot cross. Buffers of `TRANSFER_MIN_BYTES` (64 KiB) or more are copied once, to be
 * transferred; views of a `SharedArrayBuffer` reach the worker without a copy.
 */
export function encodeCall(
  serializers: SerializerRegistry,
  taskName: string,
  paramNames: readonly string[],
  thisArg: unknown,
  args: readonly unknown[],
): EncodedCall {
  const copies = new TransferCopies();
  const encoded = new Array<unknown>(args.length);
  for (let i = 0; i < args.length; i++) {
    encoded[i] = encodeOne(serializers, copies, taskName, paramNames[i] ?? `#${i}`, i, args[i]);
  }
  return {
    thisArg: isEmptyThis(thisArg)
      ? undefined
      : encodeOne(serializers, copies, taskName, 'this', undefined, thisArg),
    args: encoded,
    transferList: copies.transferList,
  };
}

/** A task's result encoded for the main thread, with the copies of its large buffers to transfer. */
export interface EncodedResult {
  /** The encoded result. */
  readonly value: unknown;
  /** Copies of its large buffers (of 64 KiB or more). */
  readonly transferList: readonly ArrayBuffer[];
}

/** Encodes what a task returned; its large buffers are copied to be transferred. */
export function encodeResult(serializers: SerializerRegistry, value: unknown): EncodedResult {
  const copies = new TransferCopies();
  return {
    value: serializers.encode(value, 'result', copies.binary),
    transferList: copies.transferList,
  };
}

function encodeOne(
  serializers: SerializerRegistry,
  copies: TransferCopies,
  taskName: string,
  argument: string,
  index: number | undefined,
  value: unknown,
): unknown {
  try {
    return serializers.encode(value, argument, copies.binary);
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
