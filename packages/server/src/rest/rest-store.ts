import { formatChangeCursor } from '@tideflow/core';
import type {
  ArtifactInfo,
  ChangeCursor,
  ChangePage,
  DatasetInput,
  DatasetInputSpec,
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
  SearchRunsOptions,
  SearchRunsResult,
  TaskRunRecord,
  TrackingRunInfo,
  UpdateRunOptions,
} from '@tideflow/core';
import type {
  BatchWrite,
  EncodedArtifact,
  ExperimentInsert,
  ExperimentUpdate,
  ModelTarget,
  ModelVersionInsert,
  ModelVersionRef,
  RegisteredModelInsert,
  RunScope,
  TrackerStore,
} from '@tideflow/core/store';
import {
  artifactToWire,
  changesFromWire,
  metricFromWire,
  flowRunToWire,
  metricToWire,
  modelFromWire,
  modelToRequest,
  runFromWire,
  searchFromWire,
  toEntries,
} from '../wire.js';
import { RestClient } from './rest-client.js';
import type { RestTrackerOptions } from './rest-client.js';

const run = (id: string) => `/runs/${encodeURIComponent(id)}`;

/** `undefined` for a not-found answer of the given code, else the error again. */
function absent(code: string) {
  return (error: unknown): undefined => {
    if ((error as { code?: unknown }).code === code) return undefined;
    throw error;
  };
}

/** A prepared dataset input as `logInputs` takes it (absent fields left out, not `null`). */
function inputSpec(i: DatasetInput): DatasetInputSpec {
  const d = i.dataset;
  return {
    dataset: {
      name: d.name,
      digest: d.digest,
      source: d.source,
      sourceType: d.sourceType,
      ...(d.schema === null ? {} : { schema: d.schema }),
      ...(d.numRows === null ? {} : { numRows: d.numRows }),
    },
    ...(i.context === null ? {} : { context: i.context }),
  };
}

/**
 * The {@link TrackerStore} of `RestTracker`: each primitive is one call of a tideflow server's
 * JSON routes (`/api/tideflow/...`), which run it through the server's own tracker (so the
 * server checks everything again; times such as `createdAt` are the server's).
 */
export class RestTrackerStore implements TrackerStore {
  /** The records live on the server. */
  readonly ephemeral = false;

  private readonly client: RestClient;

  /**
   * @param uri - The server's address, e.g. `http://127.0.0.1:4200`.
   * @param options - The token (default `TIDEFLOW_TOKEN`) and request timeout.
   */
  constructor(uri: string, options: RestTrackerOptions = {}) {
    this.client = new RestClient(uri, options);
  }

  /** The server's base URL. */
  get url(): string {
    return this.client.baseUrl;
  }

  async insertExperiment(e: ExperimentInsert): Promise<string> {
    const r = await this.client.post<{ experimentId: string }>('/experiments', {
      name: e.name,
      tags: toEntries(e.tags),
    });
    return r.experimentId;
  }

  async getOrInsertExperiment(name: string): Promise<string> {
    const r = await this.client.post<{ experimentId: string }>('/experiments/get-or-create', {
      name,
    });
    return r.experimentId;
  }

  async setExperimentLifecycle(experimentId: string, stage: LifecycleStage): Promise<void> {
    await this.client.post(`/experiments/${encodeURIComponent(experimentId)}/lifecycle`, {
      stage,
    });
  }

  async updateExperiment(experimentId: string, update: ExperimentUpdate): Promise<void> {
    await this.client.post(`/experiments/${encodeURIComponent(experimentId)}/update`, {
      ...(update.name === undefined ? {} : { name: update.name }),
      ...(update.tags === undefined ? {} : { tags: toEntries(update.tags) }),
    });
  }

  async getExperiment(experimentId: string): Promise<Experiment | undefined> {
    return this.client
      .get<Experiment>(`/experiments/${encodeURIComponent(experimentId)}`)
      .catch(absent('EXPERIMENT_NOT_FOUND'));
  }

  async getExperimentByName(name: string): Promise<Experiment | undefined> {
    return (await this.client.get<{ experiments: Experiment[] }>('/experiments', { name }))
      .experiments[0];
  }

  async listExperiments(): Promise<Experiment[]> {
    return (await this.client.get<{ experiments: Experiment[] }>('/experiments')).experiments;
  }

  async insertRun(info: TrackingRunInfo, tags: Record<string, string>): Promise<void> {
    await this.client.post('/runs', { info, tags: toEntries(tags) });
  }

