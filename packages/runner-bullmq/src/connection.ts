import type { RedisOptions } from 'ioredis';
import { InvalidOptionError } from '@tideflow/core';

/** Where Redis is: a `redis://` / `rediss://` URL, or ioredis options (`{ host, port }`). */
export type RedisConnection = string | RedisOptions;

/** ioredis options for `connection`, with `extra` on top. */
export function redisOptions(connection: RedisConnection, extra: RedisOptions = {}): RedisOptions {
  if (typeof connection !== 'string') return { ...connection, ...extra };
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
