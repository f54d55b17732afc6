import { createHash, timingSafeEqual } from 'node:crypto';
import { isIP } from 'node:net';
import { TideflowError } from '../errors.js';

/**
 * Thrown before a server starts listening when it would be reachable from other machines
 * (a non-loopback host) without an access token. Bind to `127.0.0.1`, or pass a token.
 */
export class UnsafeBindError extends TideflowError {
  constructor(readonly host: string) {
    super(
      'UNSAFE_BIND',
      `Refusing to listen on "${host}" without a token: that host is reachable from other ` +
        'machines. Bind to 127.0.0.1 (the default) or pass a token (--token or TIDEFLOW_TOKEN).',
    );
  }
}

/**
 * Whether `host` names this machine's loopback interface only: `localhost`, any `127.x.x.x`,
 * `::1` (bracketed or not) and IPv4-mapped `::ffff:127.x.x.x`. The wildcards `0.0.0.0` and `::`
 * are not loopback: they listen on every interface.
 *
 * @example
 * ```ts
 * isLoopbackHost('127.0.0.1'); // true
 * isLoopbackHost('0.0.0.0');   // false
 * ```
 */
export function isLoopbackHost(host: string): boolean {
  let h = host.trim().toLowerCase();
  if (h.startsWith('[') && h.endsWith(']')) h = h.slice(1, -1);
  if (h === 'localhost' || h.endsWith('.localhost')) return true;
  if (isIP(h) === 4) return h.split('.')[0] === '127';
  if (isIP(h) !== 6) return false;
  // The URL parser writes an IPv6 address in its one canonical form (`0:0::1` → `::1`, a mapped
  // `::ffff:127.0.0.1` → `::ffff:7f00:1`), so two prefixes cover every spelling.
  const canonical = new URL(`http://[${h}]/`).hostname.slice(1, -1);
  return canonical === '::1' || /^::ffff:7f[0-9a-f]{2}:/.test(canonical);
}

/**
 * Checks, before a server listens, that binding `host` is safe: a loopback host always is, any
 * other host only with a non-empty `token`.
 *
 * @throws {@link UnsafeBindError} when `host` is not loopback and `token` is missing or empty.
 */
export function assertSafeBind(host: string, token: string | undefined): void {
  if (!isLoopbackHost(host) && (token === undefined || token === '')) {
    throw new UnsafeBindError(host);
  }
}

/**
 * Whether an HTTP `Authorization` header carries `Bearer <token>` for the expected token. The
 * comparison takes the same time wherever the strings differ (both sides are hashed to SHA-256
 * and compared with `timingSafeEqual`), so response times reveal nothing about the token.
 * A missing or malformed header is `false`.
 */
export function bearerTokenMatches(authorization: string | undefined, token: string): boolean {
  if (authorization === undefined) return false;
  const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(authorization);
  const given = match?.[1] ?? '';
  const digest = (s: string): Buffer => createHash('sha256').update(s, 'utf8').digest();
  return timingSafeEqual(digest(given), digest(token)) && match !== null;
}
