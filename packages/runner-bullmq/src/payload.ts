import { randomUUID } from 'node:crypto';
import { deserialize, serialize } from 'node:v8';
import type { Redis } from 'ioredis';
import type { QueueKeys } from './keys.js';

/**
 * A value as it travels in a job's data or result: its V8 structured-clone bytes inline (base64),
 * or, past the inline limit, the Redis key that holds them (with a TTL), so that job data and the
 * events stream stay small.
 */
export type Payload =
  { readonly inline: string } | { readonly ref: string; readonly bytes: number };

/** Where payloads go and how big an inline one may be. */
export interface PayloadStore {
  readonly redis: Redis;
  readonly keys: QueueKeys;
  /** Largest inline payload, in bytes. */
  readonly inlineLimit: number;
  /** How long a payload stored by reference lives, in ms. */
  readonly ttlMs: number;
}

/** The structured-clone bytes of `value` (already encoded by the serializer registry). */
export function toBytes(value: unknown): Buffer {
  return serialize(value);
}

/** `value` as a payload: inline when small, else written to a Redis key with a TTL. */
export async function putPayload(store: PayloadStore, bytes: Buffer): Promise<Payload> {
  if (bytes.length <= store.inlineLimit) return { inline: bytes.toString('base64') };
  const ref = store.keys.blob(randomUUID());
  await store.redis.set(ref, bytes, 'PX', store.ttlMs);
  return { ref, bytes: bytes.length };
}

/** Reads a payload back (the value as the serializer registry encoded it). */
export async function getPayload(redis: Redis, payload: Payload): Promise<unknown> {
  if ('inline' in payload) return deserialize(Buffer.from(payload.inline, 'base64'));
  const bytes = await redis.getBuffer(payload.ref);
  if (!bytes) {
    throw new Error(
      `The payload ${payload.ref} (${payload.bytes} bytes) is no longer in Redis: its TTL ran out or the server lost it.`,
    );
  }
  return deserialize(bytes);
}

/** Deletes a payload stored by reference (inline ones need nothing). */
export async function dropPayload(redis: Redis, payload: Payload | undefined): Promise<void> {
  if (payload && 'ref' in payload) await redis.del(payload.ref);
}
