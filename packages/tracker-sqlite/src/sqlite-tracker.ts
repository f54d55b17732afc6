import { existsSync, mkdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import Database from 'better-sqlite3';
import {
  ExperimentAlreadyExistsError,
  ParamOverwriteError,
  RunAlreadyExistsError,
  TAG_RUN_NAME,
  Tracker,
  TrackingStoreError,
  TrackingStoreNotFoundError,
} from '@tideflow/core';
import { deletedExperimentError, encodePageToken, likeToRegExp } from '@tideflow/core/store';
import type {
  BatchWrite,
  EncodedArtifact,
  ExperimentInsert,
  ExperimentUpdate,
  ModelTarget,
  ModelVersionInsert,
  ModelVersionRef,
  RegisteredModelInsert,
  ParsedSearch,
  RunScope,
  TrackerStore,
} from '@tideflow/core/store';
import type {
  ArtifactInfo,
  ChangeCursor,
  ChangePage,
  DatasetInput,
  Experiment,
  FlowRunRecord,
  GetLogsOptions,
  LifecycleStage,
  LoggedModel,
  LogLine,
  MetricPoint,
  ModelVersion,
  RegisteredModel,
  Run,
  SearchRunsResult,
  TaskRunRecord,
  TrackingRunInfo,
  UpdateRunOptions,
} from '@tideflow/core';
import { ArtifactFiles } from './artifact-files.js';
import * as artifacts from './artifacts-sql.js';
import * as models from './models-sql.js';
import { THIS_HOST } from './liveness.js';
import { markCrashedRuns, markCrashedRunsNow } from './crash-recovery.js';
import { insertMetrics } from './metrics-sql.js';
import * as records from './records-sql.js';
import { listInputs, putInputs } from './inputs-sql.js';
import { hydrateRuns } from './hydrate.js';
import { ChangeFeedSql } from './changes-sql.js';
import { checkSchemaForReading, migrate } from './schema.js';
import { compileScope, compileSearch } from './search-sql.js';
import { SqliteStore, metricValue } from './store.js';
import { experimentRowId } from './experiment-id.js';
import { parseSqliteUri } from './uri.js';

/** Options of {@link SqliteTracker}. */
export interface SqliteTrackerOptions {
  /** The database file; its directory is created if needed. */
  path: string;
  /** Where artifact files go (`<artifactRoot>/<run_id>/<path>`). Default: `artifacts/` next to the database. */
  artifactRoot?: string;
  /** How long a write waits for another process's lock before failing, ms. Default 10,000. */
  busyTimeoutMs?: number;
  /** How often RUNNING runs of this process record a heartbeat, ms. Default 30,000. */
  heartbeatIntervalMs?: number;
  /** After how long without a heartbeat a RUNNING run of another host counts as crashed, ms. Default 1 hour. */
  staleAfterMs?: number;
  /** Mark the runs of dead processes CRASHED when the store opens. Default `true`. */
  detectCrashes?: boolean;
  /**
   * Create the database when the file does not exist, and migrate an older one. With `false`
   * (reading tools) the store is only read: a missing or empty (0-byte) file throws
   * `TrackingStoreNotFoundError`, and a file that is not a tideflow store or is at another schema
   * version throws `TrackingStoreError`, before anything is written.
   *
   * @default true
   */
  create?: boolean;
  /** The tracking URI the path came from, for error messages. Default: the path. */
  uri?: string;
}

/** The active child runs of each parent in a JSON array of run ids (read through `runs_by_parent`). */
export const CHILD_COUNTS_SQL = `SELECT parent_run_uuid AS parent, COUNT(*) AS n FROM runs
  WHERE lifecycle_stage = 'active' AND parent_run_uuid IN (SELECT value FROM json_each(?))
  GROUP BY parent_run_uuid`;

/**
 * The {@link TrackerStore} on one SQLite file (better-sqlite3, WAL) under {@link SqliteTracker}.
 * Each write is one transaction that takes the write lock up front and waits up to
 * `busyTimeoutMs` for it; artifact files live under `<artifactRoot>/<run_id>/`.
 */
export class SqliteTrackerStore implements TrackerStore {
  /** The absolute path of the database file. */
  readonly path: string;
  /** The absolute root of artifact files. */
  readonly artifactRoot: string;
  private readonly store: SqliteStore;
  private readonly ownRunning = new Set<number>();
  private readonly heartbeat: NodeJS.Timeout;
  private readonly staleAfterMs: number;
  /** The `file:` URI of the artifact root, with a trailing `/`. */
  private readonly artifactUriPrefix: string;
  private readonly changes: ChangeFeedSql;

  /** Opens (creating or migrating) the database; rejects with `TrackingStoreError` if it cannot. */
  constructor(options: SqliteTrackerOptions) {
    this.path = resolve(options.path);
    this.artifactRoot = resolve(options.artifactRoot ?? join(dirname(this.path), 'artifacts'));
    this.staleAfterMs = options.staleAfterMs ?? 3_600_000;
    this.artifactUriPrefix = pathToFileURL(this.artifactRoot).href + '/';
    const create = options.create ?? true;
    if (!create) {
      // A read must not turn a missing or empty (0-byte) file into a new store.
      const size = existsSync(this.path) ? statSync(this.path).size : -1;
      if (size <= 0) {
        throw new TrackingStoreNotFoundError(
          options.uri ?? this.path,
          this.path,
          size < 0 ? 'the file does not exist' : 'the file is empty (0 bytes)',
        );
      }
    } else mkdirSync(dirname(this.path), { recursive: true });
    let db: Database.Database | undefined;
    const busyTimeoutMs = Math.max(0, Math.trunc(options.busyTimeoutMs ?? 10_000));
    try {
      db = new Database(this.path);
      // busy_timeout first: switching to WAL itself needs the lock when processes open at once.
      db.pragma(`busy_timeout = ${busyTimeoutMs}`);
      // A read checks the schema before anything writes (the switch to WAL would).
      if (!create) checkSchemaForReading(db, this.path);
      db.pragma('journal_mode = WAL');
      // NORMAL is corruption-safe in WAL mode; a power loss may drop the last commits only.
      db.pragma('synchronous = NORMAL');
      db.function('tf_like', { deterministic: true }, (pattern, value, ci) =>
        typeof value === 'string' && likeToRegExp(String(pattern), ci === 1).test(value) ? 1 : 0,
      );
    } catch (e) {
      db?.close();
      if (e instanceof TrackingStoreError) throw e;
      throw new TrackingStoreError(
        `Cannot open the SQLite tracking store ${this.path}: ${(e as Error).message}`,
        { cause: e },
      );
    }
    this.store = new SqliteStore(db, this.path, new ArtifactFiles(this.artifactRoot));
    this.store.busyTimeoutMs = busyTimeoutMs;
    this.changes = new ChangeFeedSql(this.store);
    try {
      // Opening may wait for the lock (a migration needs it); from then on writes wait
      // asynchronously (SqliteStore.write) and the connection itself never does.
      if (create) migrate(db, this.path);
      db.pragma('busy_timeout = 0');
      if (options.detectCrashes ?? true) markCrashedRunsNow(this.store, this.staleAfterMs);
    } catch (e) {
      db.close();
      throw e;
    }
    this.heartbeat = setInterval(() => this.beat(), options.heartbeatIntervalMs ?? 30_000);
    this.heartbeat.unref();
  }

  /** Records that this process is alive on the RUNNING runs it owns. */
  private beat(): void {
    if (this.ownRunning.size === 0) return;
    try {
      this.store.writeNow(() => {
        const stmt = this.store.stmt(
          `UPDATE runs SET heartbeat_at = ? WHERE id = ? AND status = 'RUNNING'`,
        );
        for (const id of this.ownRunning) stmt.run(Date.now(), id);
      });
    } catch {
      // A busy store skips one beat; the next one retries.
    }
  }

  /** See {@link SqliteTracker.markCrashedRuns}. */
  markCrashedRuns(): Promise<string[]> {
    return markCrashedRuns(this.store, this.staleAfterMs);
  }

  async insertExperiment(e: ExperimentInsert): Promise<string> {
    const s = this.store;
    return s.write(() => {
      if (s.stmt('SELECT 1 FROM experiments WHERE name = ?').get(e.name))
        throw new ExperimentAlreadyExistsError(e.name);
      const id = Number(
        s
          .stmt('INSERT INTO experiments (name, creation_time, last_update_time) VALUES (?, ?, ?)')
          .run(e.name, e.creationTime, e.creationTime).lastInsertRowid,
      );
      const tag = s.stmt(
        'INSERT INTO experiment_tags (experiment_id, key, value) VALUES (?, ?, ?)',
      );
      for (const [k, v] of Object.entries(e.tags)) tag.run(id, k, v);
      return String(id);
    });
  }

  async updateExperiment(
    experimentId: string,
    update: ExperimentUpdate,
    now: number,
  ): Promise<void> {
    const s = this.store;
    return s.write(() => {
      const { id, name } = s.experiment(experimentId);
      if (update.name !== undefined && update.name !== name) {
        if (s.stmt('SELECT 1 FROM experiments WHERE name = ?').get(update.name))
          throw new ExperimentAlreadyExistsError(update.name);
        s.stmt('UPDATE experiments SET name = ? WHERE experiment_id = ?').run(update.name, id);
      }
      const tag = s.stmt(
        'INSERT INTO experiment_tags (experiment_id, key, value) VALUES (?, ?, ?) ON CONFLICT (experiment_id, key) DO UPDATE SET value = excluded.value',
      );
      for (const [k, v] of Object.entries(update.tags ?? {})) tag.run(id, k, v);
      s.stmt('UPDATE experiments SET last_update_time = ? WHERE experiment_id = ?').run(now, id);
    });
  }

  async setExperimentLifecycle(
    experimentId: string,
    stage: LifecycleStage,
    now: number,
  ): Promise<void> {
    const s = this.store;
    await s.write(() => {
      const { id } = s.experiment(experimentId);
      s.stmt(
        'UPDATE experiments SET lifecycle_stage = ?, last_update_time = ? WHERE experiment_id = ?',
      ).run(stage, now, id);
      s.stmt('UPDATE runs SET lifecycle_stage = ? WHERE experiment_id = ?').run(stage, id);
    });
  }

  async getOrInsertExperiment(name: string, creationTime: number): Promise<string> {
    const s = this.store;
    return s.write(() => {
      s.stmt(
        'INSERT INTO experiments (name, creation_time, last_update_time) VALUES (?, ?, ?) ON CONFLICT (name) DO NOTHING',
      ).run(name, creationTime, creationTime);
      return String(
        (
          s.stmt('SELECT experiment_id FROM experiments WHERE name = ?').get(name) as {
            experiment_id: number;
          }
        ).experiment_id,
      );
    });
  }

  private experiments(where: string, ...params: unknown[]): Experiment[] {
    const s = this.store;
    return s.read(() => {
      const rows = s
        .stmt(
          `SELECT experiment_id, name, lifecycle_stage, creation_time, last_update_time FROM experiments ${where} ORDER BY experiment_id`,
        )
        .all(...params) as {
        experiment_id: number;
        name: string;
        lifecycle_stage: 'active';
        creation_time: number;
        last_update_time: number;
      }[];
      const tagStmt = s.stmt('SELECT key, value FROM experiment_tags WHERE experiment_id = ?');
      return rows.map((r) => ({
        experimentId: String(r.experiment_id),
        name: r.name,
        lifecycleStage: r.lifecycle_stage,
        creationTime: r.creation_time,
        lastUpdateTime: r.last_update_time,
        tags: Object.fromEntries(
          (tagStmt.all(r.experiment_id) as { key: string; value: string }[]).map((t) => [
            t.key,
            t.value,
          ]),
        ),
      }));
    });
  }

  async getExperiment(experimentId: string): Promise<Experiment | undefined> {
    return this.experiments('WHERE experiment_id = ?', experimentRowId(experimentId))[0];
  }

  async getExperimentByName(name: string): Promise<Experiment | undefined> {
    return this.experiments('WHERE name = ?', name)[0];
  }

  async listExperiments(): Promise<Experiment[]> {
    return this.experiments(`WHERE lifecycle_stage = 'active'`);
  }

  async insertRun(info: TrackingRunInfo, tags: Record<string, string>): Promise<void> {
    const s = this.store;
    const { runId, experimentId, status } = info;
    const running = status === 'RUNNING';
    const id = await s.write(() => {
      const experiment = s.experiment(experimentId);
      if (experiment.lifecycleStage !== 'active')
        throw deletedExperimentError({ experimentId, name: experiment.name });
      if (s.stmt('SELECT 1 FROM runs WHERE run_uuid = ?').get(runId))
        throw new RunAlreadyExistsError(runId);
      if (info.parentRunId !== null) s.run(info.parentRunId);
      const rowId = Number(
        s
          .stmt(
            `INSERT INTO runs (run_uuid, experiment_id, name, status, start_time, parent_run_uuid, pid, host, heartbeat_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          )
          .run(
            runId,
            experiment.id,
            info.name,
            status,
            info.startTime,
            info.parentRunId,
            running ? process.pid : null,
            running ? THIS_HOST : null,
            running ? Date.now() : null,
          ).lastInsertRowid,
      );
      const tag = s.stmt('INSERT INTO tags (run_id, key, value) VALUES (?, ?, ?)');
      for (const [k, v] of Object.entries(tags)) tag.run(rowId, k, v);
      return rowId;
    });
    if (running) this.ownRunning.add(id);
  }

  async getRun(runId: string): Promise<Run | undefined> {
    const s = this.store;
    return s.read(() => {
      const id = s.stmt('SELECT id FROM runs WHERE run_uuid = ?').pluck().get(runId) as
        number | undefined;
      return id === undefined ? undefined : hydrateRuns(s, [id])[0];
    });
  }

  async updateRun(runId: string, update: UpdateRunOptions): Promise<TrackingRunInfo> {
    const s = this.store;
    const [id, run] = await s.write(() => {
      const run = s.writableRun(runId);
      if (update.status !== undefined) {
        const running = update.status === 'RUNNING';
        s.stmt('UPDATE runs SET status = ?, pid = ?, host = ?, heartbeat_at = ? WHERE id = ?').run(
          update.status,
          running ? process.pid : null,
          running ? THIS_HOST : null,
          running ? Date.now() : null,
          run.id,
        );
      }
      if (update.endTime !== undefined)
        s.stmt('UPDATE runs SET end_time = ? WHERE id = ?').run(update.endTime, run.id);
      if (update.name !== undefined) {
        s.stmt('UPDATE runs SET name = ? WHERE id = ?').run(update.name, run.id);
        s.stmt('INSERT OR REPLACE INTO tags (run_id, key, value) VALUES (?, ?, ?)').run(
          run.id,
          TAG_RUN_NAME,
          update.name,
        );
      }
      return [run.id, hydrateRuns(s, [run.id])[0]] as const;
    });
    if (update.status === 'RUNNING') this.ownRunning.add(id);
    else if (update.status !== undefined) this.ownRunning.delete(id);
    return run.info;
  }

  async setRunLifecycle(runId: string, stage: LifecycleStage): Promise<void> {
    const s = this.store;
    await s.write(() =>
      s.stmt('UPDATE runs SET lifecycle_stage = ? WHERE id = ?').run(stage, s.run(runId).id),
    );
  }

  artifactUri(runId: string): string {
    return this.artifactUriPrefix + runId;
  }

  async listRuns(scope: RunScope): Promise<Run[]> {
    const s = this.store;
    const { sql, params } = compileScope(scope);
    return s.read(() =>
      hydrateRuns(
        s,
        s
          .stmt(sql)
          .pluck()
          .all(...params) as number[],
      ),
    );
  }

  async countChildRuns(runIds: readonly string[]): Promise<Map<string, number>> {
    const s = this.store;
    return s.read(() => {
      const rows = s.stmt(CHILD_COUNTS_SQL).all(JSON.stringify(runIds)) as {
        parent: string;
        n: number;
      }[];
      return new Map(rows.map((r) => [r.parent, r.n]));
    });
  }

  async searchRuns(q: ParsedSearch): Promise<SearchRunsResult> {
    const s = this.store;
    const { sql, params } = compileSearch(q, { artifactUriPrefix: this.artifactUriPrefix });
    return s.read(() => {
      const ids = s
        .stmt(sql)
        .pluck()
        .all(...params) as number[];
      const more = ids.length > q.maxResults;
      const runs = hydrateRuns(s, more ? ids.slice(0, q.maxResults) : ids);
      return more ? { runs, nextPageToken: encodePageToken(q.offset + q.maxResults) } : { runs };
    });
  }

  async writeBatch(runId: string, batch: BatchWrite): Promise<void> {
    const s = this.store;
    await s.write(() => {
      const run = s.writableRun(runId);
      if (batch.params.length) {
        const get = s.stmt('SELECT value FROM params WHERE run_id = ? AND key = ?').pluck();
        const put = s.stmt('INSERT OR IGNORE INTO params (run_id, key, value) VALUES (?, ?, ?)');
        for (const [k, v] of batch.params) {
          const old = get.get(run.id, k) as string | undefined;
          if (old !== undefined && old !== v) throw new ParamOverwriteError(runId, k, old, v);
          put.run(run.id, k, v);
        }
      }
      if (batch.tags.length) {
        const put = s.stmt('INSERT OR REPLACE INTO tags (run_id, key, value) VALUES (?, ?, ?)');
        for (const [k, v] of batch.tags) {
          put.run(run.id, k, v);
          if (k === TAG_RUN_NAME) s.stmt('UPDATE runs SET name = ? WHERE id = ?').run(v, run.id);
        }
      }
      if (batch.metrics.length) insertMetrics(s, run.id, batch.metrics);
    });
  }

  async putInputs(runId: string, inputs: readonly DatasetInput[]): Promise<void> {
    await putInputs(this.store, runId, inputs);
  }

  async listInputs(runId: string): Promise<DatasetInput[]> {
    return listInputs(this.store, runId);
  }

  async deleteTag(runId: string, key: string): Promise<void> {
    const s = this.store;
    await s.write(() =>
      s.stmt('DELETE FROM tags WHERE run_id = ? AND key = ?').run(s.writableRun(runId).id, key),
    );
  }

  async getMetricHistory(runId: string, key: string): Promise<MetricPoint[]> {
    const s = this.store;
    const rows = s
      .stmt(
        'SELECT step, timestamp, value, is_nan FROM metrics WHERE run_id = ? AND key = ? ORDER BY step, timestamp, rowid',
      )
      .all(s.run(runId).id, key) as {
      step: number;
      timestamp: number;
      value: number | null;
      is_nan: number;
    }[];
    return rows.map((r) => ({
      key,
      value: metricValue(r.value, r.is_nan),
      timestamp: r.timestamp,
      step: r.step,
    }));
  }

  async putArtifacts(runId: string, list: readonly EncodedArtifact[]): Promise<ArtifactInfo[]> {
    return artifacts.putArtifacts(this.store, runId, list);
  }

  async putVersionedArtifact(
    runId: string,
    key: string,
    encode: (version: number) => EncodedArtifact,
  ): Promise<ArtifactInfo> {
    return artifacts.putVersionedArtifact(this.store, runId, key, encode);
  }

  async listArtifacts(runId: string, prefix?: string): Promise<ArtifactInfo[]> {
    return artifacts.listArtifacts(this.store, runId, prefix);
  }

  async readArtifact(runId: string, path: string): Promise<Uint8Array | undefined> {
    return artifacts.readArtifact(this.store, runId, path);
  }

  async localArtifactPath(runId: string, path: string): Promise<string | undefined> {
    return artifacts.localArtifactPath(this.store, runId, path);
  }

  async putModel(
    runId: string,
    model: LoggedModel,
    files: readonly EncodedArtifact[],
  ): Promise<boolean> {
    return artifacts.putModel(this.store, runId, model, files);
  }

  async listLoggedModels(runId: string): Promise<LoggedModel[]> {
    return artifacts.listLoggedModels(this.store, runId);
  }

  async insertModelVersion(insert: ModelVersionInsert): Promise<ModelVersion> {
    return models.insertModelVersion(this.store, insert);
  }

  async setModelAlias(name: string, alias: string, version: number, now: number): Promise<void> {
    await models.setModelAlias(this.store, name, alias, version, now);
  }

  async deleteModelAlias(name: string, alias: string, now: number): Promise<void> {
    await models.deleteModelAlias(this.store, name, alias, now);
  }

  async getModelVersion(name: string, ref: ModelVersionRef): Promise<ModelVersion | undefined> {
    return models.getModelVersion(this.store, name, ref);
  }

  async listRegisteredModels(): Promise<RegisteredModel[]> {
    return models.listRegisteredModels(this.store);
  }

  async getRegisteredModel(name: string): Promise<RegisteredModel | undefined> {
    return models.getRegisteredModel(this.store, name);
  }

  async listModelVersions(name: string): Promise<ModelVersion[]> {
    return models.listModelVersions(this.store, name);
  }

  async insertRegisteredModel(model: RegisteredModelInsert): Promise<void> {
    await models.insertRegisteredModel(this.store, model);
  }

  async renameRegisteredModel(name: string, newName: string, now: number): Promise<void> {
    await models.renameRegisteredModel(this.store, name, newName, now);
  }

  async deleteRegisteredModel(name: string): Promise<void> {
    await models.deleteRegisteredModel(this.store, name);
  }

  async deleteModelVersion(name: string, version: number, now: number): Promise<void> {
    await models.deleteModelVersion(this.store, name, version, now);
  }

  async setModelTag(target: ModelTarget, key: string, value: string, now: number): Promise<void> {
    await models.setModelTag(this.store, target, key, value, now);
  }

  async deleteModelTag(target: ModelTarget, key: string, now: number): Promise<void> {
    await models.deleteModelTag(this.store, target, key, now);
  }

  async setModelDescription(
    target: ModelTarget,
    description: string | null,
    now: number,
  ): Promise<void> {
    await models.setModelDescription(this.store, target, description, now);
  }

  async putFlowRun(runId: string, record: FlowRunRecord): Promise<void> {
    await records.putFlowRun(this.store, runId, record);
  }

  async getFlowRun(runId: string): Promise<FlowRunRecord | undefined> {
    return records.getFlowRun(this.store, runId);
  }

  async putTaskRun(runId: string, record: TaskRunRecord): Promise<void> {
    await records.putTaskRuns(this.store, runId, [record]);
  }

  async putTaskRuns(runId: string, batch: readonly TaskRunRecord[]): Promise<void> {
    await records.putTaskRuns(this.store, runId, batch);
  }

  async listTaskRuns(runId: string): Promise<TaskRunRecord[]> {
    return records.listTaskRuns(this.store, runId);
  }

  async appendLogs(runId: string, lines: readonly LogLine[]): Promise<void> {
    await records.appendLogs(this.store, runId, lines);
  }

  async getLogs(runId: string, options: GetLogsOptions): Promise<LogLine[]> {
    return records.getLogs(this.store, runId, options);
  }

  async readChanges(after: ChangeCursor | undefined, limit: number): Promise<ChangePage> {
    return this.changes.read(after, limit);
  }

  async close(): Promise<void> {
    clearInterval(this.heartbeat);
    this.store.db.close();
  }
}

/**
 * A {@link Tracker} on one SQLite file: the default store of flows run from the CLI. Several
 * processes can log to the same file at once. Runs left RUNNING by a dead process become
 * CRASHED on open.
 *
 * @example
 * ```ts
 * const tracker = new SqliteTracker({ path: '.tideflow/tideflow.db' });
 * const run = await tracker.createRun({ experimentId: await tracker.getOrCreateExperiment('demo') });
 * await tracker.logBatch(run.info.runId, { metrics: [{ key: 'loss', value: 0.3, step: 1 }] });
 * await tracker.close();
 * ```
 */
export class SqliteTracker extends Tracker<SqliteTrackerStore> {
  /** The absolute path of the database file. */
  readonly path: string;
  /** The absolute root of artifact files. */
  readonly artifactRoot: string;

  /** Opens (creating or migrating) the store at `sqlite:///relative.db` or `sqlite:////absolute.db`. */
  static fromUri(
    uri: string,
    options: Omit<SqliteTrackerOptions, 'path'> & { cwd?: string } = {},
  ): SqliteTracker {
    return new SqliteTracker({ uri, ...options, path: parseSqliteUri(uri, options.cwd) });
  }

  /** Opens (creating or migrating) the store; throws `TrackingStoreError` if it cannot. */
  constructor(options: SqliteTrackerOptions) {
    super(new SqliteTrackerStore(options));
    this.path = this.store.path;
    this.artifactRoot = this.store.artifactRoot;
  }

  /**
   * Marks CRASHED the RUNNING runs whose process is gone (dead pid on this host, or no heartbeat
   * for `staleAfterMs` from another host), with their running flow and task records. Runs on
   * open; call it again to sweep a long-lived store. Resolves to the ids marked.
   */
  async markCrashedRuns(): Promise<string[]> {
    return this.live.markCrashedRuns();
  }
}
