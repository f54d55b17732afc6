import { randomUUID } from 'node:crypto';
import { deserialize, serialize } from 'node:v8';
import type { Redis } from 'ioredis';
import type { QueueKeys } from './keys.js';

/**
 * A value as it travels in a job's data or result: itself when JSON carries it exactly (the common
 * case of small plain arguments: no extra encoding on either side), else its V8 structured-clone
 * bytes inline (base64), or, past the inline limit, the Redis key that holds them (with a TTL), so
 * that job data and the events stream stay small.
 */
export type Payload =
  | { readonly json: unknown }
  | { readonly inline: string }
  | { readonly ref: string; readonly bytes: number };

/** A value ready to become a {@link Payload}: itself (JSON carries it exactly) or its V8 bytes. */
export type Packed = { readonly json: unknown } | Buffer;

/** Where payloads go and how big an inline one may be. */
export interface PayloadStore {
  readonly redis: Redis;
  readonly keys: QueueKeys;
  /** Largest inline payload, in bytes. */
  readonly inlineLimit: number;
  /** How long a payload stored by reference lives, in ms. */
  readonly ttlMs: number;
}

/** Nesting deeper than this goes as V8 bytes (which also carry cycles). */
const MAX_DEPTH = 32;
/** Bytes a JSON number takes at most (`-1.2345678901234567e-308`). */
const NUMBER_BYTES = 24;

/**
 * The JSON bytes `value` takes at most, if JSON round-trips it exactly (to an equal value of the
 * same types) within `budget` bytes; else -1. Exact means: null, booleans, strings, finite numbers
 * other than -0, and arrays (without holes) and plain objects of those; `undefined`, NaN,
 * Infinity, -0, BigInt, Date, Map, typed arrays, class instances and objects with `toJSON` are not.
 */
function jsonBytes(value: unknown, budget: number, depth: number): number {
  switch (typeof value) {
    case 'string':
      // A UTF-16 unit takes at most 6 bytes of JSON (`\u001f`).
      return value.length * 6 + 2 <= budget ? value.length * 6 + 2 : -1;
    case 'number':
      return Number.isFinite(value) && !Object.is(value, -0) && NUMBER_BYTES <= budget
        ? NUMBER_BYTES
        : -1;
    case 'boolean':
      return 5 <= budget ? 5 : -1;
    case 'object':
      break;
    default:
      return -1;
  }
  if (value === null) return 4 <= budget ? 4 : -1;
  if (depth >= MAX_DEPTH) return -1;
  let used = 2;
  if (Array.isArray(value)) {
    if (Object.getPrototypeOf(value) !== Array.prototype) return -1;
    for (let i = 0; i < value.length; i++) {
      if (!(i in value)) return -1;
      const n = jsonBytes(value[i], budget - used - 1, depth + 1);
      if (n < 0) return -1;
      used += n + 1;
    }
    return used;
  }
  if (Object.getPrototypeOf(value) !== Object.prototype) return -1;
  for (const key of Object.keys(value)) {
    const k = jsonBytes(key, budget - used - 2, depth + 1);
    if (k < 0) return -1;
    const n = jsonBytes((value as Record<string, unknown>)[key], budget - used - k - 2, depth + 1);
    if (n < 0) return -1;
    used += k + n + 2;
  }
  return used;
}

/**
 * Packs `value` (already encoded by the serializer registry): as itself when JSON carries it
 * exactly in at most `inlineLimit` bytes, else as its V8 bytes (which throw for what cannot cross).
 */
export function pack(value: unknown, inlineLimit: number): Packed {
  return jsonBytes(value, inlineLimit, 0) >= 0 ? { json: value } : serialize(value);
}

/** A payload held in Redis, by reference. */
type StoredPayload = Extract<Payload, { readonly ref: string }>;

/** Whether `payload` is held in Redis (by reference) rather than in the job itself. */
export function isStored(payload: Payload): payload is StoredPayload {
  return 'ref' in payload;
}

/**
 * `packed` as a payload: in the job when small (at once, without a promise), else written to a
 * Redis key with a TTL.
 */
export function putPayload(store: PayloadStore, packed: Packed): Payload | Promise<Payload> {
  if (!Buffer.isBuffer(packed)) return packed;
  if (packed.length <= store.inlineLimit) return { inline: packed.toString('base64') };
  const ref = store.keys.blob(randomUUID());
  return store.redis
    .set(ref, packed, 'PX', store.ttlMs)
    .then(() => ({ ref, bytes: packed.length }));
}

/** The value of a payload held in the job (as the serializer registry encoded it). */
export function inlineValue(payload: Exclude<Payload, StoredPayload>): unknown {
  return 'json' in payload ? payload.json : deserialize(Buffer.from(payload.inline, 'base64'));
}

/** Reads a payload back (the value as the serializer registry encoded it). */
export async function getPayload(redis: Redis, payload: Payload): Promise<unknown> {
  if (!isStored(payload)) return inlineValue(payload);
  const bytes = await redis.getBuffer(payload.ref);
  if (!bytes) {
    throw new Error(
      `The payload ${payload.ref} (${payload.bytes} bytes) is no longer in Redis: its TTL ran out or the server lost it.`,
    );
  }
  return deserialize(bytes);
}

/** Deletes a payload stored by reference (the others need nothing). */
export async function dropPayload(redis: Redis, payload: Payload | undefined): Promise<void> {
  if (payload && isStored(payload)) await redis.del(payload.ref);
}
