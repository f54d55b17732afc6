import { deserialize as v8Deserialize, serialize as v8Serialize } from 'node:v8';
import { SerializationError } from '../errors.js';

/**
 * How instances of one class survive the cache and the tracker: `encode` turns an instance into
 * structured-clone data (plain objects, arrays, typed arrays, Map, Set, Date, BigInt, and other
 * registered instances), `decode` rebuilds the instance from that data.
 */
export interface Serializer<T, D = unknown> {
  /** Turns an instance into structured-clone data; nested registered instances are allowed. */
  encode(value: T): D;
  /** Rebuilds an instance from what `encode` returned (after its nested values were decoded). */
  decode(data: D): T;
}

/** A class constructor, abstract or not. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Constructor<T = unknown> = abstract new (...args: any[]) => T;

/** What a {@link SerializerRegistry.registerLazy} loader returns: the class and its serializer. */
export interface LazySerializer<T = unknown, D = unknown> {
  /** The class whose instances the serializer encodes. */
  ctor: Constructor<T>;
  /** How its instances are encoded and decoded. */
  serializer: Serializer<T, D>;
}

interface Entry {
  name: string;
  ctor: Constructor;
  serializer: Serializer<unknown>;
}

/** Marker key of an encoded class instance inside an encoded tree. */
const TAG = '__tideflow_class__';

/** Prototypes of values `v8.serialize` round-trips faithfully. */
const CLONEABLE = new Set<unknown>([
  Object.prototype,
  Array.prototype,
  Date.prototype,
  RegExp.prototype,
  Map.prototype,
  Set.prototype,
  ArrayBuffer.prototype,
  DataView.prototype,
  Int8Array.prototype,
  Uint8Array.prototype,
  Uint8ClampedArray.prototype,
  Int16Array.prototype,
  Uint16Array.prototype,
  Int32Array.prototype,
  Uint32Array.prototype,
  Float32Array.prototype,
  Float64Array.prototype,
  BigInt64Array.prototype,
  BigUint64Array.prototype,
  Boolean.prototype,
  Number.prototype,
  String.prototype,
  Error.prototype,
  null,
]);

/**
 * A registry of {@link Serializer}s by class. Values are encoded into structured-clone data and then
 * written with `v8.serialize`; instances of unregistered classes are refused rather than silently
 * turned into plain objects (which would decode to a wrong value).
 */
export class SerializerRegistry {
  private readonly byCtor = new Map<Constructor, Entry>();
  private readonly byName = new Map<string, Entry>();
  /** Serializers registered with {@link SerializerRegistry.registerLazy}, not loaded yet, by name. */
  private readonly lazy = new Map<string, () => LazySerializer>();

  /**
   * Registers how instances of `ctor` (and of its subclasses without their own entry) are encoded.
   * `name` identifies the class in stored data; it defaults to `ctor.name` and must be stable.
   */
  register<T, D>(
    ctor: Constructor<T>,
    serializer: Serializer<T, D>,
    name: string = ctor.name,
  ): void {
    if (this.lazy.has(name)) this.loadLazy(name);
    const entry: Entry = { name, ctor, serializer: serializer };
    const previous = this.byName.get(name);
    if (previous && previous.ctor !== ctor) {
      throw new SerializationError(
        `A serializer named "${name}" is already registered for another class; pass a distinct name.`,
      );
    }
    this.byCtor.set(ctor, entry);
    this.byName.set(name, entry);
  }

  /**
   * Registers a serializer whose class is loaded on first need, so that a process which never
   * meets an instance pays nothing for the class's module: `load` runs (synchronously, once) when
   * bytes carry `name`, or when an instance of a class without a loaded entry is met, and returns
   * the class and its serializer.
   *
   * @example
   * ```ts
   * const require = createRequire(import.meta.url);
   * registry.registerLazy('ml-matrix.Matrix', () => ({
   *   ctor: (require('ml-matrix') as typeof import('ml-matrix')).Matrix,
   *   serializer: matrixSerializer,
   * }));
   * ```
   */
  registerLazy<T, D>(name: string, load: () => LazySerializer<T, D>): void {
    if (this.byName.has(name) || this.lazy.has(name)) {
      throw new SerializationError(
        `A serializer named "${name}" is already registered; pass a distinct name.`,
      );
    }
    this.lazy.set(name, load);
  }

  /** Loads and registers the lazy serializer named `name`, or every one when `name` is omitted. */
  private loadLazy(name?: string): void {
    const names = name === undefined ? [...this.lazy.keys()] : [name];
    for (const key of names) {
      const load = this.lazy.get(key);
      if (!load) continue;
      this.lazy.delete(key);
      const { ctor, serializer } = load();
      this.register(ctor, serializer, key);
    }
  }

  /** Whether `value` is an instance of a class that has a registered serializer. */
  has(value: unknown): boolean {
    return this.entryFor(value) !== undefined;
  }

