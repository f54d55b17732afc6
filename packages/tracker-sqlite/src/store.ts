import type { Database, Statement } from 'better-sqlite3';
import {
  DeletedRunError,
  ExperimentNotFoundError,
  RunNotFoundError,
  TideflowError,
  TrackingStoreError,
} from '@tideflow/core';
import type { ArtifactFiles } from './artifact-files.js';
import { experimentRowId } from './experiment-id.js';
import { isBusy, writeWhenUnlocked } from './lock-wait.js';

/** The row of a run the write paths need. */
export interface RunRef {
  /** Internal integer id (the key of every child table). */
  id: number;
  /** The public run id. */
  runUuid: string;
  /** `active` or `deleted`. */
  lifecycleStage: string;
}

/** The row of an experiment the write paths need. */
export interface ExperimentRef {
  /** The `experiment_id` (the public id is its decimal string). */
  id: number;
  /** The name. */
  name: string;
  /** `active` or `deleted`. */
  lifecycleStage: string;
}

/**
 * A connection with a statement cache and the two transaction shapes the tracker uses. Writes
 * take the write lock up front (BEGIN IMMEDIATE): a deferred transaction that reads then writes
 * can fail with SQLITE_BUSY without waiting, when another process wrote in between.
 */
export class SqliteStore {
  private readonly statements = new Map<string, Statement>();

  constructor(
    readonly db: Database,
    readonly path: string,
    readonly files: ArtifactFiles,
  ) {}

  /** A prepared statement, compiled once per connection. */
  stmt(sql: string): Statement {
    let s = this.statements.get(sql);
    if (!s) this.statements.set(sql, (s = this.db.prepare(sql)));
    return s;
  }

  /** How many write transactions this connection committed (other processes' show in `PRAGMA data_version`). */
  writes = 0;

  /** How long a write waits for another process's lock, ms (the connection's own busy_timeout is 0). */
  busyTimeoutMs = 10_000;

  /**
   * Runs `fn` in a write transaction; SQLite failures become `TrackingStoreError`. While another
   * process holds the lock the transaction is tried again asynchronously (see
   * {@link writeWhenUnlocked}), so the event loop never blocks on the lock.
   */
  write<T>(fn: () => T): Promise<T> {
    return writeWhenUnlocked(
      () => this.writeNow(fn),
      this.busyTimeoutMs,
      (waited, cause) =>
        new TrackingStoreError(
          `SQLite tracking store ${this.path}: another process held the write lock for ${waited} ms ` +
            `(SQLITE_BUSY, busyTimeoutMs ${this.busyTimeoutMs}); the write was not done.`,
          { cause },
        ),
    );
  }

  /** Runs `fn` in a write transaction now; a held lock throws SQLITE_BUSY at once. */
  writeNow<T>(fn: () => T): T {
    try {
      const result = this.db.transaction(fn).immediate();
      this.writes++;
      return result;
    } catch (e) {
      if (isBusy(e)) throw e;
      throw this.wrap(e);
    }
  }

  /** Runs `fn` in a read transaction, so that multi-statement reads see one snapshot. */
  read<T>(fn: () => T): T {
    try {
      return this.db.transaction(fn).deferred();
    } catch (e) {
      throw this.wrap(e);
    }
  }

  private wrap(e: unknown): unknown {
    if (e instanceof TideflowError) return e;
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && code.startsWith('SQLITE_')) {
      return new TrackingStoreError(
        `SQLite tracking store ${this.path} failed (${code}): ${(e as Error).message}` +
          (code.startsWith('SQLITE_BUSY')
            ? '; another process held the lock longer than busyTimeoutMs.'
            : ''),
        { cause: e },
      );
    }
    return e;
  }

  /** The run with this public id; `RunNotFoundError` if none. */
  run(runId: string): RunRef {
    const row = this.stmt('SELECT id, run_uuid, lifecycle_stage FROM runs WHERE run_uuid = ?').get(
      runId,
    ) as { id: number; run_uuid: string; lifecycle_stage: string } | undefined;
    if (!row) throw new RunNotFoundError(String(runId));
    return { id: row.id, runUuid: row.run_uuid, lifecycleStage: row.lifecycle_stage };
  }

  /** The experiment with this public id; `ExperimentNotFoundError` if none (a malformed id too). */
  experiment(experimentId: string): ExperimentRef {
    const row = this.stmt(
      'SELECT experiment_id, name, lifecycle_stage FROM experiments WHERE experiment_id = ?',
    ).get(experimentRowId(experimentId)) as
      { experiment_id: number; name: string; lifecycle_stage: string } | undefined;
    if (!row) throw new ExperimentNotFoundError(String(experimentId));
    return { id: row.experiment_id, name: row.name, lifecycleStage: row.lifecycle_stage };
  }

  /** The run with this public id, which must not be deleted. */
  writableRun(runId: string): RunRef {
    const run = this.run(runId);
    if (run.lifecycleStage !== 'active') throw new DeletedRunError(runId);
    return run;
  }
}

/** A metric value as stored: NaN as NULL with a flag (SQLite would turn NaN into NULL anyway). */
export function metricValue(value: number | null, isNan: number): number {
  return isNan ? Number.NaN : (value as number);
}
