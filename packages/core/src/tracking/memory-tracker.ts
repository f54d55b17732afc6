import { assertReplaceable } from './artifacts.js';
import { lastPerRecord } from './changes.js';
import { RecordFeed } from './memory-record-feed.js';
import type {
  ChangeCursor,
  ChangePage,
  FlowRunChange,
  TaskRunChange,
  TrackerChange,
} from './changes.js';
import type { EncodedArtifact } from './artifacts.js';
import {
  ArtifactNotFoundError,
  DeletedRunError,
  ExperimentAlreadyExistsError,
  ExperimentNotFoundError,
  ParamOverwriteError,
  RunAlreadyExistsError,
  RunNotFoundError,
  TrackingInputError,
  deletedExperimentError,
} from './errors.js';
import { datasetFields, inputIdentity } from './datasets.js';
import type { DatasetInfo, DatasetInput } from './datasets.js';
import { SequenceTable, TaskRunTable } from './memory-task-runs.js';
import { ModelRegistryState } from './models.js';
import { TAG_RUN_NAME } from './tracker.js';
import type {
  ArtifactInfo,
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
} from './tracker.js';
import { Tracker } from './tracker-bridge.js';
import type {
  BatchWrite,
  ExperimentInsert,
  ExperimentUpdate,
  ModelTarget,
  ModelVersionInsert,
  ModelVersionRef,
  RegisteredModelInsert,
  RunScope,
  TrackerStore,
} from './tracker-store.js';
import { isNewer } from './record-checks.js';
import { pageOfRuns } from './paging.js';
import type { ParsedSearch } from './paging.js';

interface StoredRun {
  info: TrackingRunInfo;
  params: Map<string, string>;
  tags: Map<string, string>;
  latest: Map<string, MetricPoint>;
  history: Map<string, MetricPoint[]>;
  artifacts: Map<string, { info: ArtifactInfo; bytes: Uint8Array }>;
  models: Map<string, LoggedModel>;
  flowRun: FlowRunRecord | undefined;
  taskRuns: TaskRunTable;
  logs: LogLine[];
  /** Inputs by identity, in first-recorded order; the dataset is shared with the experiment's. */
  inputs: Map<string, DatasetInput>;
  /** The run as searches see it, built on demand and dropped by every write (never handed out). */
  snapshot: Run | undefined;
}

/** A copy of a run's view that callers may change freely. */
function copyRun(run: Run): Run {
  const { params, metrics, tags } = run.data;
  return {
    info: { ...run.info },
    data: { params: { ...params }, metrics: { ...metrics }, tags: { ...tags } },
  };
}

/** A copy of a dataset input. */
function copyInput(i: DatasetInput): DatasetInput {
  const d = i.dataset;
  return {
    dataset: { ...d, schema: d.schema && d.schema.map((c) => ({ ...c })) },
    context: i.context,
  };
}

/** Options of {@link MemoryTracker} and {@link MemoryTrackerStore}. */
export interface MemoryTrackerOptions {
  /**
   * How many of the newest flow-run and task-run record writes the change feed keeps; a reader
   * whose cursor is older is told to resync (`ChangePage.resync`).
   *
   * @default 10000
   */
  changeRetention?: number;
}

/**
 * A {@link TrackerStore} in process memory. Values handed in and out are copies, so callers
 * cannot change stored records. Its methods do their work before their first `await`, so each
 * one is atomic with respect to the others.
 */
export class MemoryTrackerStore implements TrackerStore {
  /** The records live only as long as the process. */
  readonly ephemeral = true;

  private readonly experiments = new Map<string, Experiment>();
  private readonly runs = new Map<string, StoredRun>();
  private readonly registry = new ModelRegistryState();
  /** Datasets by experiment, then by (name, digest): the first recorded is kept, as in MLflow. */
  private readonly datasets = new Map<string, Map<string, DatasetInfo>>();
  /** The state sequences that stored task runs share. */
  private readonly sequences = new SequenceTable();
  /** The runs created under each parent run, for `countChildRuns`. */
  private readonly children = new Map<string, StoredRun[]>();
  private nextExperimentId = 1;
  /**
   * The change feed: the newest record writes (their run and task-run row, -1 for the flow-run
   * record, see {@link RecordFeed}), and one pair of parallel arrays per other stream (sequence
   * number = index + 1): the run and the
   * line of each log line, the run and the point of each metric point (shared with the history,
   * copied on the way out).
   */
  private readonly feed: {
    records: RecordFeed<StoredRun>;
    logRuns: string[];
    logLines: LogLine[];
    metricRuns: string[];
    metricPoints: MetricPoint[];
  };

