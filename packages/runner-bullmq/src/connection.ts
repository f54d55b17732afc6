import type { RedisOptions } from 'ioredis';
import { InvalidOptionError } from '@tideflow/core';

/** Where Redis is: a `redis://` / `rediss://` URL, or ioredis options (`{ host, port }`). */
export type RedisConnection = string | RedisOptions;

/**
 * How long a forced disconnect waits for the socket to close before destroying it, in ms. ioredis
 * waits 2 s by default, and a socket still connecting to a server that is down never closes by
 * itself: a command that gave up on Redis kept its process alive 2 s after its error.
 */
const DISCONNECT_TIMEOUT_MS = 100;

/**
 * ioredis options for `connection`, with `extra` on top (and a short forced-disconnect timeout
 * unless `connection` sets one).
 */
export function redisOptions(connection: RedisConnection, extra: RedisOptions = {}): RedisOptions {
  if (typeof connection !== 'string') {
    return { disconnectTimeout: DISCONNECT_TIMEOUT_MS, ...connection, ...extra };
  }
  let url: URL;
  try {
    url = new URL(connection);
  } catch {
    throw new InvalidOptionError(
      `connection: "${connection}" is not a URL (redis://host:port/db).`,
    );
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') {
    throw new InvalidOptionError(`connection: "${connection}" is not a redis:// or rediss:// URL.`);
  }
  const db = url.pathname.length > 1 ? Number(url.pathname.slice(1)) : 0;
  if (!Number.isInteger(db) || db < 0) {
    throw new InvalidOptionError(
      `connection: "${connection}" names database "${url.pathname.slice(1)}", not a number.`,
    );
  }
  return {
    disconnectTimeout: DISCONNECT_TIMEOUT_MS,
    host: url.hostname || '127.0.0.1',
    port: url.port ? Number(url.port) : 6379,
    db,
    ...(url.username ? { username: decodeURIComponent(url.username) } : {}),
    ...(url.password ? { password: decodeURIComponent(url.password) } : {}),
    ...(url.protocol === 'rediss:' ? { tls: {} } : {}),
    ...extra,
  };
}

/** `host:port` of a connection, for messages. */
export function describeConnection(options: RedisOptions): string {
  return `${options.host ?? '127.0.0.1'}:${options.port ?? 6379}`;
}
