import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import Database from 'better-sqlite3';
import {
  ExperimentAlreadyExistsError,
  ExperimentNotFoundError,
  ParamOverwriteError,
  RunAlreadyExistsError,
  TAG_RUN_NAME,
  TrackingInputError,
  TrackingStoreError,
  encodePageToken,
  generateRunName,
  likeToRegExp,
  newRunId,
  paramToString,
  parseSearch,
  systemTags,
  validateKey,
  validateName,
  validateRunId,
  validateStatus,
  validateTagValue,
  validateTime,
} from '@tideflow/core';
import type {
  ArtifactInfo,
  CreateExperimentOptions,
  CreateRunOptions,
  Experiment,
  FlowRunRecord,
  GetLogsOptions,
  LogBatchInput,
  LoggedModel,
  LogLine,
  LogMetricOptions,
  LogModelInput,
  MetricPoint,
  ModelVersion,
  ParamValue,
  RegisteredModel,
  RegisterModelOptions,
  Run,
  SearchRunsOptions,
  SearchRunsResult,
  TaskRunRecord,
  Tracker,
  TrackingRunInfo,
  TypedArtifact,
  TypedArtifactInput,
  UpdateRunOptions,
} from '@tideflow/core';
import { ArtifactFiles } from './artifact-files.js';
import * as artifacts from './artifacts-sql.js';
import { THIS_HOST } from './liveness.js';
import { markCrashedRuns } from './crash-recovery.js';
import { insertMetrics } from './metrics-sql.js';
import * as records from './records-sql.js';
import { hydrateRuns } from './hydrate.js';
import { migrate } from './schema.js';
import { compileSearch } from './search.js';
import { SqliteStore, metricValue } from './store.js';
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
}

/**
 * A {@link Tracker} on one SQLite file (better-sqlite3, WAL): the default store of flows run
 * from the CLI. Several processes can log to the same file at once; each write is one
 * transaction that waits up to `busyTimeoutMs` for the lock. Artifacts are files under
 * `<root>/artifacts/<run_id>/`. Runs left RUNNING by a dead process become CRASHED on open.
 *
 * @example
 * ```ts
 * const tracker = new SqliteTracker({ path: '.tideflow/tideflow.db' });
 * const run = await tracker.createRun({ experimentId: await tracker.getOrCreateExperiment('demo') });
 * await tracker.logBatch(run.info.runId, { metrics: [{ key: 'loss', value: 0.3, step: 1 }] });
 * await tracker.close();
 * ```
 */
export class SqliteTracker implements Tracker {
  /** The absolute path of the database file. */
  readonly path: string;
  /** The absolute root of artifact files. */
  readonly artifactRoot: string;
  private readonly store: SqliteStore;
  private readonly ownRunning = new Set<number>();
  private readonly heartbeat: NodeJS.Timeout;
  private readonly staleAfterMs: number;
  private closed = false;

  /** Opens (creating or migrating) the store at `sqlite:///relative.db` or `sqlite:////absolute.db`. */
  static fromUri(
    uri: string,
    options: Omit<SqliteTrackerOptions, 'path'> & { cwd?: string } = {},
  ): SqliteTracker {
    return new SqliteTracker({ ...options, path: parseSqliteUri(uri, options.cwd) });
  }

  constructor(options: SqliteTrackerOptions) {
    this.path = resolve(options.path);
    this.artifactRoot = resolve(options.artifactRoot ?? join(dirname(this.path), 'artifacts'));
    this.staleAfterMs = options.staleAfterMs ?? 3_600_000;
    mkdirSync(dirname(this.path), { recursive: true });
    let db: Database.Database;
    try {
      db = new Database(this.path);
      // busy_timeout first: switching to WAL itself needs the lock when processes open at once.
      db.pragma(`busy_timeout = ${Math.max(0, Math.trunc(options.busyTimeoutMs ?? 10_000))}`);
      db.pragma('journal_mode = WAL');
      // NORMAL is corruption-safe in WAL mode; a power loss may drop the last commits only.
      db.pragma('synchronous = NORMAL');
      db.function('tf_like', { deterministic: true }, (pattern, value, ci) =>
        typeof value === 'string' && likeToRegExp(String(pattern), ci === 1).test(value) ? 1 : 0,
      );
    } catch (e) {
      throw new TrackingStoreError(
        `Cannot open the SQLite tracking store ${this.path}: ${(e as Error).message}`,
        { cause: e },
      );
    }
    this.store = new SqliteStore(db, this.path, new ArtifactFiles(this.artifactRoot));
    try {
      migrate(db, this.path);
      if (options.detectCrashes ?? true) markCrashedRuns(this.store, this.staleAfterMs);
    } catch (e) {
      db.close();
      throw e;
    }
    this.heartbeat = setInterval(() => this.beat(), options.heartbeatIntervalMs ?? 30_000);
    this.heartbeat.unref();
  }