  constructor(options: MemoryTrackerOptions = {}) {
    const retention = options.changeRetention ?? 10_000;
    if (!Number.isSafeInteger(retention) || retention < 1)
      throw new TrackingInputError(
        `changeRetention must be a whole number >= 1, got ${String(retention)}.`,
      );
    this.feed = {
      records: new RecordFeed<StoredRun>(retention),
      logRuns: [],
      logLines: [],
      metricRuns: [],
      metricPoints: [],
    };
    const now = Date.now();
    this.experiments.set('0', {
      experimentId: '0',
      name: 'Default',
      lifecycleStage: 'active',
      creationTime: now,
      lastUpdateTime: now,
      tags: {},
    });
  }

  private run(runId: string): StoredRun {
    const run = this.runs.get(runId);
    if (!run) throw new RunNotFoundError(String(runId));
    return run;
  }

  /** The run, which must not be deleted; the caller is about to change it. */
  private writable(runId: string): StoredRun {
    const run = this.run(runId);
    if (run.info.lifecycleStage === 'deleted') throw new DeletedRunError(runId);
    run.snapshot = undefined;
    return run;
  }

  /** The run's current view, shared until the next write: copy it before handing it out. */
  private view(run: StoredRun): Run {
    if (run.snapshot) return run.snapshot;
    const metrics: Record<string, number> = {};
    for (const [k, p] of run.latest) metrics[k] = p.value;
    return (run.snapshot = {
      info: { ...run.info },
      data: { params: Object.fromEntries(run.params), metrics, tags: Object.fromEntries(run.tags) },
    });
  }

  /** The stored runs of a scope, in insertion order. */
  private *inScope(scope: RunScope): Iterable<StoredRun> {
    const experiments = scope.experimentIds && new Set(scope.experimentIds);
    for (const stored of this.runs.values()) {
      const { lifecycleStage, experimentId } = stored.info;
      if (scope.runViewType === 'ACTIVE_ONLY' && lifecycleStage !== 'active') continue;
      if (scope.runViewType === 'DELETED_ONLY' && lifecycleStage !== 'deleted') continue;
      if (experiments && !experiments.has(experimentId)) continue;
      yield stored;
    }
  }

  private findExperiment(name: string): Experiment | undefined {
    for (const e of this.experiments.values()) if (e.name === name) return e;
    return undefined;
  }

  private insertExperimentNow(e: ExperimentInsert): string {
    if (this.findExperiment(e.name)) throw new ExperimentAlreadyExistsError(e.name);
    const id = String(this.nextExperimentId++);
    this.experiments.set(id, {
      experimentId: id,
      name: e.name,
      lifecycleStage: 'active',
      creationTime: e.creationTime,
      lastUpdateTime: e.creationTime,
      tags: { ...e.tags },
    });
    return id;
  }

  async insertExperiment(e: ExperimentInsert): Promise<string> {
    return this.insertExperimentNow(e);
  }

  async getOrInsertExperiment(name: string, creationTime: number): Promise<string> {
    return (
      this.findExperiment(name)?.experimentId ??
      this.insertExperimentNow({ name, tags: {}, creationTime })
    );
  }

  async updateExperiment(
    experimentId: string,
    update: ExperimentUpdate,
    now: number,
  ): Promise<void> {
    const e = this.experiments.get(experimentId);
    if (!e) throw new ExperimentNotFoundError(experimentId);
    if (update.name !== undefined && update.name !== e.name) {
      if (this.findExperiment(update.name)) throw new ExperimentAlreadyExistsError(update.name);
      e.name = update.name;
    }
    // Spread, not Object.assign: a "__proto__" tag stays a tag.
    e.tags = { ...e.tags, ...update.tags };
    e.lastUpdateTime = now;
  }

  async setExperimentLifecycle(
    experimentId: string,
    stage: LifecycleStage,
    now: number,
  ): Promise<void> {
    const e = this.experiments.get(experimentId);
    if (!e) throw new ExperimentNotFoundError(experimentId);
    e.lifecycleStage = stage;
    e.lastUpdateTime = now;
    for (const run of this.runs.values())
      if (run.info.experimentId === experimentId) {
        run.snapshot = undefined;
        run.info.lifecycleStage = stage;
      }
  }

  async getExperiment(experimentId: string): Promise<Experiment | undefined> {
    const e = this.experiments.get(experimentId);
    return e && structuredClone(e);
  }

  async getExperimentByName(name: string): Promise<Experiment | undefined> {
    const e = this.findExperiment(name);
    return e && structuredClone(e);
  }