  async getRun(runId: string): Promise<Run | undefined> {
    const r = await this.client.get<Run>(run(runId)).catch(absent('RUN_NOT_FOUND'));
    return r && runFromWire(r);
  }

  async updateRun(runId: string, update: UpdateRunOptions): Promise<TrackingRunInfo> {
    return this.client.post<TrackingRunInfo>(`${run(runId)}/update`, update);
  }

  async setRunLifecycle(runId: string, stage: LifecycleStage): Promise<void> {
    await this.client.post(`${run(runId)}/lifecycle`, { stage });
  }

  artifactUri(runId: string): string {
    return `${this.client.baseUrl}/api/tideflow${run(runId)}/artifacts`;
  }

  async listRuns(scope: RunScope): Promise<Run[]> {
    const r = await this.client.post<{ runs: Run[] }>('/runs/list', {
      ...(scope.experimentIds ? { experimentIds: scope.experimentIds } : {}),
      runViewType: scope.runViewType,
    });
    return r.runs.map(runFromWire);
  }

  /** A search run where the runs are (see `RestTracker.searchRuns`). */
  async search(options: SearchRunsOptions): Promise<SearchRunsResult> {
    return searchFromWire(await this.client.post<SearchRunsResult>('/runs/search', options));
  }

  async countChildRuns(runIds: readonly string[]): Promise<Map<string, number>> {
    const r = await this.client.post<{ counts: Record<string, number> }>('/runs/count-children', {
      runIds,
    });
    return new Map(Object.entries(r.counts));
  }

  async writeBatch(runId: string, batch: BatchWrite): Promise<void> {
    await this.client.post(`${run(runId)}/batch`, {
      metrics: batch.metrics.map(metricToWire),
      params: batch.params,
      tags: batch.tags,
    });
  }

  async putInputs(runId: string, inputs: readonly DatasetInput[]): Promise<void> {
    await this.client.post(`${run(runId)}/inputs`, { inputs: inputs.map(inputSpec) });
  }

  async listInputs(runId: string): Promise<DatasetInput[]> {
    return (await this.client.get<{ inputs: DatasetInput[] }>(`${run(runId)}/inputs`)).inputs;
  }

  async deleteTag(runId: string, key: string): Promise<void> {
    await this.client.post(`${run(runId)}/tags/delete`, { key });
  }

  async getMetricHistory(runId: string, key: string): Promise<MetricPoint[]> {
    const r = await this.client.get<{ metrics: MetricPoint[] }>(`${run(runId)}/metrics/history`, {
      key,
    });
    return r.metrics.map(metricFromWire);
  }

  async putArtifacts(
    runId: string,
    artifacts: readonly EncodedArtifact[],
  ): Promise<ArtifactInfo[]> {
    const r = await this.client.post<{ artifacts: ArtifactInfo[] }>(`${run(runId)}/artifacts`, {
      artifacts: artifacts.map(artifactToWire),
    });
    return r.artifacts;
  }

  async putVersionedArtifact(
    runId: string,
    key: string,
    encode: (version: number) => EncodedArtifact,
  ): Promise<ArtifactInfo> {
    // The server numbers the version; the content is the same whatever the number.
    return this.client.post<ArtifactInfo>(`${run(runId)}/artifacts/versioned`, {
      key,
      artifact: artifactToWire(encode(1)),
    });
  }

  async listArtifacts(runId: string, prefix?: string): Promise<ArtifactInfo[]> {
    const r = await this.client.get<{ artifacts: ArtifactInfo[] }>(`${run(runId)}/artifacts`, {
      prefix,
    });
    return r.artifacts;
  }

  async readArtifact(runId: string, path: string): Promise<Uint8Array | undefined> {
    return this.client
      .bytes(`${run(runId)}/artifacts/content`, { path })
      .catch(absent('ARTIFACT_NOT_FOUND'));
  }

  async putModel(
    runId: string,
    model: LoggedModel,
    files: readonly EncodedArtifact[],
  ): Promise<boolean> {
    const r = await this.client.post<{ logged: boolean }>(`${run(runId)}/models`, {
      model: modelToRequest(model),
      files: files.map(artifactToWire),
    });
    return r.logged;
  }

  async listLoggedModels(runId: string): Promise<LoggedModel[]> {
    const r = await this.client.get<{ models: LoggedModel[] }>(`${run(runId)}/models`);
    return r.models.map(modelFromWire);
  }

