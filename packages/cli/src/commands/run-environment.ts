import { resolve } from 'node:path';
import { configure, resetConfiguration } from '@tideflow/core';
import type { Tracker } from '@tideflow/core';
import { createSqliteCacheStore } from '@tideflow/tracker-sqlite';
import { openStore, type CliIo } from '../context.js';
import type { GlobalOptions } from '../program.js';
import { ProgressDisplay } from '../progress.js';
import { DEFAULT_CACHE } from './cache.js';
import { stderrLogger } from './shared.js';

/** The options of `tideflow run` that say where and how every flow runs. */
export interface RunEnvironmentOptions extends GlobalOptions {
  /** The task cache file. */
  cache?: string;
  /** Print only the final summary. */
  quiet?: boolean;
  /** Print one JSON object, nothing else on stdout. */
  json?: boolean;
}

/** What a flow run from the CLI runs with: the store, the cache, the logger, the progress view. */
export interface RunEnvironment {
  /** The tracking store the flow records to. */
  readonly tracker: Tracker;
  /** Stops the progress view, resets the configuration and closes the store and the cache. */
  close(): Promise<void>;
}

/**
 * Configures the engine as every `tideflow run` does, built-in flow or a user's: the tracking store
 * (`--tracking-uri`, default `.tideflow/tideflow.db`), the SQLite task cache (`--cache`), warnings
 * on stderr, and the live progress view unless `--quiet` or `--json`.
 */
export async function openRunEnvironment(
  io: CliIo,
  opts: RunEnvironmentOptions,
): Promise<RunEnvironment> {
  const tracker = await openStore(io, opts.trackingUri, { create: true });
  const cacheStore = createSqliteCacheStore({
    path: resolve(io.cwd, opts.cache ?? DEFAULT_CACHE),
  });
  configure({
    tracker,
    cacheStore,
    logger: stderrLogger(io),
  });
  const progress =
    opts.quiet || opts.json
      ? undefined
      : new ProgressDisplay((t) => io.stderr(t), io.interactive ?? false, io.columns ?? 80);
  progress?.start();
  return {
    tracker,
    async close() {
      progress?.stop();
      resetConfiguration();
      await tracker.close();
      await cacheStore.disconnect();
    },
  };
}
