import { InvalidOptionError, TrackingStoreError } from '@tideflow/core';
import { remoteError } from './remote-error.js';
import type { ErrorAnswer } from './remote-error.js';

/** Options of {@link RestTracker}. */
export interface RestTrackerOptions {
  /** The server's bearer token. Default: the `TIDEFLOW_TOKEN` environment variable, if set. */
  token?: string;
  /**
   * How long one request may take before it fails with `TrackingStoreError`, ms.
   *
   * @default 30000
   */
  timeoutMs?: number;
}

/** What a call sends: a JSON body (POST) or none (GET), and query parameters. */
interface Call {
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
}

/**
 * The HTTP side of `RestTracker`: JSON calls to a server's `/api/tideflow/...` routes with the
 * bearer token, a server's error answers raised again as the tracker's own errors.
 */
export class RestClient {
  /** The server's base URL, without a trailing `/` (`http://127.0.0.1:4200`). */
  readonly baseUrl: string;
  private readonly headers: Record<string, string>;
  private readonly timeoutMs: number;

  constructor(uri: string, options: RestTrackerOptions = {}) {
    let url: URL;
    try {
      url = new URL(uri);
    } catch {
      throw new InvalidOptionError(
        `Tracking URI "${uri}" is not a URL; use the server's address, e.g. http://127.0.0.1:4200.`,
      );
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:')
      throw new InvalidOptionError(
        `Tracking URI "${uri}" is not http: or https:; RestTracker talks to a tideflow server.`,
      );
    if (url.search || url.hash || url.username || url.password)
      throw new InvalidOptionError(
        `Tracking URI "${uri}": give the server's address only (no query, fragment or credentials; pass the token as the "token" option or TIDEFLOW_TOKEN).`,
      );
    this.baseUrl = url.href.replace(/\/+$/, '');
    const token = options.token ?? process.env.TIDEFLOW_TOKEN;
    if (token !== undefined && (token === '' || /\s/.test(token)))
      throw new InvalidOptionError('The RestTracker token must be non-empty, with no white space.');
    this.headers = token ? { authorization: `Bearer ${token}` } : {};
    this.timeoutMs = options.timeoutMs ?? 30_000;
    if (!Number.isSafeInteger(this.timeoutMs) || this.timeoutMs < 1)
      throw new InvalidOptionError(
        `RestTracker option "timeoutMs" must be a positive integer, got ${String(options.timeoutMs)}.`,
      );
  }

  private url(path: string, query: Call['query']): string {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined) params.set(k, String(v));
    const q = params.toString();
    return `${this.baseUrl}/api/tideflow${path}${q ? `?${q}` : ''}`;
  }

  private async send(method: 'GET' | 'POST', path: string, call: Call): Promise<Response> {
    const what = `${method} ${path}`;
    let res: Response;
    try {
      res = await fetch(this.url(path, call.query), {
        method,
        headers:
          call.body === undefined
            ? this.headers
            : { ...this.headers, 'content-type': 'application/json' },
        body: call.body === undefined ? undefined : JSON.stringify(call.body),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (error) {
      throw new TrackingStoreError(
        `Cannot reach the tracking server ${this.baseUrl} (${what}): ${(error as Error).message}; is \`tideflow server start\` running there?`,
        { cause: error },
      );
    }
    if (res.ok) return res;
    let answer: ErrorAnswer | undefined;
    try {
      answer = (await res.json()) as ErrorAnswer;
    } catch {
      answer = undefined;
    }
    throw remoteError(res.status, answer, what);
  }

  /** GETs JSON. */
  async get<T>(path: string, query?: Call['query']): Promise<T> {
    return (await (await this.send('GET', path, { query })).json()) as T;
  }

  /** GETs bytes. */
  async bytes(path: string, query?: Call['query']): Promise<Uint8Array> {
    return new Uint8Array(await (await this.send('GET', path, { query })).arrayBuffer());
  }

  /** POSTs a JSON body and reads the JSON answer. */
  async post<T>(path: string, body: unknown): Promise<T> {
    return (await (await this.send('POST', path, { body })).json()) as T;
  }
}
