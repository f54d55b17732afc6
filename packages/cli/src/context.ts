import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { TideflowError, resolveFileSettings } from '@tideflow/core';
import type { Tracker } from '@tideflow/core';
import { SqliteTracker, parseSqliteUri } from '@tideflow/tracker-sqlite';

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
 * The database file the CLI reads: `--tracking-uri`, else `TIDEFLOW_TRACKING_URI` or the active
 * profile's `trackingUri`, else `.tideflow/tideflow.db` under the working directory.
 */
export function resolveStorePath(io: CliIo, trackingUri: string | undefined): string {
  const { values, sources } = resolveFileSettings(
    trackingUri === undefined ? {} : { trackingUri },
    io.env,
  );
  if (sources.trackingUri === 'default') return join(io.cwd, DEFAULT_STORE);
  if (values.trackingUri === 'memory:') {
    throw new CliError(
      'The tracking URI is "memory:", which lives only inside one process; point --tracking-uri or ' +
        'TIDEFLOW_TRACKING_URI at a sqlite:/// store to read runs from the CLI.',
    );
  }
  return parseSqliteUri(values.trackingUri, io.cwd);
}

/** Opens the store for reading commands; a missing file is an error, not a new empty store. */
export function openStore(io: CliIo, trackingUri: string | undefined): Tracker {
  const path = resolveStorePath(io, trackingUri);
  if (!existsSync(path)) {
    throw new CliError(
      `No tracking store at ${path}. Run a flow from this directory first, or pass ` +
        '--tracking-uri sqlite:///path/to/tideflow.db (or set TIDEFLOW_TRACKING_URI).',
    );
  }
  return new SqliteTracker({ path });
}

/** Runs `fn` with the store open, closing it afterwards. */
export async function withStore<T>(
  io: CliIo,
  trackingUri: string | undefined,
  fn: (t: Tracker) => Promise<T>,
): Promise<T> {
  const tracker = openStore(io, trackingUri);
  try {
    return await fn(tracker);
  } finally {
    await tracker.close();
  }
}
