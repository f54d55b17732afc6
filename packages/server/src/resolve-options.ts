import { InvalidOptionError, assertSafeBind } from '@tideflow/core';
import type { ResolvedServerOptions, ServerOptions } from './server-options.js';

/** The host names always accepted in a `Host` header. */
const LOOPBACK_NAMES = ['localhost', '127.0.0.1', '::1'];

/** Lower-cases a host name and strips IPv6 brackets. */
export function normalizeHostName(host: string): string {
  const h = host.trim().toLowerCase();
  return h.startsWith('[') && h.endsWith(']') ? h.slice(1, -1) : h;
}

/**
 * Applies the defaults of {@link ServerOptions} and checks them before anything listens.
 *
 * @throws `InvalidOptionError` naming the bad option, `UnsafeBindError` for a non-loopback
 * host without a token.
 */
export function resolveServerOptions(options: ServerOptions): ResolvedServerOptions {
  const host = options.host ?? '127.0.0.1';
  if (host.trim() === '') throw new InvalidOptionError('Server option "host" is empty.');
  const port = options.port ?? 4200;
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new InvalidOptionError(
      `Server option "port" must be an integer 0-65535, got ${String(port)}.`,
    );
  const bodyLimit = options.bodyLimit ?? 1024 * 1024;
  if (!Number.isSafeInteger(bodyLimit) || bodyLimit < 1)
    throw new InvalidOptionError(
      `Server option "bodyLimit" must be a positive integer, got ${String(bodyLimit)}.`,
    );
  const uploadLimit = options.uploadLimit ?? 64 * 1024 * 1024;
  if (!Number.isSafeInteger(uploadLimit) || uploadLimit < 1)
    throw new InvalidOptionError(
      `Server option "uploadLimit" must be a positive integer (bytes), got ${String(uploadLimit)}.`,
    );
  const livePollMs = options.livePollMs ?? 100;
  if (!Number.isSafeInteger(livePollMs) || livePollMs < 1 || livePollMs > 60_000)
    throw new InvalidOptionError(
      `Server option "livePollMs" must be an integer 1-60000 (ms), got ${String(livePollMs)}.`,
    );
  const livePingMs = options.livePingMs ?? 15_000;
  if (!Number.isSafeInteger(livePingMs) || livePingMs < 1 || livePingMs > 3_600_000)
    throw new InvalidOptionError(
      `Server option "livePingMs" must be an integer 1-3600000 (ms), got ${String(livePingMs)}.`,
    );
  if (options.token !== undefined && /\s/.test(options.token))
    throw new InvalidOptionError('Server option "token" must not contain white space.');
  assertSafeBind(host, options.token);
  for (const origin of options.corsOrigins ?? []) {
    let url: URL | undefined;
    try {
      url = new URL(origin);
    } catch {
      url = undefined;
    }
    if (!url || url.origin !== origin.replace(/\/$/, ''))
      throw new InvalidOptionError(
        `Server option "corsOrigins": ${JSON.stringify(origin)} is not an origin like "https://app.example.com".`,
      );
  }
  for (const name of options.allowedHosts ?? [])
    if (!/^[a-z0-9.\-:[\]]+$/i.test(name))
      throw new InvalidOptionError(
        `Server option "allowedHosts": ${JSON.stringify(name)} is not a host name (no scheme, port or path).`,
      );
  return {
    host,
    port,
    bodyLimit,
    livePollMs,
    livePingMs,
    uploadLimit,
    token: options.token === '' ? undefined : options.token,
    allowedHosts: new Set(
      [...LOOPBACK_NAMES, host, ...(options.allowedHosts ?? [])].map(normalizeHostName),
    ),
    corsOrigins: new Set((options.corsOrigins ?? []).map((o) => o.replace(/\/$/, ''))),
  };
}
