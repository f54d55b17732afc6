import type { Database } from 'better-sqlite3';
import { TrackingStoreError } from '@tideflow/core';

/**
 * How many of the newest flow-run and task-run record changes the change feed keeps (at least;
 * up to {@link RECORD_CHANGES_PRUNE_EVERY} more between prunings). Fixed by schema version 9.
 */
export const RECORD_CHANGES_KEPT = 10_000;

/** Every how many record changes the older ones are pruned. Fixed by schema version 9. */
export const RECORD_CHANGES_PRUNE_EVERY = 1_000;

/** One schema change: `up` runs inside the migration transaction. */
export interface Migration {
  /** The version this migration brings the store to (1, 2, ...). */
  version: number;
  /** What it adds, for the `schema_version` table. */
  description: string;
  /** Applies the change. */
  up(db: Database): void;
}

/**
 * The schema, as ordered migrations. Never edit a released migration: add a new one, so that
 * stores created by older versions are brought forward in place.
 */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'experiments, runs, params, metrics, latest metrics, tags (the MLflow data model)',
    up(db) {
      db.exec(`
        CREATE TABLE experiments (
          experiment_id INTEGER PRIMARY KEY,
          name TEXT NOT NULL UNIQUE,
          lifecycle_stage TEXT NOT NULL DEFAULT 'active',
          creation_time INTEGER NOT NULL,
          last_update_time INTEGER NOT NULL
        );
        CREATE TABLE experiment_tags (
          experiment_id INTEGER NOT NULL,
          key TEXT NOT NULL,
          value TEXT NOT NULL,
          PRIMARY KEY (experiment_id, key)
        ) WITHOUT ROWID;
        CREATE TABLE runs (
          id INTEGER PRIMARY KEY,
          run_uuid TEXT NOT NULL UNIQUE,
          experiment_id INTEGER NOT NULL,
          name TEXT NOT NULL,
          status TEXT NOT NULL,
          start_time INTEGER NOT NULL,
          end_time INTEGER,
          lifecycle_stage TEXT NOT NULL DEFAULT 'active',
          parent_run_uuid TEXT,
          pid INTEGER,
          host TEXT,
          heartbeat_at INTEGER
        );
        CREATE INDEX runs_by_experiment ON runs (experiment_id, start_time);
        CREATE INDEX runs_by_status ON runs (status);
        CREATE TABLE params (
          run_id INTEGER NOT NULL,
          key TEXT NOT NULL,
          value TEXT NOT NULL,
          PRIMARY KEY (run_id, key)
        ) WITHOUT ROWID;
        CREATE TABLE tags (
          run_id INTEGER NOT NULL,
          key TEXT NOT NULL,
          value TEXT NOT NULL,
          PRIMARY KEY (run_id, key)
        ) WITHOUT ROWID;
        -- SQLite turns NaN into NULL, so NaN is stored as value NULL with is_nan = 1 (MLflow
        -- likewise keeps an is_nan flag).
        CREATE TABLE metrics (
          run_id INTEGER NOT NULL,
          key TEXT NOT NULL,
          step INTEGER NOT NULL,
          timestamp INTEGER NOT NULL,
          value REAL,
          is_nan INTEGER NOT NULL DEFAULT 0
        );
        CREATE INDEX metrics_by_run_key ON metrics (run_id, key, step, timestamp);
        CREATE TABLE latest_metrics (
          run_id INTEGER NOT NULL,
          key TEXT NOT NULL,
          step INTEGER NOT NULL,
          timestamp INTEGER NOT NULL,
          value REAL,
          is_nan INTEGER NOT NULL DEFAULT 0,
          PRIMARY KEY (run_id, key)
        ) WITHOUT ROWID;
      `);
      const now = Date.now();
      db.prepare(
        `INSERT INTO experiments (experiment_id, name, creation_time, last_update_time) VALUES (0, 'Default', ?, ?)`,
      ).run(now, now);
    },
  },
  {
    version: 2,
    description: 'flow-run and task-run records, run logs',
    up(db) {
      db.exec(`
        CREATE TABLE flow_runs (
          run_id INTEGER PRIMARY KEY,
          flow_name TEXT NOT NULL,
          state TEXT NOT NULL,
          state_history TEXT NOT NULL,
          parameters TEXT NOT NULL
        );
        CREATE TABLE task_runs (
          run_id INTEGER NOT NULL,
          task_run_id TEXT NOT NULL,
          seq INTEGER NOT NULL,
          task_name TEXT NOT NULL,
          state TEXT NOT NULL,
          state_history TEXT NOT NULL,
          start_time INTEGER,
          end_time INTEGER,
          duration_ms REAL,
          attempts INTEGER NOT NULL,
          cache_key TEXT,
          cache_hit INTEGER NOT NULL,
          error TEXT,
          PRIMARY KEY (run_id, task_run_id)
        );
        CREATE INDEX task_runs_by_seq ON task_runs (run_id, seq);
        CREATE TABLE run_logs (
          id INTEGER PRIMARY KEY,
          run_id INTEGER NOT NULL,
          timestamp INTEGER NOT NULL,
          level TEXT NOT NULL,
          message TEXT NOT NULL,
          task_run_id TEXT
        );
        CREATE INDEX run_logs_by_run ON run_logs (run_id, id);
      `);
    },
  },
  {
    version: 3,
    description: 'artifacts, logged models and the model registry',
    up(db) {
      db.exec(`
        CREATE TABLE artifacts (
          run_id INTEGER NOT NULL,
          path TEXT NOT NULL,
          type TEXT NOT NULL,
          key TEXT,
          version INTEGER,
          size INTEGER NOT NULL,
          media_type TEXT NOT NULL,
          description TEXT,
          created_at INTEGER NOT NULL,
          PRIMARY KEY (run_id, path)
        ) WITHOUT ROWID;
        CREATE INDEX artifacts_by_key ON artifacts (run_id, key, version);
        CREATE TABLE logged_models (
          run_id INTEGER NOT NULL,
          name TEXT NOT NULL,
          flavor TEXT NOT NULL,
          signature TEXT,
          metrics TEXT NOT NULL,
          size INTEGER NOT NULL,
          created_at INTEGER NOT NULL,
          PRIMARY KEY (run_id, name)
        ) WITHOUT ROWID;
        CREATE TABLE registered_models (
          name TEXT PRIMARY KEY,
          created_at INTEGER NOT NULL,
          updated_at INTEGER NOT NULL
        );
        CREATE TABLE model_versions (
          name TEXT NOT NULL,
          version INTEGER NOT NULL,
          run_uuid TEXT NOT NULL,
          model_name TEXT NOT NULL,
          source TEXT NOT NULL,
          description TEXT,
          created_at INTEGER NOT NULL,
          PRIMARY KEY (name, version)
        ) WITHOUT ROWID;
        CREATE TABLE model_aliases (
          name TEXT NOT NULL,
          alias TEXT NOT NULL,
          version INTEGER NOT NULL,
          PRIMARY KEY (name, alias)
        ) WITHOUT ROWID;
      `);
    },
  },
  {
    version: 4,
    description: 'datasets and run inputs (MLflow log_inputs)',
    up(db) {
      // As MLflow's tables: a dataset is shared within an experiment by (name, digest); an input
      // links it to a run in a context. The indexes serve datasets.* search clauses.
      db.exec(`
        CREATE TABLE datasets (
          dataset_id INTEGER PRIMARY KEY,
          experiment_id INTEGER NOT NULL,
          name TEXT NOT NULL,
          digest TEXT NOT NULL,
          source_type TEXT NOT NULL,
          source TEXT NOT NULL,
          schema TEXT,
          num_rows INTEGER,
          UNIQUE (experiment_id, name, digest)
        );
        CREATE INDEX datasets_by_digest ON datasets (digest);
        CREATE INDEX datasets_by_name ON datasets (name);
        CREATE TABLE inputs (
          id INTEGER PRIMARY KEY,
          run_id INTEGER NOT NULL,
          dataset_id INTEGER NOT NULL,
          context TEXT
        );
        CREATE UNIQUE INDEX inputs_identity ON inputs (run_id, dataset_id, IFNULL(context, ''));
        CREATE INDEX inputs_by_dataset ON inputs (dataset_id, run_id);
      `);
    },
  },
  {
    version: 5,
    description: 'runs by parent run (child-run counts)',
    up(db) {
      // countChildRuns groups a page of parents' children: with the index it reads those
      // children only, not every run of the store.
      db.exec('CREATE INDEX runs_by_parent ON runs (parent_run_uuid, lifecycle_stage);');
    },
  },
  {
    version: 6,
    description: 'task-run names (the taskRunName task option)',
    up(db) {
      // Runs recorded before task-run names are called after their task, as new runs without
      // a taskRunName option are.
      db.exec(`
        ALTER TABLE task_runs ADD COLUMN task_run_name TEXT;
        UPDATE task_runs SET task_run_name = task_name;
      `);
    },
  },
  {
    version: 7,
    description:
      'model registry tags and descriptions (MLflow registered model and version metadata)',
    up(db) {
      // Versions registered before this migration were last updated when they were registered.
      db.exec(`
        ALTER TABLE registered_models ADD COLUMN description TEXT;
        ALTER TABLE model_versions ADD COLUMN updated_at INTEGER;
        UPDATE model_versions SET updated_at = created_at;
        CREATE TABLE registered_model_tags (
          name TEXT NOT NULL,
          key TEXT NOT NULL,
          value TEXT NOT NULL,
          PRIMARY KEY (name, key)
        ) WITHOUT ROWID;
        CREATE TABLE model_version_tags (
          name TEXT NOT NULL,
          version INTEGER NOT NULL,
          key TEXT NOT NULL,
          value TEXT NOT NULL,
          PRIMARY KEY (name, version, key)
        ) WITHOUT ROWID;
      `);
    },
  },
  {
    version: 8,
    description: 'the change feed of flow-run and task-run records (live updates)',
    up(db) {
      // Log lines and metric points are append-only, so their rowids are their feed positions;
      // records are replaced in place, so every write of one is numbered here by triggers, which
      // every process writing the file fires. AUTOINCREMENT: a number is never reused.
      db.exec(`
        CREATE TABLE record_changes (
          id INTEGER PRIMARY KEY AUTOINCREMENT,
          run_id INTEGER NOT NULL,
          task_run_id TEXT
        );
        CREATE TRIGGER flow_runs_inserted AFTER INSERT ON flow_runs BEGIN
          INSERT INTO record_changes (run_id, task_run_id) VALUES (NEW.run_id, NULL);
        END;
        CREATE TRIGGER flow_runs_updated AFTER UPDATE ON flow_runs BEGIN
          INSERT INTO record_changes (run_id, task_run_id) VALUES (NEW.run_id, NULL);
        END;
        CREATE TRIGGER task_runs_inserted AFTER INSERT ON task_runs BEGIN
          INSERT INTO record_changes (run_id, task_run_id) VALUES (NEW.run_id, NEW.task_run_id);
        END;
        CREATE TRIGGER task_runs_updated AFTER UPDATE ON task_runs BEGIN
          INSERT INTO record_changes (run_id, task_run_id) VALUES (NEW.run_id, NEW.task_run_id);
        END;
      `);
    },
  },
  {
    version: 9,
    description: 'the change feed keeps the newest 10,000 record changes (pruned by a trigger)',
    up(db) {
      // Every writer of the file fires the trigger, so the table stays bounded whichever
      // processes write, and the pruning costs one range delete per 1,000 record writes.
      // `pruned_through` is the last sequence number no longer kept: a reader behind it resyncs.
      db.exec(`
        CREATE TABLE change_feed (
          id INTEGER PRIMARY KEY CHECK (id = 1),
          pruned_through INTEGER NOT NULL
        );
        INSERT INTO change_feed (id, pruned_through)
          SELECT 1, MAX(0, COALESCE(MAX(id), 0) - ${RECORD_CHANGES_KEPT}) FROM record_changes;
        DELETE FROM record_changes WHERE id <= (SELECT pruned_through FROM change_feed);
        CREATE TRIGGER record_changes_pruned AFTER INSERT ON record_changes
          WHEN NEW.id % ${RECORD_CHANGES_PRUNE_EVERY} = 0 AND NEW.id > ${RECORD_CHANGES_KEPT} BEGIN
          DELETE FROM record_changes WHERE id <= NEW.id - ${RECORD_CHANGES_KEPT};
          UPDATE change_feed SET pruned_through = NEW.id - ${RECORD_CHANGES_KEPT};
        END;
      `);
    },
  },
  {
    version: 10,
    description:
      'the highest version number each registered model gave (deleted versions keep theirs)',
    up(db) {
      // MLflow never gives a deleted version's number again: the next version is one more than
      // this, not than the highest left. Stores before this migration deleted no versions.
      db.exec(`
        ALTER TABLE registered_models ADD COLUMN last_version INTEGER NOT NULL DEFAULT 0;
        UPDATE registered_models SET last_version = COALESCE(
          (SELECT MAX(version) FROM model_versions v WHERE v.name = registered_models.name), 0);
      `);
    },
  },
];

