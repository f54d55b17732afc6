import { join } from 'node:path';
import {
  TideflowError,
  TrackingStoreNotFoundError,
  openTracker,
  resolveFileSettings,
} from '@tideflow/core';
import type { Tracker } from '@tideflow/core';
// The embedded default store registers the sqlite: scheme when imported.
import '@tideflow/tracker-sqlite';

/** Where the CLI reads its environment and writes its output; tests pass their own. */
export interface CliIo {
  /** Writes to standard output. */
  stdout(text: string): void;
  /** Writes to standard error. */
  stderr(text: string): void;
  /** Environment variables. */
  env: NodeJS.ProcessEnv;
  /** The working directory (the default store is `<cwd>/.tideflow/tideflow.db`). */
  cwd: string;
  /** Table width. Default 80. */
  columns?: number;
  /** Whether stderr is a terminal (live progress); otherwise progress is plain log lines. */
  interactive?: boolean;
}

/** The process's own streams, environment and directory. */
export function processIo(): CliIo {
  return {
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
    env: process.env,
    cwd: process.cwd(),
    columns: process.stdout.isTTY ? process.stdout.columns : undefined,
    interactive: process.stderr.isTTY,
  };
}

/** Thrown for a CLI usage problem that is not a commander parse error (exit code 1). */
export class CliError extends TideflowError {
  constructor(message: string) {
    super('CLI', message);
  }
}

/** The default store of flows run from the CLI, relative to the working directory. */
export const DEFAULT_STORE = join('.tideflow', 'tideflow.db');

/**
 * The CLI's own default tracking URI, `sqlite:///<cwd>/.tideflow/tideflow.db` (the library's
 * default, `memory:`, would not outlive the command).
 */
export function defaultTrackingUri(io: CliIo): string {
  return `sqlite:///${join(io.cwd, DEFAULT_STORE)}`;
}

/**
 * The tracking URI the CLI opens: `--tracking-uri`, else `TIDEFLOW_TRACKING_URI` or the active
 * profile's `trackingUri`, else `sqlite:///.tideflow/tideflow.db` (made absolute under the
 * working directory). `memory:` is refused: it lives only inside one process.
 */
export function resolveTrackingUri(io: CliIo, trackingUri: string | undefined): string {
  const { values, sources } = resolveFileSettings(
    trackingUri === undefined ? {} : { trackingUri },
    io.env,
    () => '--tracking-uri',
  );
  if (sources.trackingUri === 'default') return defaultTrackingUri(io);
  if (values.trackingUri === 'memory:') {
    throw new CliError(
      'The tracking URI is "memory:", which lives only inside one process; point --tracking-uri or ' +
        'TIDEFLOW_TRACKING_URI at a sqlite:/// store (or another persistent scheme) to read runs from the CLI.',
    );
  }
  return values.trackingUri;
}

/**
 * Opens the store of the tracking URI through its registered scheme. Reading commands pass
 * `create: false`: a missing store is an error, not a new empty store.
 */
export async function openStore(
  io: CliIo,
  trackingUri: string | undefined,
  { create = false }: { create?: boolean } = {},
): Promise<Tracker> {
  try {
    return await openTracker(resolveTrackingUri(io, trackingUri), { cwd: io.cwd, create });
  } catch (error) {
    if (error instanceof TrackingStoreNotFoundError) {
      throw new CliError(
        `No tracking store at ${error.location} (${error.reason}). Run a flow from this directory first, or pass ` +
          '--tracking-uri sqlite:///path/to/tideflow.db (or set TIDEFLOW_TRACKING_URI).',
      );
    }
    throw error;
  }
}

/** Runs `fn` with the store open for reading, closing it afterwards. */
export async function withStore<T>(
  io: CliIo,
  trackingUri: string | undefined,
  fn: (t: Tracker) => Promise<T>,
): Promise<T> {
  const tracker = await openStore(io, trackingUri);
  try {
    return await fn(tracker);
  } finally {
    await tracker.close();
  }
}