  async listExperiments(): Promise<Experiment[]> {
    return [...this.experiments.values()]
      .filter((e) => e.lifecycleStage === 'active')
      .sort((a, b) => Number(a.experimentId) - Number(b.experimentId))
      .map((e) => structuredClone(e));
  }

  async insertRun(info: TrackingRunInfo, tags: Record<string, string>): Promise<void> {
    const experiment = this.experiments.get(info.experimentId);
    if (!experiment) throw new ExperimentNotFoundError(String(info.experimentId));
    if (experiment.lifecycleStage !== 'active') throw deletedExperimentError(experiment);
    if (this.runs.has(info.runId)) throw new RunAlreadyExistsError(info.runId);
    if (info.parentRunId !== null) this.run(info.parentRunId);
    const stored: StoredRun = {
      info: { ...info },
      params: new Map(),
      tags: new Map(Object.entries(tags)),
      latest: new Map(),
      history: new Map(),
      artifacts: new Map(),
      models: new Map(),
      flowRun: undefined,
      taskRuns: new TaskRunTable(this.sequences),
      logs: [],
      inputs: new Map(),
      snapshot: undefined,
    };
    this.runs.set(info.runId, stored);
    if (info.parentRunId !== null) {
      const siblings = this.children.get(info.parentRunId);
      if (siblings) siblings.push(stored);
      else this.children.set(info.parentRunId, [stored]);
    }
  }

  async getRun(runId: string): Promise<Run | undefined> {
    const run = this.runs.get(runId);
    return run && copyRun(this.view(run));
  }

  async updateRun(runId: string, update: UpdateRunOptions): Promise<TrackingRunInfo> {
    const run = this.writable(runId);
    if (update.status !== undefined) run.info.status = update.status;
    if (update.endTime !== undefined) run.info.endTime = update.endTime;
    if (update.name !== undefined) {
      run.info.name = update.name;
      run.tags.set(TAG_RUN_NAME, update.name);
    }
    return { ...run.info };
  }

  async setRunLifecycle(runId: string, stage: LifecycleStage): Promise<void> {
    const run = this.run(runId);
    run.snapshot = undefined;
    run.info.lifecycleStage = stage;
  }

  artifactUri(runId: string): string {
    return `memory:///${runId}`;
  }

  async listRuns(scope: RunScope): Promise<Run[]> {
    return [...this.inScope(scope)].map((stored) => copyRun(this.view(stored)));
  }

  async countChildRuns(runIds: readonly string[]): Promise<Map<string, number>> {
    const counts = new Map<string, number>();
    for (const id of runIds) {
      let n = 0;
      for (const child of this.children.get(id) ?? [])
        if (child.info.lifecycleStage === 'active') n++;
      counts.set(id, n);
    }
    return counts;
  }

  /** Filters and orders the runs' shared views, and copies only the page. */
  async searchRuns(q: ParsedSearch): Promise<SearchRunsResult> {
    const views = [...this.inScope(q)].map((stored) => this.view(stored));
    const context = {
      artifactUri: (runId: string) => this.artifactUri(runId),
      datasets: (runId: string) => [...this.run(runId).inputs.values()].map(datasetFields),
    };
    const page = pageOfRuns(views, q, context);
    return { ...page, runs: page.runs.map(copyRun) };
  }

  async writeBatch(runId: string, batch: BatchWrite): Promise<void> {
    const run = this.writable(runId);
    // Check the params first, so that an overwrite leaves the run untouched.
    for (const [k, v] of batch.params) {
      const old = run.params.get(k);
      if (old !== undefined && old !== v) throw new ParamOverwriteError(runId, k, old, v);
    }
    for (const p of batch.metrics) {
      let h = run.history.get(p.key);
      if (!h) run.history.set(p.key, (h = []));
      const point = { ...p };
      h.push(point);
      this.feed.metricRuns.push(runId);
      this.feed.metricPoints.push(point);
      if (isNewer(p, run.latest.get(p.key))) run.latest.set(p.key, { ...p });
    }
    for (const [k, v] of batch.params) run.params.set(k, v);
    for (const [k, v] of batch.tags) {
      run.tags.set(k, v);
      if (k === TAG_RUN_NAME) run.info.name = v;
    }
  }

  async putInputs(runId: string, inputs: readonly DatasetInput[]): Promise<void> {
    const run = this.writable(runId);
    let shared = this.datasets.get(run.info.experimentId);
    if (!shared)
      this.datasets.set(run.info.experimentId, (shared = new Map<string, DatasetInfo>()));
    for (const input of inputs) {
      const id = inputIdentity(input);
      if (run.inputs.has(id)) continue;
      const key = JSON.stringify([input.dataset.name, input.dataset.digest]);
      let dataset = shared.get(key);
      if (!dataset) shared.set(key, (dataset = copyInput(input).dataset));
      run.inputs.set(id, { dataset, context: input.context });
    }
  }