  private get s(): SqliteStore {
    if (this.closed)
      throw new TrackingStoreError(`The SQLite tracker of ${this.path} is closed; open a new one.`);
    return this.store;
  }

  /** Records that this process is alive on the RUNNING runs it owns. */
  private beat(): void {
    if (this.closed || this.ownRunning.size === 0) return;
    try {
      this.store.write(() => {
        const stmt = this.store.stmt(
          `UPDATE runs SET heartbeat_at = ? WHERE id = ? AND status = 'RUNNING'`,
        );
        for (const id of this.ownRunning) stmt.run(Date.now(), id);
      });
    } catch {
      // A busy store skips one beat; the next one retries.
    }
  }

  /**
   * Marks CRASHED the RUNNING runs whose process is gone (dead pid on this host, or no heartbeat
   * for `staleAfterMs` from another host), with their running flow and task records. Runs on
   * open; call it again to sweep a long-lived store. Resolves to the ids marked.
   */
  async markCrashedRuns(): Promise<string[]> {
    return markCrashedRuns(this.s, this.staleAfterMs);
  }

  async createExperiment(name: string, options: CreateExperimentOptions = {}): Promise<string> {
    const s = this.s;
    validateName('An experiment name', name);
    const tags = Object.entries(options.tags ?? {});
    for (const [k, v] of tags) {
      validateKey('tag', k);
      validateTagValue(k, v);
    }
    return s.write(() => {
      if (s.stmt('SELECT 1 FROM experiments WHERE name = ?').get(name))
        throw new ExperimentAlreadyExistsError(name);
      const now = Date.now();
      const id = Number(
        s
          .stmt('INSERT INTO experiments (name, creation_time, last_update_time) VALUES (?, ?, ?)')
          .run(name, now, now).lastInsertRowid,
      );
      const tag = s.stmt(
        'INSERT INTO experiment_tags (experiment_id, key, value) VALUES (?, ?, ?)',
      );
      for (const [k, v] of tags) tag.run(id, k, v);
      return String(id);
    });
  }

