import { randomUUID } from 'node:crypto';
import {
  assertReplaceable,
  decodeTypedArtifact,
  encodeFileArtifact,
  encodeTypedArtifact,
} from './artifacts.js';
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
  TrackingStoreError,
} from './errors.js';
import { runComparator, runMatches } from './run-matching.js';
import type { RunSearchContext } from './run-matching.js';
import { generateRunName, newRunId, systemTags } from './identity.js';
import { ModelRegistryState, prepareLoggedModel } from './models.js';
import { encodePageToken, parseSearch } from './paging.js';
import { TAG_RUN_NAME } from './tracker.js';
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
  LogModelInput,
  LogMetricOptions,
  MetricInput,
  MetricPoint,
  ModelVersion,
  ParamValue,
  RegisteredModel,
  RegisterModelOptions,
  Run,
  TrackingRunInfo,
  SearchRunsOptions,
  SearchRunsResult,
  TaskRunRecord,
  Tracker,
  TypedArtifact,
  TypedArtifactInput,
  UpdateRunOptions,
} from './tracker.js';
import {
  isNewer,
  paramToString,
  toMetricPoint,
  validateFlowRun,
  validateKey,
  validateLogLines,
  validateName,
  validateRunId,
  validateStatus,
  validateTagValue,
  validateTaskRun,
  validateTime,
} from './validation.js';

interface StoredRun {
  info: TrackingRunInfo;
  params: Map<string, string>;
  tags: Map<string, string>;
  latest: Map<string, MetricPoint>;
  history: Map<string, MetricPoint[]>;
  artifacts: Map<string, { info: ArtifactInfo; bytes: Uint8Array }>;
  models: Map<string, LoggedModel>;
  flowRun: FlowRunRecord | undefined;
  taskRuns: Map<string, TaskRunRecord>;
  logs: LogLine[];
}

/**
 * A {@link Tracker} that keeps everything in process memory: the default for library use and
 * tests. Values handed in and out are copies, so callers cannot change stored records.
 *
 * @example
 * ```ts
 * const tracker = new MemoryTracker();
 * const run = await tracker.createRun({ experimentId: await tracker.getOrCreateExperiment('demo') });
 * await tracker.logMetric(run.info.runId, 'accuracy', 0.93);
 * ```
 */
export class MemoryTracker implements Tracker {
  private readonly experiments = new Map<string, Experiment>();
  private readonly runs = new Map<string, StoredRun>();
  private readonly registry = new ModelRegistryState();
  private nextExperimentId = 1;
  private closed = false;

