import type { Logger, Tracker } from '@tideflow/core';

/** Options of {@link createServer}. */
export interface ServerOptions {
  /** The tracking URI of the store to serve (`sqlite:///path/to/tideflow.db`); or pass `tracker`. */
  trackingUri?: string;
  /** An open tracker to serve instead of `trackingUri`; the server does not close it. */
  tracker?: Tracker;
  /**
   * The interface to listen on. Any host other than loopback needs `token`.
   *
   * @default '127.0.0.1'
   */
  host?: string;
  /**
   * The port; `0` picks a free one (read it from {@link TideflowServer.url}).
   *
   * @default 4200
   */
  port?: number;
  /**
   * Host names (no port) accepted in the `Host` header, on top of `localhost`, `127.0.0.1`, `::1`
   * and `host` itself. Any other `Host` gets 403 (DNS rebinding).
   */
  allowedHosts?: readonly string[];
  /**
   * Origins (`https://app.example.com`) allowed to call the API from a browser. None by default:
   * no `Access-Control-Allow-Origin` header is ever sent.
   */
  corsOrigins?: readonly string[];
  /** A bearer token every `/api` request must carry (`Authorization: Bearer <token>`). */
  token?: string;
  /**
   * The largest request body accepted, in bytes; bigger bodies get 413.
   *
   * @default 1048576 (1 MiB)
   */
  bodyLimit?: number;
  /**
   * How often the store's change feed is polled for live updates (`GET /api/events`) while a
   * client listens, ms (1 to 60,000).
   *
   * @default 100
   */
  livePollMs?: number;
  /**
   * The largest body of tideflow's artifact and model uploads (`RestTracker`'s
   * `/api/tideflow/runs/{runId}/artifacts` and `/models`, bytes as base64 in JSON), in bytes.
   *
   * @default 67108864 (64 MiB)
   */
  uploadLimit?: number;
  /**
   * How often an open live-update stream gets a `: ping` comment (keeping proxies from closing
   * an idle connection), ms (1 to 3,600,000).
   *
   * @default 15000
   */
  livePingMs?: number;
  /**
   * Where the server logs what went wrong on its side: a request answered 500 (with the error and
   * its stack, which the answer leaves out) and a store that fails to read its changes.
   *
   * @default the configured logger (`getConfig().logger`)
   */
  logger?: Logger;
}

/** The options after defaults, checked. */
export interface ResolvedServerOptions {
  host: string;
  port: number;
  allowedHosts: ReadonlySet<string>;
  corsOrigins: ReadonlySet<string>;
  token: string | undefined;
  bodyLimit: number;
  livePollMs: number;
  livePingMs: number;
  uploadLimit: number;
}