  async insertModelVersion(v: ModelVersionInsert): Promise<ModelVersion> {
    return this.client.post<ModelVersion>('/registered-models/versions', {
      name: v.name,
      runId: v.runId,
      modelName: v.modelName,
      description: v.description,
      tags: toEntries(v.tags),
    });
  }

  async setModelAlias(name: string, alias: string, version: number): Promise<void> {
    await this.client.post('/registered-models/alias', { name, alias, version });
  }

  async deleteModelAlias(name: string, alias: string): Promise<void> {
    await this.client.post('/registered-models/alias', { name, alias, delete: true });
  }

  async getModelVersion(name: string, ref: ModelVersionRef): Promise<ModelVersion | undefined> {
    const query =
      'version' in ref
        ? { name, version: ref.version }
        : 'alias' in ref
          ? { name, alias: ref.alias }
          : { name, latest: true };
    return this.client
      .get<ModelVersion>('/registered-models/version', query)
      .catch(absent('MODEL_NOT_FOUND'));
  }

  async getRegisteredModel(name: string): Promise<RegisteredModel | undefined> {
    return this.client
      .get<RegisteredModel>('/registered-models/model', { name })
      .catch(absent('MODEL_NOT_FOUND'));
  }

  async listRegisteredModels(): Promise<RegisteredModel[]> {
    return (await this.client.get<{ models: RegisteredModel[] }>('/registered-models')).models;
  }

  async listModelVersions(name: string): Promise<ModelVersion[]> {
    const r = await this.client.get<{ versions: ModelVersion[] }>('/registered-models/versions', {
      name,
    });
    return r.versions;
  }

  async insertRegisteredModel(m: RegisteredModelInsert): Promise<void> {
    await this.client.post('/registered-models', {
      name: m.name,
      description: m.description,
      tags: toEntries(m.tags),
    });
  }

  async renameRegisteredModel(name: string, newName: string): Promise<void> {
    await this.client.post('/registered-models/rename', { name, newName });
  }

  async deleteRegisteredModel(name: string): Promise<void> {
    await this.client.post('/registered-models/delete', { name });
  }

  async deleteModelVersion(name: string, version: number): Promise<void> {
    await this.client.post('/registered-models/versions/delete', { name, version });
  }

  async setModelTag(target: ModelTarget, key: string, value: string): Promise<void> {
    await this.client.post('/registered-models/metadata', { ...target, key, value });
  }

  async deleteModelTag(target: ModelTarget, key: string): Promise<void> {
    await this.client.post('/registered-models/metadata', { ...target, key, delete: true });
  }

  async setModelDescription(target: ModelTarget, description: string | null): Promise<void> {
    await this.client.post('/registered-models/metadata', { ...target, description });
  }

  async putFlowRun(runId: string, record: FlowRunRecord): Promise<void> {
    await this.client.post(`${run(runId)}/flow-run`, flowRunToWire(record));
  }

  async getFlowRun(runId: string): Promise<FlowRunRecord | undefined> {
    const r = await this.client.get<{ record: FlowRunRecord | null }>(`${run(runId)}/flow-run`);
    return r.record ?? undefined;
  }

  async putTaskRun(runId: string, record: TaskRunRecord): Promise<void> {
    await this.putTaskRuns(runId, [record]);
  }

  async putTaskRuns(runId: string, records: readonly TaskRunRecord[]): Promise<void> {
    await this.client.post(`${run(runId)}/task-runs`, { records });
  }

  async listTaskRuns(runId: string): Promise<TaskRunRecord[]> {
    return (await this.client.get<{ records: TaskRunRecord[] }>(`${run(runId)}/task-runs`)).records;
  }

  async appendLogs(runId: string, lines: readonly LogLine[]): Promise<void> {
    await this.client.post(`${run(runId)}/logs`, { lines });
  }

  async getLogs(runId: string, options: GetLogsOptions): Promise<LogLine[]> {
    const r = await this.client.get<{ lines: LogLine[] }>(`${run(runId)}/logs`, {
      taskRunId: options.taskRunId,
      limit: options.limit,
    });
    return r.lines;
  }

  async readChanges(after: ChangeCursor | undefined, limit: number): Promise<ChangePage> {
    const page = await this.client.get<ChangePage>('/changes', {
      after: after === undefined ? undefined : formatChangeCursor(after),
      limit,
    });
    return changesFromWire(page);
  }

  async close(): Promise<void> {
    // Nothing held open: fetch keeps no connection that outlives the process's use of it.
  }
}