  /** The registered serializer entry for `value`'s class (walking up the prototype chain). */
  private entryFor(value: unknown): Entry | undefined {
    if (typeof value !== 'object' || value === null) return undefined;
    const proto = Object.getPrototypeOf(value) as unknown;
    const entry = this.loadedEntryFor(proto);
    if (entry || this.lazy.size === 0 || CLONEABLE.has(proto)) return entry;
    // An instance of a class without an entry: it may be one of the lazy serializers' classes.
    this.loadLazy();
    return this.loadedEntryFor(proto);
  }

  /** The entry of the first class on the prototype chain from `start` that has one. */
  private loadedEntryFor(start: unknown): Entry | undefined {
    let proto = start;
    while (proto !== null && proto !== Object.prototype) {
      const ctor = (proto as { constructor?: Constructor }).constructor;
      const entry = ctor ? this.byCtor.get(ctor) : undefined;
      if (entry) return entry;
      proto = Object.getPrototypeOf(proto);
    }
    return undefined;
  }

  /**
   * Encodes `value` into structured-clone data, replacing registered instances by tagged records.
   *
   * @param path - Where `value` is, for error messages (`$` is the root).
   * @param binary - Called with each typed array, `DataView` and `ArrayBuffer` met (those a
   *   serializer returns included); its answer takes the place of the value in the encoded data.
   *   By default they are kept as they are.
   */
  encode(
    value: unknown,
    path = '$',
    binary?: (value: ArrayBufferView | ArrayBuffer) => unknown,
  ): unknown {
    if (typeof value !== 'object' || value === null) {
      if (typeof value === 'function' || typeof value === 'symbol') {
        throw new SerializationError(`Cannot serialize the ${typeof value} at ${path}.`);
      }
      return value;
    }
    const entry = this.entryFor(value);
    if (entry) {
      return {
        [TAG]: entry.name,
        data: this.encode(entry.serializer.encode(value), `${path}<${entry.name}>`, binary),
      };
    }
    const proto: unknown = Object.getPrototypeOf(value);
    if (!CLONEABLE.has(proto)) {
      const name = (value as { constructor?: { name?: string } }).constructor?.name ?? 'unknown';
      throw new SerializationError(
        `Cannot serialize the ${name} instance at ${path}: register a serializer with registerSerializer(${name}, { encode, decode }).`,
      );
    }
    if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer) {
      return binary ? binary(value) : value;
    }
    if (value instanceof Date || value instanceof RegExp) return value;
    if (Array.isArray(value)) return value.map((v, i) => this.encode(v, `${path}[${i}]`, binary));
    if (value instanceof Map) {
      const out = new Map<unknown, unknown>();
      for (const [k, v] of value)
        out.set(
          this.encode(k, `${path}.key`, binary),
          this.encode(v, `${path}.get(${String(k)})`, binary),
        );
      return out;
    }
    if (value instanceof Set) {
      const out = new Set<unknown>();
      for (const v of value) out.add(this.encode(v, `${path}.item`, binary));
      return out;
    }
    if (value instanceof Error) return value;
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value)) {
      out[key] = this.encode((value as Record<string, unknown>)[key], `${path}.${key}`, binary);
    }
    return out;
  }

  /** Reverses {@link SerializerRegistry.encode}. */
  decode(data: unknown): unknown {
    if (typeof data !== 'object' || data === null) return data;
    if (
      ArrayBuffer.isView(data) ||
      data instanceof ArrayBuffer ||
      data instanceof Date ||
      data instanceof RegExp ||
      data instanceof Error
    ) {
      return data;
    }
    if (Array.isArray(data)) return data.map((v) => this.decode(v));
    if (data instanceof Map) {
      const out = new Map<unknown, unknown>();
      for (const [k, v] of data) out.set(this.decode(k), this.decode(v));
      return out;
    }
    if (data instanceof Set) {
      const out = new Set<unknown>();
      for (const v of data) out.add(this.decode(v));
      return out;
    }
    const record = data as Record<string, unknown>;
    const tag = record[TAG];
    if (typeof tag === 'string') {
      if (!this.byName.has(tag)) this.loadLazy(tag);
      const entry = this.byName.get(tag);
      if (!entry) {
        throw new SerializationError(
          `No serializer is registered under "${tag}"; import the module that registers it.`,
        );
      }
      return entry.serializer.decode(this.decode(record.data));
    }
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(record)) out[key] = this.decode(record[key]);
    return out;
  }

  /** Encodes and writes `value` to bytes with `v8.serialize`. */
  serialize(value: unknown): Buffer {
    return v8Serialize(this.encode(value));
  }

  /** Reads bytes written by {@link SerializerRegistry.serialize}. */
  deserialize(bytes: Uint8Array): unknown {
    return this.decode(v8Deserialize(bytes));
  }
}

/** The registry used by the cache and the trackers unless one is passed explicitly. */
export const defaultSerializers = new SerializerRegistry();

/**
 * Registers a serializer for a class in the default registry, so that its instances can be cached
 * and logged as models.
 *
 * @example
 * ```ts
 * registerSerializer(Point, { encode: (p) => [p.x, p.y], decode: ([x, y]) => new Point(x, y) });
 * ```
 */
export function registerSerializer<T, D>(
  ctor: Constructor<T>,
  serializer: Serializer<T, D>,
  name?: string,
): void {
  defaultSerializers.register(ctor, serializer, name);
}