  async listInputs(runId: string): Promise<DatasetInput[]> {
    return [...this.run(runId).inputs.values()].map(copyInput);
  }

  async deleteTag(runId: string, key: string): Promise<void> {
    this.writable(runId).tags.delete(key);
  }

  async getMetricHistory(runId: string, key: string): Promise<MetricPoint[]> {
    const h = this.run(runId).history.get(key) ?? [];
    // A stable sort keeps log order among equal (step, timestamp).
    return h.map((p) => ({ ...p })).sort((a, b) => a.step - b.step || a.timestamp - b.timestamp);
  }

  private putNow(run: StoredRun, artifacts: readonly EncodedArtifact[]): ArtifactInfo[] {
    for (const a of artifacts)
      assertReplaceable(run.artifacts.get(a.info.path)?.info.type, a.info.type, a.info.path);
    const createdAt = Date.now();
    return artifacts.map((a) => {
      const info: ArtifactInfo = { ...a.info, createdAt };
      run.artifacts.set(a.info.path, { info, bytes: a.bytes.slice() });
      return { ...info };
    });
  }

  async putArtifacts(
    runId: string,
    artifacts: readonly EncodedArtifact[],
  ): Promise<ArtifactInfo[]> {
    return this.putNow(this.writable(runId), artifacts);
  }

  async putVersionedArtifact(
    runId: string,
    key: string,
    encode: (version: number) => EncodedArtifact,
  ): Promise<ArtifactInfo> {
    const run = this.writable(runId);
    let version = 1;
    for (const a of run.artifacts.values())
      if (a.info.key === key) version = Math.max(version, (a.info.version ?? 0) + 1);
    return this.putNow(run, [encode(version)])[0];
  }

  async listArtifacts(runId: string, prefix?: string): Promise<ArtifactInfo[]> {
    return [...this.run(runId).artifacts.values()]
      .filter((a) => prefix === undefined || a.info.path.startsWith(prefix))
      .map((a) => ({ ...a.info }))
      .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  }

  async readArtifact(runId: string, path: string): Promise<Uint8Array | undefined> {
    return this.run(runId).artifacts.get(path)?.bytes.slice();
  }

  async putModel(
    runId: string,
    model: LoggedModel,
    files: readonly EncodedArtifact[],
  ): Promise<boolean> {
    const run = this.writable(runId);
    if (run.models.has(model.name)) return false;
    this.putNow(run, files);
    run.models.set(model.name, structuredClone(model));
    return true;
  }

  async listLoggedModels(runId: string): Promise<LoggedModel[]> {
    return [...this.run(runId).models.values()]
      .sort((a, b) => (a.name < b.name ? -1 : 1))
      .map((m) => structuredClone(m));
  }

  async insertModelVersion(insert: ModelVersionInsert): Promise<ModelVersion> {
    const logged = this.writable(insert.runId).models.get(insert.modelName);
    if (!logged)
      throw new ArtifactNotFoundError(insert.runId, `models/${insert.modelName}/model.bin`);
    return this.registry.register(insert, logged);
  }

  async setModelAlias(name: string, alias: string, version: number, now: number): Promise<void> {
    this.registry.setAlias(name, alias, version, now);
  }

  async deleteModelAlias(name: string, alias: string, now: number): Promise<void> {
    this.registry.deleteAlias(name, alias, now);
  }

  async getModelVersion(name: string, ref: ModelVersionRef): Promise<ModelVersion | undefined> {
    return this.registry.get(name, ref);
  }

  async listRegisteredModels(): Promise<RegisteredModel[]> {
    return this.registry.list();
  }

  async getRegisteredModel(name: string): Promise<RegisteredModel | undefined> {
    return this.registry.model(name);
  }

  async listModelVersions(name: string): Promise<ModelVersion[]> {
    return this.registry.versions(name);
  }

  async insertRegisteredModel(model: RegisteredModelInsert): Promise<void> {
    this.registry.create(model);
  }

  async renameRegisteredModel(name: string, newName: string, now: number): Promise<void> {
    this.registry.rename(name, newName, now);
  }

  async deleteRegisteredModel(name: string): Promise<void> {
    this.registry.delete(name);
  }

  async deleteModelVersion(name: string, version: number, now: number): Promise<void> {
    this.registry.deleteVersion(name, version, now);
  }

  async setModelTag(target: ModelTarget, key: string, value: string, now: number): Promise<void> {
    this.registry.setTag(target, key, value, now);
  }

