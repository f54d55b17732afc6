import { createHash } from 'node:crypto';
import type { SerializerRegistry } from '../serialization/serializer-registry.js';

/*
 * A cache entry is one self-checking byte string, so that any store (memory, SQLite, Redis, a
 * file someone copied) can only ever give back the right value or a detectable miss:
 *
 *   offset  size  field
 *        0     4  magic "TFCE"
 *        4     2  format version (u16 LE)
 *        6     2  reserved, 0
 *        8     4  key length in bytes (u32 LE)
 *       12     4  reserved, 0
 *       16     8  expires at, ms since the epoch (f64 LE; 0 = never)
 *       24     8  payload length in bytes (f64 LE)
 *       32    32  SHA-256 of bytes [0, 32) and [64, end)
 *       64     k  the cache key (UTF-8): an entry found under another key is refused
 *     64+k     n  payload: the value through the serializer registry, then v8.serialize
 *
 * The expiration is kept inside the entry as well as given to the store as a TTL, so stores that
 * ignore TTLs still never serve an expired value.
 */

/** The current entry format version; entries written with another version are misses. */
export const ENTRY_FORMAT_VERSION = 1;

const MAGIC = 0x45434654; // "TFCE" read as a little-endian u32
const HEADER = 64;
const CHECKSUM_AT = 32;
const CHECKSUM_LENGTH = 32;

/** The outcome of reading an entry. */
export type DecodedEntry =
  | { status: 'hit'; value: unknown; payload: Uint8Array }
  | { status: 'expired' }
  | { status: 'corrupt'; reason: string };

function checksum(bytes: Uint8Array): Buffer {
  return createHash('sha256')
    .update(bytes.subarray(0, CHECKSUM_AT))
    .update(bytes.subarray(HEADER))
    .digest();
}

/**
 * Serializes `value` into an entry for `key`.
 *
 * @param expiresAt - ms since the epoch after which the entry is stale; 0 or undefined for never.
 * @throws SerializationError (from the registry) when the value cannot be serialized.
 */
export function encodeEntry(
  key: string,
  value: unknown,
  registry: SerializerRegistry,
  expiresAt = 0,
): Buffer {
  return encodePayload(key, registry.serialize(value), expiresAt);
}

/** Builds an entry around an already serialized payload (see {@link encodeEntry}). */
export function encodePayload(key: string, payload: Uint8Array, expiresAt = 0): Buffer {
  const keyLength = Buffer.byteLength(key, 'utf8');
  const bytes = Buffer.allocUnsafe(HEADER + keyLength + payload.byteLength);
  bytes.fill(0, 0, HEADER);
  bytes.writeUInt32LE(MAGIC, 0);
  bytes.writeUInt16LE(ENTRY_FORMAT_VERSION, 4);
  bytes.writeUInt32LE(keyLength, 8);
  bytes.writeDoubleLE(expiresAt, 16);
  bytes.writeDoubleLE(payload.byteLength, 24);
  bytes.write(key, HEADER, 'utf8');
  bytes.set(payload, HEADER + keyLength);
  checksum(bytes).copy(bytes, CHECKSUM_AT);
  return bytes;
}

function asBytes(stored: unknown): Uint8Array | undefined {
  if (stored instanceof Uint8Array) return stored;
  if (stored instanceof ArrayBuffer) return new Uint8Array(stored);
  return undefined;
}

/**
 * Reads an entry a store returned for `key`: verifies its format version, length, checksum, key
 * and expiration, then deserializes the payload. Never throws: anything wrong is `corrupt`.
 */
export function decodeEntry(
  key: string,
  stored: unknown,
  registry: SerializerRegistry,
  now = Date.now(),
): DecodedEntry {
  const bytes = asBytes(stored);
  if (!bytes) {
    const kind = stored === null ? 'null' : typeof stored;
    return {
      status: 'corrupt',
      reason: `the store returned a ${kind} instead of the bytes it was given`,
    };
  }
  if (bytes.byteLength < HEADER) {
    return {
      status: 'corrupt',
      reason: `truncated: ${bytes.byteLength} bytes, shorter than the header`,
    };
  }
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buf.readUInt32LE(0) !== MAGIC) {
    return { status: 'corrupt', reason: 'not a tideflow cache entry (bad magic number)' };
  }
  const version = buf.readUInt16LE(4);
  if (version !== ENTRY_FORMAT_VERSION) {
    return {
      status: 'corrupt',
      reason: `written in entry format ${version}, this version reads format ${ENTRY_FORMAT_VERSION}`,
    };
  }
  const keyLength = buf.readUInt32LE(8);
  const payloadLength = buf.readDoubleLE(24);
  const expected = HEADER + keyLength + payloadLength;
  if (buf.byteLength !== expected) {
    return {
      status: 'corrupt',
      reason: `truncated or padded: ${buf.byteLength} bytes where the header announces ${expected}`,
    };
  }
  if (!checksum(buf).equals(buf.subarray(CHECKSUM_AT, CHECKSUM_AT + CHECKSUM_LENGTH))) {
    return { status: 'corrupt', reason: 'checksum mismatch' };
  }
  const storedKey = buf.toString('utf8', HEADER, HEADER + keyLength);
  if (storedKey !== key) {
    return { status: 'corrupt', reason: `the entry belongs to key "${storedKey}"` };
  }
  const expiresAt = buf.readDoubleLE(16);
  if (expiresAt !== 0 && expiresAt <= now) return { status: 'expired' };
  const payload = buf.subarray(HEADER + keyLength);
  try {
    return { status: 'hit', value: registry.deserialize(payload), payload };
  } catch (error) {
    return {
      status: 'corrupt',
      reason: `its value could not be deserialized: ${(error as Error).message}`,
    };
  }
}
