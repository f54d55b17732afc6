import { Tracker } from '@tideflow/core';
import type { SearchRunsOptions, SearchRunsResult } from '@tideflow/core';
import type { RestTrackerOptions } from './rest-client.js';
import { RestTrackerStore } from './rest-store.js';

/**
 * A {@link Tracker} that records to a tideflow server over HTTP (`tideflow server start`
 * elsewhere): the tracking URI `http://host:4200` (or `https://`), so a flow on one machine
 * logs to a server on another. Inputs are checked here as by every tracker, then again by the
 * server; the server's errors are raised as the same error classes (`RunNotFoundError`, ...).
 *
 * @example
 * ```ts
 * import '@tideflow/server/client'; // registers http: and https: tracking URIs
 * configure({ trackingUri: 'http://tracking.internal:4200' }); // token: TIDEFLOW_TOKEN
 * // or: const tracker = new RestTracker('http://127.0.0.1:4200', { token });
 * ```
 */
export class RestTracker extends Tracker<RestTrackerStore> {
  /**
   * @param uri - The server's address, e.g. `http://127.0.0.1:4200`.
   * @param options - The token (default `TIDEFLOW_TOKEN`) and request timeout.
   * @throws InvalidOptionError for a URI that is not an http(s) address, or a bad option.
   */
  constructor(uri: string, options: RestTrackerOptions = {}) {
    super(new RestTrackerStore(uri, options));
  }

  /** The server's base URL, e.g. `http://127.0.0.1:4200`. */
  get url(): string {
    return this.store.url;
  }

  /** Searches on the server, where the runs are (one request per page, not one per run). */
  override async searchRuns(options: SearchRunsOptions = {}): Promise<SearchRunsResult> {
    return this.live.search(options);
  }
}