/** The schema version this package writes. */
export const LATEST_SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1].version;

/** The store's schema version: 0 for an empty file. */
export function schemaVersion(db: Database): number {
  const table = db
    .prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'`)
    .get();
  if (!table) return 0;
  const row = db.prepare('SELECT MAX(version) AS v FROM schema_version').get() as {
    v: number | null;
  };
  return row.v ?? 0;
}

function newerSchema(path: string, current: number): TrackingStoreError {
  return new TrackingStoreError(
    `The tracking store ${path} has schema version ${current}, newer than this @tideflow/tracker-sqlite ` +
      `understands (${LATEST_SCHEMA_VERSION}); upgrade @tideflow/tracker-sqlite.`,
  );
}

/**
 * Checks, without writing anything, that a store opened for reading is a tideflow store at the
 * schema this package writes: a read never creates tables or migrates.
 *
 * @throws TrackingStoreError naming the file for an SQLite database that is not a tideflow store,
 *   or a store at an older or newer schema version.
 */
export function checkSchemaForReading(db: Database, path: string): void {
  const current = schemaVersion(db);
  if (current === LATEST_SCHEMA_VERSION) return;
  if (current > LATEST_SCHEMA_VERSION) throw newerSchema(path, current);
  if (current === 0) {
    throw new TrackingStoreError(
      `${path} is an SQLite database but not a tideflow tracking store (it has no schema_version ` +
        'table); point the tracking URI at a store written by tideflow.',
    );
  }
  throw new TrackingStoreError(
    `The tracking store ${path} has schema version ${current}, older than this ` +
      `@tideflow/tracker-sqlite writes (${LATEST_SCHEMA_VERSION}); reading does not migrate it. ` +
      'Run a flow with this store (which upgrades it) and read it again.',
  );
}

/**
 * Brings the store to `target` (default: the latest version) in one immediate transaction, so
 * that processes opening a new file at once apply each migration exactly once. A store written by
 * a newer tideflow is refused rather than misread.
 */
export function migrate(
  db: Database,
  path: string,
  target: number = LATEST_SCHEMA_VERSION,
): number {
  const run = db.transaction(() => {
    db.exec(
      'CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, description TEXT NOT NULL, applied_at INTEGER NOT NULL)',
    );
    const current = schemaVersion(db);
    if (current > LATEST_SCHEMA_VERSION) throw newerSchema(path, current);
    const insert = db.prepare(
      'INSERT INTO schema_version (version, description, applied_at) VALUES (?, ?, ?)',
    );
    for (const m of MIGRATIONS) {
      if (m.version <= current || m.version > target) continue;
      m.up(db);
      insert.run(m.version, m.description, Date.now());
    }
    return schemaVersion(db);
  });
  return run.immediate();
}
