import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * How long a signed URL stays valid, ms: long enough to click a link on a page that was
 * loaded a while ago (the UI asks for fresh ones as it refreshes), short enough that a URL
 * copied into a log or a browser history soon opens nothing.
 */
export const SIGNED_URL_TTL_MS = 15 * 60_000;

/**
 * The address of a run's artifact, `/api/runs/{runId}/artifacts/{path}` with each segment
 * percent-encoded: the URL shape the UI links to (see docs/server.md, "Opening artifacts").
 *
 * @example
 * ```ts
 * artifactUrl('4f1c', 'plots/roc curve.svg'); // '/api/runs/4f1c/artifacts/plots/roc%20curve.svg'
 * ```
 */
export function artifactUrl(runId: string, path: string): string {
  const segments = path.split('/').map(encodeURIComponent).join('/');
  return `/api/runs/${encodeURIComponent(runId)}/artifacts/${segments}`;
}

/** Makes the links a page opens without headers: signed on a server with a token, else plain. */
export type LinkMaker = (path: string) => string;

/**
 * Signs URL paths so that a plain link (which cannot carry `Authorization`) opens one resource
 * for a short time on a server with a token: `?exp=<epoch ms>&sig=<HMAC-SHA256 of "exp\npath">`.
 * The key is random per server process, so the long-lived token never appears in a URL and
 * every signed URL dies with the process.
 */
export class UrlSigner {
  private readonly key: Buffer;

  constructor(
    key: Buffer = randomBytes(32),
    private readonly ttlMs: number = SIGNED_URL_TTL_MS,
  ) {
    this.key = key;
  }

  private mac(path: string, exp: number): Buffer {
    return createHmac('sha256', this.key).update(`${exp}\n${path}`).digest();
  }

  /**
   * `path` (as it will be requested: percent-encoded, no query) with `exp` (`ttlMs` from `now`,
   * rounded up to a whole minute) and `sig` appended.
   */
  sign(path: string, now: number = Date.now()): string {
    // Rounded up to the minute: a page that refreshes its data gets the same link for a minute.
    const exp = Math.ceil((now + this.ttlMs) / 60_000) * 60_000;
    return `${path}?exp=${exp}&sig=${this.mac(path, exp).toString('base64url')}`;
  }

  /**
   * Whether `sig` signs `path` until `exp` and `exp` is still ahead: `'ok'`, `'expired'` or
   * `'invalid'` (a tampered, truncated or foreign signature, or another path).
   */
  verify(
    path: string,
    exp: unknown,
    sig: unknown,
    now: number = Date.now(),
  ): 'ok' | 'expired' | 'invalid' {
    if (typeof exp !== 'string' || typeof sig !== 'string' || !/^\d{1,16}$/.test(exp))
      return 'invalid';
    // Compared as text: decoding would ignore stray characters appended to a signature.
    const given = Buffer.from(sig);
    const expected = Buffer.from(this.mac(path, Number(exp)).toString('base64url'));
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return 'invalid';
    return Number(exp) > now ? 'ok' : 'expired';
  }
}