  constructor() {
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

  private open(): void {
    if (this.closed)
      throw new TrackingStoreError('This MemoryTracker is closed; create a new one.');
  }

  private run(runId: string): StoredRun {
    this.open();
    const run = this.runs.get(runId);
    if (!run) throw new RunNotFoundError(String(runId));
    return run;
  }

  private writable(runId: string): StoredRun {
    const run = this.run(runId);
    if (run.info.lifecycleStage === 'deleted') throw new DeletedRunError(runId);
    return run;
  }

  private view(run: StoredRun): Run {
    const metrics: Record<string, number> = {};
    for (const [k, p] of run.latest) metrics[k] = p.value;
    return {
      info: { ...run.info },
      data: { params: Object.fromEntries(run.params), metrics, tags: Object.fromEntries(run.tags) },
    };
  }

  async createExperiment(name: string, options: CreateExperimentOptions = {}): Promise<string> {
    return this.createExperimentNow(name, options);
  }

  /** Synchronous, so that getOrCreateExperiment checks and creates without yielding. */
  private createExperimentNow(name: string, options: CreateExperimentOptions): string {
    this.open();
    validateName('An experiment name', name);
    for (const e of this.experiments.values())
      if (e.name === name) throw new ExperimentAlreadyExistsError(name);
    const tags = options.tags ?? {};
    for (const [k, v] of Object.entries(tags)) {
      validateKey('tag', k);
      validateTagValue(k, v);
    }
    const id = String(this.nextExperimentId++);
    const now = Date.now();
    this.experiments.set(id, {
      experimentId: id,
      name,
      lifecycleStage: 'active',
      creationTime: now,
      lastUpdateTime: now,
      tags: { ...tags },
    });
    return id;
  }

  async getOrCreateExperiment(name: string): Promise<string> {
    this.open();
    for (const e of this.experiments.values()) if (e.name === name) return e.experimentId;
    return this.createExperimentNow(name, {});
  }

  async getExperiment(experimentId: string): Promise<Experiment> {
    this.open();
    const e = this.experiments.get(experimentId);
    if (!e) throw new ExperimentNotFoundError(String(experimentId));
    return structuredClone(e);
  }

  async getExperimentByName(name: string): Promise<Experiment | undefined> {
    this.open();
    for (const e of this.experiments.values()) if (e.name === name) return structuredClone(e);
    return undefined;
  }

  async listExperiments(): Promise<Experiment[]> {
    this.open();
    return [...this.experiments.values()]
      .filter((e) => e.lifecycleStage === 'active')
      .sort((a, b) => Number(a.experimentId) - Number(b.experimentId))
      .map((e) => structuredClone(e));
  }

  async createRun(options: CreateRunOptions = {}): Promise<Run> {
    this.open();
    const experimentId = options.experimentId ?? '0';
    if (!this.experiments.has(experimentId))
      throw new ExperimentNotFoundError(String(experimentId));
    if (options.runId !== undefined) validateRunId(options.runId);
    const runId = options.runId ?? newRunId();
    if (this.runs.has(runId)) throw new RunAlreadyExistsError(runId);
    if (options.parentRunId !== undefined) this.run(options.parentRunId);
    const status = options.status ?? 'RUNNING';
    validateStatus(status);
    const startTime = options.startTime ?? Date.now();
    validateTime('startTime', startTime);
    if (options.name !== undefined) validateName('A run name', options.name);
    const name = options.name ?? options.tags?.[TAG_RUN_NAME] ?? generateRunName();
    const tags = { ...systemTags(name, options.parentRunId), ...options.tags };
    for (const [k, v] of Object.entries(tags)) {
      validateKey('tag', k);
      validateTagValue(k, v);
    }
    const run: StoredRun = {
      info: {
        runId,
        experimentId,
        name,
        status,
        startTime,
        endTime: null,
        lifecycleStage: 'active',
        parentRunId: options.parentRunId ?? null,
      },
      params: new Map(),
      tags: new Map(Object.entries(tags)),
      latest: new Map(),
      history: new Map(),
      artifacts: new Map(),
      models: new Map(),
      flowRun: undefined,
      taskRuns: new Map(),
      logs: [],
    };
    this.runs.set(runId, run);
    return this.view(run);
  }

  async getRun(runId: string): Promise<Run> {
    return this.view(this.run(runId));
  }

  async updateRun(runId: string, update: UpdateRunOptions): Promise<TrackingRunInfo> {
    const run = this.writable(runId);
    if (update.status !== undefined) validateStatus(update.status);
    if (update.endTime !== undefined) validateTime('endTime', update.endTime);
    if (update.name !== undefined) validateName('A run name', update.name);
    if (update.status !== undefined) run.info.status = update.status;
    if (update.endTime !== undefined) run.info.endTime = update.endTime;
    if (update.name !== undefined) {
      run.info.name = update.name;
      run.tags.set(TAG_RUN_NAME, update.name);
    }
    return { ...run.info };
  }

  async deleteRun(runId: string): Promise<void> {
    this.run(runId).info.lifecycleStage = 'deleted';
  }

  async restoreRun(runId: string): Promise<void> {
    this.run(runId).info.lifecycleStage = 'active';
  }

  async searchRuns(options: SearchRunsOptions = {}): Promise<SearchRunsResult> {
    this.open();
    const q = parseSearch(options);
    if (q.maxResults === 0) return { runs: [] };
    const experiments = q.experimentIds === undefined ? undefined : new Set(q.experimentIds);
    const context: RunSearchContext = {
      artifactUri: (runId) => `memory:///${runId}`,
      datasets: () => [],
    };
    const matches: Run[] = [];
    for (const stored of this.runs.values()) {
      const { lifecycleStage, experimentId } = stored.info;
      if (q.runViewType === 'ACTIVE_ONLY' && lifecycleStage !== 'active') continue;
      if (q.runViewType === 'DELETED_ONLY' && lifecycleStage !== 'deleted') continue;
      if (experiments && !experiments.has(experimentId)) continue;
      const run = this.view(stored);
      if (runMatches(run, q.clauses, context)) matches.push(run);
    }
    matches.sort(runComparator(q.orderBy, context));
    const end = q.offset + q.maxResults;
    const runs = matches.slice(q.offset, end);
    return end < matches.length ? { runs, nextPageToken: encodePageToken(end) } : { runs };
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
    const run = this.writable(runId);
    validateKey('tag', key);
    run.tags.delete(key);
  }

  async logBatch(runId: string, batch: LogBatchInput): Promise<void> {
    const run = this.writable(runId);
    // Check everything before the first write, so that a bad item leaves the run untouched.
    const now = Date.now();
    const metrics = batch.metrics ?? [];
    if (!Array.isArray(metrics))
      throw new TrackingInputError('logBatch needs `metrics` to be an array.');
    const points = metrics.map((m: MetricInput) => toMetricPoint(m, now));
    const params: [string, string][] = [];
    for (const [k, v] of Object.entries(batch.params ?? {})) {
      validateKey('param', k);
      const s = paramToString(k, v);
      const old = run.params.get(k);
      if (old !== undefined && old !== s) throw new ParamOverwriteError(runId, k, old, s);
      params.push([k, s]);
    }
    const tags = Object.entries(batch.tags ?? {});
    for (const [k, v] of tags) {
      validateKey('tag', k);
      validateTagValue(k, v);
    }
    for (const p of points) {
      let h = run.history.get(p.key);
      if (!h) run.history.set(p.key, (h = []));
      h.push(p);
      if (isNewer(p, run.latest.get(p.key))) run.latest.set(p.key, p);
    }
    for (const [k, v] of params) run.params.set(k, v);
    for (const [k, v] of tags) {
      run.tags.set(k, v);
      if (k === TAG_RUN_NAME) run.info.name = v;
    }
  }

  async getMetricHistory(runId: string, key: string): Promise<MetricPoint[]> {
    const h = this.run(runId).history.get(key) ?? [];
    // A stable sort keeps log order among equal (step, timestamp).
    return h.map((p) => ({ ...p })).sort((a, b) => a.step - b.step || a.timestamp - b.timestamp);
  }

  private putArtifact(run: StoredRun, a: EncodedArtifact): ArtifactInfo {
    assertReplaceable(run.artifacts.get(a.info.path)?.info.type, a.info.type, a.info.path);
    const info: ArtifactInfo = { ...a.info, createdAt: Date.now() };
    run.artifacts.set(a.info.path, { info, bytes: a.bytes.slice() });
    return { ...info };
  }

  async logArtifact(runId: string, path: string, data: Uint8Array | string): Promise<ArtifactInfo> {
    const run = this.writable(runId);
    return this.putArtifact(run, encodeFileArtifact(path, data));
  }

  async logTypedArtifact(runId: string, artifact: TypedArtifactInput): Promise<ArtifactInfo> {
    const run = this.writable(runId);
    let version: number | null = null;
    if (artifact?.key !== undefined) {
      version = 1;
      for (const a of run.artifacts.values()) {
        if (a.info.key === artifact.key) version = Math.max(version, (a.info.version ?? 0) + 1);
      }
    }
    return this.putArtifact(run, encodeTypedArtifact(artifact, version, randomUUID().slice(0, 8)));
  }

  async listArtifacts(runId: string, prefix?: string): Promise<ArtifactInfo[]> {
    const run = this.run(runId);
    return [...run.artifacts.values()]
      .filter((a) => prefix === undefined || a.info.path.startsWith(prefix))
      .map((a) => ({ ...a.info }))
      .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  }

  async readArtifact(runId: string, path: string): Promise<Uint8Array> {
    const a = this.run(runId).artifacts.get(path);
    if (!a) throw new ArtifactNotFoundError(runId, String(path));
    return a.bytes.slice();
  }

  async getTypedArtifact(runId: string, key: string, version?: number): Promise<TypedArtifact> {
    const run = this.run(runId);
    let best: { info: ArtifactInfo; bytes: Uint8Array } | undefined;
    for (const a of run.artifacts.values()) {
      if (a.info.key !== key || a.info.version === null) continue;
      if (
        version === undefined
          ? !best || a.info.version > (best.info.version ?? 0)
          : a.info.version === version
      )
        best = a;
    }
    if (!best) throw new ArtifactNotFoundError(runId, `${key}@${version ?? 'latest'}`);
    return {
      info: { ...best.info },
      content: decodeTypedArtifact(best.info.type, best.info.mediaType, best.bytes.slice()),
    };
  }

  async logModel(runId: string, model: LogModelInput): Promise<LoggedModel> {
    const run = this.writable(runId);
    const { logged, files } = prepareLoggedModel(
      runId,
      model,
      run.models.has(model?.name),
      Date.now(),
    );
    for (const f of files)
      assertReplaceable(run.artifacts.get(f.info.path)?.info.type, f.info.type, f.info.path);
    for (const f of files) this.putArtifact(run, f);
    run.models.set(logged.name, logged);
    return structuredClone(logged);
  }

  async listLoggedModels(runId: string): Promise<LoggedModel[]> {
    const run = this.run(runId);
    return [...run.models.values()]
      .sort((a, b) => (a.name < b.name ? -1 : 1))
      .map((m) => structuredClone(m));
  }

  async registerModel(name: string, options: RegisterModelOptions): Promise<ModelVersion> {
    const run = this.writable(options?.runId);
    const modelName = options.modelName ?? name;
    const logged = run.models.get(modelName);
    if (!logged) throw new ArtifactNotFoundError(options.runId, `models/${modelName}/model.bin`);
    return this.registry.register(name, logged, options.description, Date.now());
  }

  async setModelAlias(name: string, alias: string, version: number): Promise<void> {
    this.open();
    this.registry.setAlias(name, alias, version, Date.now());
  }

  async deleteModelAlias(name: string, alias: string): Promise<void> {
    this.open();
    this.registry.deleteAlias(name, alias, Date.now());
  }

  async getModelVersion(name: string, versionOrAlias: number | string): Promise<ModelVersion> {
    this.open();
    return this.registry.get(name, versionOrAlias);
  }

  async listRegisteredModels(): Promise<RegisteredModel[]> {
    this.open();
    return this.registry.list();
  }

  async setFlowRun(runId: string, record: FlowRunRecord): Promise<void> {
    const run = this.writable(runId);
    validateFlowRun(record);
    run.flowRun = structuredClone(record);
  }

  async getFlowRun(runId: string): Promise<FlowRunRecord | undefined> {
    const r = this.run(runId).flowRun;
    return r && structuredClone(r);
  }

  async upsertTaskRun(runId: string, record: TaskRunRecord): Promise<void> {
    const run = this.writable(runId);
    validateTaskRun(record);
    run.taskRuns.set(record.taskRunId, structuredClone(record));
  }

  async listTaskRuns(runId: string): Promise<TaskRunRecord[]> {
    return [...this.run(runId).taskRuns.values()].map((r) => structuredClone(r));
  }

  async logLines(runId: string, lines: readonly LogLine[]): Promise<void> {
    const run = this.writable(runId);
    validateLogLines(lines);
    for (const l of lines) run.logs.push({ ...l });
  }

  async getLogs(runId: string, options: GetLogsOptions = {}): Promise<LogLine[]> {
    let lines = this.run(runId).logs;
    if (options.taskRunId !== undefined)
      lines = lines.filter((l) => l.taskRunId === options.taskRunId);
    if (options.limit !== undefined) lines = lines.slice(0, options.limit);
    return lines.map((l) => ({ ...l }));
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}