  async getOrCreateExperiment(name: string): Promise<string> {
    const s = this.s;
    validateName('An experiment name', name);
    return s.write(() => {
      const now = Date.now();
      s.stmt(
        'INSERT INTO experiments (name, creation_time, last_update_time) VALUES (?, ?, ?) ON CONFLICT (name) DO NOTHING',
      ).run(name, now, now);
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
    const s = this.s;
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

  async getExperiment(experimentId: string): Promise<Experiment> {
    const [e] = /^\d+$/.test(String(experimentId))
      ? this.experiments('WHERE experiment_id = ?', Number(experimentId))
      : [];
    if (!e) throw new ExperimentNotFoundError(String(experimentId));
    return e;
  }

  async getExperimentByName(name: string): Promise<Experiment | undefined> {
    return this.experiments('WHERE name = ?', name)[0];
  }

  async listExperiments(): Promise<Experiment[]> {
    return this.experiments(`WHERE lifecycle_stage = 'active'`);
  }

  async createRun(options: CreateRunOptions = {}): Promise<Run> {
    const s = this.s;
    const experimentId = options.experimentId ?? '0';
    if (options.runId !== undefined) validateRunId(options.runId);
    const status = options.status ?? 'RUNNING';
    validateStatus(status);
    const startTime = options.startTime ?? Date.now();
    validateTime('startTime', startTime);
    if (options.name !== undefined) validateName('A run name', options.name);
    const name = options.name ?? options.tags?.[TAG_RUN_NAME] ?? generateRunName();
    const tags = Object.entries({ ...systemTags(name, options.parentRunId), ...options.tags });
    for (const [k, v] of tags) {
      validateKey('tag', k);
      validateTagValue(k, v);
    }
    const runId = options.runId ?? newRunId();
    const id = s.write(() => {
      if (
        !/^\d+$/.test(experimentId) ||
        !s.stmt('SELECT 1 FROM experiments WHERE experiment_id = ?').get(Number(experimentId))
      ) {
        throw new ExperimentNotFoundError(String(experimentId));
      }
      if (s.stmt('SELECT 1 FROM runs WHERE run_uuid = ?').get(runId))
        throw new RunAlreadyExistsError(runId);
      if (options.parentRunId !== undefined) s.run(options.parentRunId);
      const running = status === 'RUNNING';
      const rowId = Number(
        s
          .stmt(
            `INSERT INTO runs (run_uuid, experiment_id, name, status, start_time, parent_run_uuid, pid, host, heartbeat_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          )
          .run(
            runId,
            Number(experimentId),
            name,
            status,
            startTime,
            options.parentRunId ?? null,
            running ? process.pid : null,
            running ? THIS_HOST : null,
            running ? Date.now() : null,
          ).lastInsertRowid,
      );
      const tag = s.stmt('INSERT INTO tags (run_id, key, value) VALUES (?, ?, ?)');
      for (const [k, v] of tags) tag.run(rowId, k, v);
      return rowId;
    });
    if (status === 'RUNNING') this.ownRunning.add(id);
    return this.getRun(runId);
  }

  async getRun(runId: string): Promise<Run> {
    const s = this.s;
    return s.read(() => hydrateRuns(s, [s.run(runId).id])[0]);
  }

  async updateRun(runId: string, update: UpdateRunOptions): Promise<TrackingRunInfo> {
    const s = this.s;
    if (update.status !== undefined) validateStatus(update.status);
    if (update.endTime !== undefined) validateTime('endTime', update.endTime);
    if (update.name !== undefined) validateName('A run name', update.name);
    const id = s.write(() => {
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
      return run.id;
    });
    if (update.status === 'RUNNING') this.ownRunning.add(id);
    else if (update.status !== undefined) this.ownRunning.delete(id);
    return (await this.getRun(runId)).info;
  }

  private setLifecycle(runId: string, stage: 'active' | 'deleted'): void {
    const s = this.s;
    s.write(() =>
      s.stmt('UPDATE runs SET lifecycle_stage = ? WHERE id = ?').run(stage, s.run(runId).id),
    );
  }

  async deleteRun(runId: string): Promise<void> {
    this.setLifecycle(runId, 'deleted');
  }

  async restoreRun(runId: string): Promise<void> {
    this.setLifecycle(runId, 'active');
  }

  async searchRuns(options: SearchRunsOptions = {}): Promise<SearchRunsResult> {
    const s = this.s;
    const q = parseSearch(options);
    if (q.maxResults === 0) return { runs: [] };
    const { sql, params } = compileSearch(q, {
      artifactUriPrefix: pathToFileURL(this.artifactRoot).href + '/',
    });
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

  async logParam(runId: string, key: string, value: ParamValue): Promise<void> {
    await this.logBatch(runId, { params: { [key]: value } });
  }

  async logMetric(
    runId: string,
    key: string,
    value: number,
    options: LogMetricOptions = {},
  ): Promise<void> {
    await this.logBatch(runId, { metrics: [{ key, value, ...options }] });
  }

  async setTag(runId: string, key: string, value: string): Promise<void> {
    await this.logBatch(runId, { tags: { [key]: value } });
  }

  async deleteTag(runId: string, key: string): Promise<void> {
    const s = this.s;
    validateKey('tag', key);
    s.write(() =>
      s.stmt('DELETE FROM tags WHERE run_id = ? AND key = ?').run(s.writableRun(runId).id, key),
    );
  }

  async logBatch(runId: string, batch: LogBatchInput): Promise<void> {
    const s = this.s;
    // Params and tags are checked before the transaction; metric points (checked while they are
    // bound, to avoid a second pass) and the param overwrite check run inside it, where a throw
    // rolls the whole batch back.
    const now = Date.now();
    const metrics = batch.metrics ?? [];
    if (!Array.isArray(metrics))
      throw new TrackingInputError('logBatch needs `metrics` to be an array.');
    const params = Object.entries(batch.params ?? {}).map(([k, v]): [string, string] => {
      validateKey('param', k);
      return [k, paramToString(k, v)];
    });
    const tags = Object.entries(batch.tags ?? {});
    for (const [k, v] of tags) {
      validateKey('tag', k);
      validateTagValue(k, v);
    }
    s.write(() => {
      const run = s.writableRun(runId);
      if (params.length) {
        const get = s.stmt('SELECT value FROM params WHERE run_id = ? AND key = ?').pluck();
        const put = s.stmt('INSERT OR IGNORE INTO params (run_id, key, value) VALUES (?, ?, ?)');
        for (const [k, v] of params) {
          const old = get.get(run.id, k) as string | undefined;
          if (old !== undefined && old !== v) throw new ParamOverwriteError(runId, k, old, v);
          put.run(run.id, k, v);
        }
      }
      if (tags.length) {
        const put = s.stmt('INSERT OR REPLACE INTO tags (run_id, key, value) VALUES (?, ?, ?)');
        for (const [k, v] of tags) {
          put.run(run.id, k, v);
          if (k === TAG_RUN_NAME) s.stmt('UPDATE runs SET name = ? WHERE id = ?').run(v, run.id);
        }
      }
      if (metrics.length) insertMetrics(s, run.id, metrics, now);
    });
  }

  async getMetricHistory(runId: string, key: string): Promise<MetricPoint[]> {
    const s = this.s;
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

  async logArtifact(runId: string, path: string, data: Uint8Array | string): Promise<ArtifactInfo> {
    return artifacts.logArtifact(this.s, runId, path, data);
  }

  async logTypedArtifact(runId: string, artifact: TypedArtifactInput): Promise<ArtifactInfo> {
    return artifacts.logTypedArtifact(this.s, runId, artifact);
  }

  async listArtifacts(runId: string, prefix?: string): Promise<ArtifactInfo[]> {
    return artifacts.listArtifacts(this.s, runId, prefix);
  }

  async readArtifact(runId: string, path: string): Promise<Uint8Array> {
    return artifacts.readArtifact(this.s, runId, path);
  }

  async getTypedArtifact(runId: string, key: string, version?: number): Promise<TypedArtifact> {
    return artifacts.getTypedArtifact(this.s, runId, key, version);
  }

  async logModel(runId: string, model: LogModelInput): Promise<LoggedModel> {
    return artifacts.logModel(this.s, runId, model);
  }

  async listLoggedModels(runId: string): Promise<LoggedModel[]> {
    return artifacts.listLoggedModels(this.s, runId);
  }

  async registerModel(name: string, options: RegisterModelOptions): Promise<ModelVersion> {
    return artifacts.registerModel(this.s, name, options);
  }

  async setModelAlias(name: string, alias: string, version: number): Promise<void> {
    artifacts.setModelAlias(this.s, name, alias, version);
  }

  async deleteModelAlias(name: string, alias: string): Promise<void> {
    artifacts.deleteModelAlias(this.s, name, alias);
  }

  async getModelVersion(name: string, versionOrAlias: number | string): Promise<ModelVersion> {
    return artifacts.getModelVersion(this.s, name, versionOrAlias);
  }

  async listRegisteredModels(): Promise<RegisteredModel[]> {
    return artifacts.listRegisteredModels(this.s);
  }

  async setFlowRun(runId: string, record: FlowRunRecord): Promise<void> {
    records.setFlowRun(this.s, runId, record);
  }

  async getFlowRun(runId: string): Promise<FlowRunRecord | undefined> {
    return records.getFlowRun(this.s, runId);
  }

  async upsertTaskRun(runId: string, record: TaskRunRecord): Promise<void> {
    records.upsertTaskRun(this.s, runId, record);
  }

  async listTaskRuns(runId: string): Promise<TaskRunRecord[]> {
    return records.listTaskRuns(this.s, runId);
  }

  async logLines(runId: string, lines: readonly LogLine[]): Promise<void> {
    records.logLines(this.s, runId, lines);
  }

  async getLogs(runId: string, options?: GetLogsOptions): Promise<LogLine[]> {
    return records.getLogs(this.s, runId, options);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.heartbeat);
    this.store.db.close();
  }
}