  async deleteModelTag(target: ModelTarget, key: string, now: number): Promise<void> {
    this.registry.deleteTag(target, key, now);
  }

  async setModelDescription(
    target: ModelTarget,
    description: string | null,
    now: number,
  ): Promise<void> {
    this.registry.setDescription(target, description, now);
  }

  async putFlowRun(runId: string, record: FlowRunRecord): Promise<void> {
    const run = this.writable(runId);
    run.flowRun = structuredClone(record);
    this.feed.records.push(run, -1);
  }

  async getFlowRun(runId: string): Promise<FlowRunRecord | undefined> {
    const r = this.run(runId).flowRun;
    return r && structuredClone(r);
  }

  async putTaskRun(runId: string, record: TaskRunRecord): Promise<void> {
    await this.putTaskRuns(runId, [record]);
  }

  async putTaskRuns(runId: string, records: readonly TaskRunRecord[]): Promise<void> {
    const run = this.writable(runId);
    for (const r of records) {
      this.feed.records.push(run, run.taskRuns.put(r));
    }
  }

  async listTaskRuns(runId: string): Promise<TaskRunRecord[]> {
    return this.run(runId).taskRuns.list();
  }

  async appendLogs(runId: string, lines: readonly LogLine[]): Promise<void> {
    const run = this.writable(runId);
    for (const l of lines) {
      const line = { ...l };
      run.logs.push(line);
      this.feed.logRuns.push(runId);
      this.feed.logLines.push(line);
    }
  }

  async readChanges(after: ChangeCursor | undefined, limit: number): Promise<ChangePage> {
    const f = this.feed;
    const end: ChangeCursor = {
      records: f.records.end,
      logs: f.logLines.length,
      metrics: f.metricPoints.length,
    };
    if (after === undefined) return { changes: [], cursor: end, more: false };
    if (after.records < f.records.base)
      return { changes: [], cursor: end, more: false, resync: true };
    const upTo = (from: number, total: number) => Math.max(from, Math.min(total, from + limit));
    const cursor: ChangeCursor = {
      records: upTo(after.records, end.records),
      logs: upTo(after.logs, end.logs),
      metrics: upTo(after.metrics, end.metrics),
    };
    const seqs = Array.from(
      { length: cursor.records - after.records },
      (_, k) => after.records + k,
    );
    const at = (i: number) => i - f.records.base;
    const changes: TrackerChange[] = lastPerRecord(
      seqs,
      (i) => `${f.records.runs[at(i)].info.runId}\0${f.records.rows[at(i)]}`,
    ).map((i): FlowRunChange | TaskRunChange => {
      const run = f.records.runs[at(i)];
      const row = f.records.rows[at(i)];
      const runId = run.info.runId;
      return row < 0
        ? { kind: 'flow-run', seq: i + 1, runId, record: structuredClone(run.flowRun!) }
        : { kind: 'task-run', seq: i + 1, runId, record: run.taskRuns.at(row) };
    });
    for (let i = after.logs; i < cursor.logs; i++)
      changes.push({ kind: 'log', seq: i + 1, runId: f.logRuns[i], line: { ...f.logLines[i] } });
    for (let i = after.metrics; i < cursor.metrics; i++)
      changes.push({
        kind: 'metric',
        seq: i + 1,
        runId: f.metricRuns[i],
        point: { ...f.metricPoints[i] },
      });
    const more =
      cursor.records < end.records || cursor.logs < end.logs || cursor.metrics < end.metrics;
    return { changes, cursor, more };
  }

  async getLogs(runId: string, options: GetLogsOptions): Promise<LogLine[]> {
    let lines = this.run(runId).logs;
    if (options.taskRunId !== undefined)
      lines = lines.filter((l) => l.taskRunId === options.taskRunId);
    if (options.limit !== undefined) lines = lines.slice(0, options.limit);
    return lines.map((l) => ({ ...l }));
  }

  async close(): Promise<void> {
    // Nothing to release: the records go with the store object.
  }
}

/**
 * A {@link Tracker} that keeps everything in process memory: the default for library use and
 * tests.
 *
 * @example
 * ```ts
 * const tracker = new MemoryTracker();
 * const run = await tracker.createRun({ experimentId: await tracker.getOrCreateExperiment('demo') });
 * await tracker.logMetric(run.info.runId, 'accuracy', 0.93);
 * ```
 */
export class MemoryTracker extends Tracker<MemoryTrackerStore> {
  constructor(options: MemoryTrackerOptions = {}) {
    super(new MemoryTrackerStore(options));
  }
}
