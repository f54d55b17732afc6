import { randomUUID } from 'node:crypto';
import { checkChangeCursor } from './changes.js';
import type { ChangeCursor, ChangePage, ReadChangesOptions } from './changes.js';
import { datasetFields, prepareDatasetInputs } from './datasets.js';
import type { DatasetInput, DatasetInputSpec } from './datasets.js';
import { decodeTypedArtifact, encodeFileArtifact, encodeTypedArtifact } from './artifacts.js';
import {
  ArtifactNotFoundError,
  ExperimentAlreadyExistsError,
  ExperimentNotFoundError,
  ModelNotFoundError,
  RunNotFoundError,
  TrackingInputError,
  TrackingStoreError,
} from './errors.js';
import { newRunId } from '../engine/run-id.js';
import { generateRunName, runTags, systemTags } from './identity.js';
import {
  checkedDescription,
  checkedModelTags,
  checkedUpdate,
  modelTarget,
  parseVersionRef,
  prepareLoggedModel,
} from './models.js';
import { pageOfRuns, parseSearch } from './paging.js';
import { TAG_RUN_NAME } from './tracker.js';
import type {
  ArtifactInfo,
  CreateExperimentOptions,
  CreateRegisteredModelOptions,
  CreateRunOptions,
  Experiment,
  FlowRunRecord,
  GetLogsOptions,
  LifecycleStage,
  LogBatchInput,
  LoggedModel,
  LogLine,
  LogMetricOptions,
  LogModelInput,
  MetricInput,
  MetricPoint,
  ModelUpdate,
  ModelVersion,
  ParamValue,
  RegisteredModel,
  RegisterModelOptions,
  Run,
  SearchRunsOptions,
  SearchRunsResult,
  TaskRunRecord,
  TrackingRunInfo,
  TypedArtifact,
  TypedArtifactInput,
  UpdateRunOptions,
} from './tracker.js';
import type { ExperimentUpdate, TrackerStore } from './tracker-store.js';
import {
  paramToString,
  toMetricPoint,
  validateAlias,
  validateArtifactPath,
  validateFlowRun,
  validateKey,
  validateLogLines,
  validateName,
  validateRunId,
  validateStatus,
  validateTagValue,
  validateTaskRun,
  validateTime,
} from './record-checks.js';

/** The optional store members of the registry edits. */
type RegistryEdits = Required<
  Pick<
    TrackerStore,
    | 'insertRegisteredModel'
    | 'renameRegisteredModel'
    | 'deleteRegisteredModel'
    | 'deleteModelVersion'
  >
>;

function checkedTags(tags: Readonly<Record<string, string>>): [string, string][] {
  const entries = Object.entries(tags);
  for (const [k, v] of entries) {
    validateKey('tag', k);
    validateTagValue(k, v);
  }
  return entries;
}

/**
 * Where runs are recorded: MLflow's tracking API (experiments, runs, params, metrics, tags,
 * artifacts, models) plus tideflow's flow-run and task-run records and logs, over any
 * {@link TrackerStore}. Like keyv over its storage adapters, this one layer checks every input
 * (rejecting with `TrackingInputError` before anything is written), fills in defaults and
 * provides the convenience methods, so a backend implements only the store's primitives.
 * Every method that takes a run id rejects with `RunNotFoundError` for an unknown id, every
 * write to a deleted run with `DeletedRunError`, and every call after {@link Tracker.close}
 * with `TrackingStoreError`.
 *
 * @typeParam S - The store type, so that a backend's subclass reaches its own store.
 * @example
 * ```ts
 * const tracker = new Tracker(new MemoryTrackerStore()); // what `new MemoryTracker()` does
 * const run = await tracker.createRun({ experimentId: await tracker.getOrCreateExperiment('demo') });
 * await tracker.logMetric(run.info.runId, 'accuracy', 0.93);
 * ```
 */
export class Tracker<S extends TrackerStore = TrackerStore> {
  private closed = false;

  /** @param store - The backend that holds the records. */
  constructor(protected readonly store: S) {}

  /** Whether the records die with the process (the store says so; see {@link TrackerStore.ephemeral}). */
  get ephemeral(): boolean {
    return this.store.ephemeral === true;
  }

  /** The store, or `TrackingStoreError` once the tracker is closed. */
  protected get live(): S {
    if (this.closed) throw new TrackingStoreError('This tracker is closed; open a new one.');
    return this.store;
  }

  /** Creates an experiment; rejects with `ExperimentAlreadyExistsError` if the name is taken. Resolves to its id. */
  async createExperiment(name: string, options: CreateExperimentOptions = {}): Promise<string> {
    const store = this.live;
    validateName('An experiment name', name);
    const tags = Object.fromEntries(checkedTags(options.tags ?? {}));
    return store.insertExperiment({ name, tags, creationTime: Date.now() });
  }

  /** Returns the experiment of that name, creating it if absent; concurrent callers get the same id. */
  async getOrCreateExperiment(name: string): Promise<string> {
    const store = this.live;
    validateName('An experiment name', name);
    if (store.getOrInsertExperiment) return store.getOrInsertExperiment(name, Date.now());
    const found = await this.getExperimentByName(name);
    if (found) return found.experimentId;
    try {
      return await store.insertExperiment({ name, tags: {}, creationTime: Date.now() });
    } catch (error) {
      // Another caller created it in between: theirs is the one.
      const winner =
        error instanceof ExperimentAlreadyExistsError
          ? await this.getExperimentByName(name)
          : undefined;
      if (!winner) throw error;
      return winner.experimentId;
    }
  }

  /** Returns an experiment by id; rejects with `ExperimentNotFoundError` if absent. */
  async getExperiment(experimentId: string): Promise<Experiment> {
    const store = this.live;
    const e = store.getExperiment
      ? await store.getExperiment(String(experimentId))
      : (await store.listExperiments()).find((x) => x.experimentId === experimentId);
    if (!e) throw new ExperimentNotFoundError(String(experimentId));
    return e;
  }

  /** Returns an experiment by name, or `undefined` if there is none. */
  async getExperimentByName(name: string): Promise<Experiment | undefined> {
    const store = this.live;
    return store.getExperimentByName
      ? store.getExperimentByName(name)
      : (await store.listExperiments()).find((x) => x.name === name);
  }

  /**
   * Renames an experiment (MLflow's `rename_experiment`); rejects with `ExperimentNotFoundError`,
   * or `ExperimentAlreadyExistsError` when another experiment has the name.
   */
  async renameExperiment(experimentId: string, name: string): Promise<void> {
    validateName('An experiment name', name);
    await this.changeExperiment(experimentId, { name });
  }

  /** Sets (or replaces) a tag of an experiment (MLflow's `set_experiment_tag`). */
  async setExperimentTag(experimentId: string, key: string, value: string): Promise<void> {
    await this.changeExperiment(experimentId, {
      tags: Object.fromEntries(checkedTags({ [key]: value })),
    });
  }

  /**
   * Deletes an experiment and every run in it (MLflow's `delete_experiment`: a soft delete, undone
   * by {@link Tracker.restoreExperiment}): it leaves `listExperiments`, its runs leave searches,
   * and no run can be created in it. Idempotent. The `Default` experiment `"0"` cannot be deleted.
   */
  async deleteExperiment(experimentId: string): Promise<void> {
    if (String(experimentId) === '0')
      throw new TrackingInputError(
        'The Default experiment "0" cannot be deleted (MLflow refuses it too).',
      );
    await this.experimentLifecycle(experimentId, 'deleted');
  }

  /** Restores a deleted experiment and every run in it (MLflow's `restore_experiment`). Idempotent. */
  async restoreExperiment(experimentId: string): Promise<void> {
    await this.experimentLifecycle(experimentId, 'active');
  }

  private async experimentLifecycle(experimentId: string, stage: LifecycleStage): Promise<void> {
    const store = this.live;
    if (!store.setExperimentLifecycle)
      throw new TrackingStoreError(
        'This tracking store cannot delete or restore experiments (no setExperimentLifecycle); use a sqlite: or memory: store.',
      );
    await store.setExperimentLifecycle(String(experimentId), stage, Date.now());
  }

  private async changeExperiment(experimentId: string, update: ExperimentUpdate): Promise<void> {
    const store = this.live;
    if (!store.updateExperiment)
      throw new TrackingStoreError(
        'This tracking store cannot change experiments (no updateExperiment); use a sqlite: or memory: store.',
      );
    await store.updateExperiment(String(experimentId), update, Date.now());
  }

  /** Lists active experiments ordered by id (the `Default` experiment `"0"` first). */
  async listExperiments(): Promise<Experiment[]> {
    return this.live.listExperiments();
  }

  /** Creates a run (status `RUNNING` unless given) with the `tideflow.*` system tags; resolves to it. */
  async createRun(options: CreateRunOptions = {}): Promise<Run> {
    const store = this.live;
    if (options.runId !== undefined) validateRunId(options.runId);
    const status = options.status ?? 'RUNNING';
    validateStatus(status);
    const startTime = options.startTime ?? Date.now();
    validateTime('startTime', startTime);
    if (options.name !== undefined) validateName('A run name', options.name);
    const name = options.name ?? options.tags?.[TAG_RUN_NAME] ?? generateRunName();
    const tags = Object.fromEntries(
      checkedTags({
        ...(options.systemTags === false
          ? runTags(name, options.parentRunId)
          : systemTags(name, options.parentRunId)),
        ...options.tags,
      }),
    );
    const info: TrackingRunInfo = {
      runId: options.runId ?? newRunId(),
      experimentId: options.experimentId ?? '0',
      name,
      status,
      startTime,
      endTime: null,
      lifecycleStage: 'active',
      parentRunId: options.parentRunId ?? null,
    };
    await store.insertRun(info, tags);
    return { info: { ...info }, data: { params: {}, metrics: {}, tags } };
  }

  /** Returns a run (deleted ones too) with its params, latest metrics and tags. */
  async getRun(runId: string): Promise<Run> {
    const run = await this.live.getRun(runId);
    if (!run) throw new RunNotFoundError(String(runId));
    return run;
  }

  /** Changes status, end time or name; resolves to the updated info. */
  async updateRun(runId: string, update: UpdateRunOptions): Promise<TrackingRunInfo> {
    const store = this.live;
    if (update.status !== undefined) validateStatus(update.status);
    if (update.endTime !== undefined) validateTime('endTime', update.endTime);
    if (update.name !== undefined) validateName('A run name', update.name);
    return store.updateRun(runId, update);
  }

  /** Soft-deletes a run: it leaves searches and rejects writes until restored. Idempotent. */
  async deleteRun(runId: string): Promise<void> {
    await this.live.setRunLifecycle(runId, 'deleted');
  }

  /** Restores a deleted run. Idempotent. */
  async restoreRun(runId: string): Promise<void> {
    await this.live.setRunLifecycle(runId, 'active');
  }

  /** Finds runs matching an MLflow filter, ordered and paged; a malformed filter rejects with `FilterSyntaxError`. */
  async searchRuns(options: SearchRunsOptions = {}): Promise<SearchRunsResult> {
    const store = this.live;
    const q = parseSearch(options);
    if (q.maxResults === 0) return { runs: [] };
    if (store.searchRuns) return store.searchRuns(q);
    const runs = await store.listRuns(q);
    // Inputs are read only when a clause needs them: one read per run in the scope.
    const inputs = new Map<string, DatasetInput[]>();
    if (q.clauses.some((c) => c.entity === 'dataset')) {
      const lists = await Promise.all(runs.map((r) => store.listInputs(r.info.runId)));
      runs.forEach((r, i) => inputs.set(r.info.runId, lists[i]));
    }
    const context = {
      artifactUri: (runId: string) => store.artifactUri(runId),
      datasets: (runId: string) => (inputs.get(runId) ?? []).map(datasetFields),
    };
    return pageOfRuns(runs, q, context);
  }

  /**
   * How many child runs each of `runIds` has: the active (not deleted) runs created with
   * `parentRunId` naming it, in one read of the store (emulated over `listRuns` for a store
   * without `countChildRuns`). Every requested id is in the result; an unknown id counts 0.
   *
   * @example
   * ```ts
   * const counts = await tracker.countChildRuns(runs.map((r) => r.info.runId));
   * counts.get(runs[0].info.runId); // 5
   * ```
   */
  async countChildRuns(runIds: readonly string[]): Promise<Map<string, number>> {
    const store = this.live;
    if (!Array.isArray(runIds) || runIds.some((id) => typeof id !== 'string')) {
      throw new TrackingInputError('countChildRuns needs an array of run ids (strings).');
    }
    const counts = new Map<string, number>(runIds.map((id) => [id, 0]));
    if (runIds.length === 0) return counts;
    if (store.countChildRuns) {
      for (const [id, n] of await store.countChildRuns(runIds))
        if (counts.has(id)) counts.set(id, n);
      return counts;
    }
    const active = await store.listRuns({ experimentIds: undefined, runViewType: 'ACTIVE_ONLY' });
    for (const { info } of active) {
      const n = info.parentRunId === null ? undefined : counts.get(info.parentRunId);
      if (n !== undefined) counts.set(info.parentRunId as string, n + 1);
    }
    return counts;
  }

  /**
   * Records the datasets a run used, as MLflow's `log_inputs`: each input's name, digest, source,
   * schema and row count, and the context it was used in. The same dataset (name and digest)
   * logged again in the same context is one input. Rejects with `InvalidDatasetInputError`
   * naming the input and field (MLflow's limits: name ≤ 500 characters, digest ≤ 36, context
   * ≤ 500, ...) before anything is written.
   */
  async logInputs(runId: string, inputs: readonly DatasetInputSpec[]): Promise<void> {
    const store = this.live;
    await store.putInputs(runId, prepareDatasetInputs(inputs));
  }

  /** A run's dataset inputs in the order they were first logged (MLflow's `run.inputs.dataset_inputs`). */
  async getRunInputs(runId: string): Promise<DatasetInput[]> {
    return this.live.listInputs(runId);
  }

  /** Logs a param; the same value again is a no-op, a different one rejects with `ParamOverwriteError`. */
  async logParam(runId: string, key: string, value: ParamValue): Promise<void> {
    await this.logBatch(runId, { params: { [key]: value } });
  }

  /** Appends a metric point to the metric's history and updates its latest value. */
  async logMetric(
    runId: string,
    key: string,
    value: number,
    options: LogMetricOptions = {},
  ): Promise<void> {
    await this.logBatch(runId, { metrics: [{ key, value, ...options }] });
  }

  /** Sets (or replaces) a tag. */
  async setTag(runId: string, key: string, value: string): Promise<void> {
    await this.logBatch(runId, { tags: { [key]: value } });
  }

  /** Removes a tag; a missing key is a no-op. */
  async deleteTag(runId: string, key: string): Promise<void> {
    const store = this.live;
    validateKey('tag', key);
    await store.deleteTag(runId, key);
  }

  /** Writes metrics, params and tags atomically: if any item is invalid, nothing is written. */
  async logBatch(runId: string, batch: LogBatchInput): Promise<void> {
    const store = this.live;
    const metrics = batch.metrics ?? [];
    if (!Array.isArray(metrics))
      throw new TrackingInputError('logBatch needs `metrics` to be an array.');
    const now = Date.now();
    const params = Object.entries(batch.params ?? {}).map(([k, v]): [string, string] => {
      validateKey('param', k);
      return [k, paramToString(k, v)];
    });
    await store.writeBatch(runId, {
      metrics: (metrics as readonly MetricInput[]).map((m) => toMetricPoint(m, now)),
      params,
      tags: checkedTags(batch.tags ?? {}),
    });
  }

  /** Returns every point of one metric in (step, timestamp, log order) order; `[]` if never logged. */
  async getMetricHistory(runId: string, key: string): Promise<MetricPoint[]> {
    return this.live.getMetricHistory(runId, key);
  }

  /** Stores a file at `path` (relative, no `..`, else `InvalidArtifactPathError`), replacing one at the same path. */
  async logArtifact(runId: string, path: string, data: Uint8Array | string): Promise<ArtifactInfo> {
    const store = this.live;
    const [info] = await store.putArtifacts(runId, [encodeFileArtifact(path, data)]);
    return info;
  }

  /** Stores a typed artifact; under a `key` it becomes the next version of that key in the run. */
  async logTypedArtifact(runId: string, artifact: TypedArtifactInput): Promise<ArtifactInfo> {
    const store = this.live;
    // Encoding checks the artifact, so a bad one is refused before the store is touched.
    const encoded = encodeTypedArtifact(artifact, 1, randomUUID().slice(0, 8));
    if (artifact.key === undefined) return (await store.putArtifacts(runId, [encoded]))[0];
    return store.putVersionedArtifact(runId, artifact.key, (version) =>
      version === 1 ? encoded : encodeTypedArtifact(artifact, version, ''),
    );
  }

  /** Lists a run's artifacts sorted by path, optionally only those under a path prefix. */
  async listArtifacts(runId: string, prefix?: string): Promise<ArtifactInfo[]> {
    return this.live.listArtifacts(runId, prefix);
  }

  /** Returns an artifact's bytes; rejects with `ArtifactNotFoundError` if absent. */
  async readArtifact(runId: string, path: string): Promise<Uint8Array> {
    const bytes = await this.live.readArtifact(runId, path);
    if (!bytes) throw new ArtifactNotFoundError(runId, String(path));
    return bytes;
  }

  /**
   * The file of an artifact on this machine, for opening it in other programs; `undefined` when
   * the store keeps no local files (a remote store) or the run has no artifact at that path.
   */
  async localArtifactPath(runId: string, path: string): Promise<string | undefined> {
    const store = this.live;
    validateArtifactPath(path);
    if (store.localArtifactPath) return store.localArtifactPath(runId, path);
    await this.getRun(runId);
    return undefined;
  }

  /** Returns a keyed typed artifact (the latest version unless `version` is given). */
  async getTypedArtifact(runId: string, key: string, version?: number): Promise<TypedArtifact> {
    const store = this.live;
    let best: ArtifactInfo | undefined;
    for (const a of await store.listArtifacts(runId)) {
      if (a.key !== key || a.version === null) continue;
      if (version === undefined ? !best || a.version > (best.version ?? 0) : a.version === version)
        best = a;
    }
    const bytes = best && (await store.readArtifact(runId, best.path));
    if (!best || !bytes) throw new ArtifactNotFoundError(runId, `${key}@${version ?? 'latest'}`);
    return { info: best, content: decodeTypedArtifact(best.type, best.mediaType, bytes) };
  }

  /** Stores a model's bytes and metadata as artifacts under `models/<name>/`; rejects if the name is taken in the run. */
  async logModel(runId: string, model: LogModelInput): Promise<LoggedModel> {
    const store = this.live;
    const { logged, files } = prepareLoggedModel(runId, model, Date.now());
    if (!(await store.putModel(runId, logged, files))) {
      throw new TrackingInputError(
        `Run ${runId} already logged a model named "${model.name}"; use another name.`,
      );
    }
    return structuredClone(logged);
  }

  /** Lists the models a run logged, sorted by name. */
  async listLoggedModels(runId: string): Promise<LoggedModel[]> {
    return this.live.listLoggedModels(runId);
  }

  /** Registers a logged model as the next version of a registered name (created if absent). */
  async registerModel(name: string, options: RegisterModelOptions): Promise<ModelVersion> {
    const store = this.live;
    validateName('A registered model name', name);
    const modelName = options?.modelName ?? name;
    const description = checkedDescription(options?.description ?? null);
    const tags = checkedModelTags(options?.tags ?? {});
    // A store may answer an unknown name with ModelNotFoundError instead of undefined.
    const latest = await store.getModelVersion(name, { latest: true }).catch((e: unknown) => {
      if (e instanceof ModelNotFoundError) return undefined;
      throw e;
    });
    if (latest && (await this.sameModelBytes(latest, options?.runId, modelName))) return latest;
    return store.insertModelVersion({
      name,
      runId: options?.runId,
      modelName,
      description,
      tags,
      createdAt: Date.now(),
    });
  }

  /**
   * Whether a run's logged model holds the same bytes as a registered version, so that registering
   * an identical model (a cached rerun) adds no version. A model that is not there compares unequal
   * and registering reports it as usual.
   */
  private async sameModelBytes(
    version: ModelVersion,
    runId: string,
    modelName: string,
  ): Promise<boolean> {
    if (typeof runId !== 'string') return false;
    const store = this.live;
    const find = async (run: string, model: string) => {
      try {
        return (await store.listLoggedModels(run)).find((m) => m.name === model);
      } catch {
        return undefined;
      }
    };
    const [mine, theirs] = await Promise.all([
      find(runId, modelName),
      find(version.runId, version.modelName),
    ]);
    if (!mine || !theirs || mine.size !== theirs.size || mine.flavor !== theirs.flavor)
      return false;
    const [a, b] = await Promise.all([
      store.readArtifact(runId, mine.artifactPath),
      store.readArtifact(version.runId, theirs.artifactPath),
    ]);
    return a !== undefined && b !== undefined && Buffer.from(a).equals(b);
  }

  /** Points an alias (not `latest`, not `v<digits>`) at a version, moving it if it pointed elsewhere. */
  async setModelAlias(name: string, alias: string, version: number): Promise<void> {
    const store = this.live;
    validateAlias(alias);
    await store.setModelAlias(name, alias, version, Date.now());
  }

  /** Removes an alias; a missing alias is a no-op. */
  async deleteModelAlias(name: string, alias: string): Promise<void> {
    await this.live.deleteModelAlias(name, alias, Date.now());
  }

  /** Returns a version by number, by alias, or `latest`; rejects with `ModelNotFoundError` if absent. */
  async getModelVersion(name: string, versionOrAlias: number | string): Promise<ModelVersion> {
    const store = this.live;
    const v = await store.getModelVersion(name, parseVersionRef(versionOrAlias));
    if (!v) throw new ModelNotFoundError(name, String(versionOrAlias));
    return v;
  }

  /** Lists registered models sorted by name. */
  async listRegisteredModels(): Promise<RegisteredModel[]> {
    return this.live.listRegisteredModels();
  }

  // Registry metadata, as MLflow's client: tags and descriptions of registered models and of
  // model versions. Keys and values are checked like run tags; an unknown name or version
  // rejects with `ModelNotFoundError`.

  /** Sets (or replaces) a tag of a registered model (`MlflowClient.set_registered_model_tag`). */
  async setRegisteredModelTag(name: string, key: string, value: string): Promise<void> {
    const target = modelTarget(name, null);
    validateKey('tag', key);
    validateTagValue(key, value);
    await this.live.setModelTag(target, key, value, Date.now());
  }

  /** Removes a tag of a registered model; a missing tag is a no-op. */
  async deleteRegisteredModelTag(name: string, key: string): Promise<void> {
    const target = modelTarget(name, null);
    validateKey('tag', key);
    await this.live.deleteModelTag(target, key, Date.now());
  }

  /** Sets (or replaces) a tag of a model version (`MlflowClient.set_model_version_tag`). */
  async setModelVersionTag(
    name: string,
    version: number,
    key: string,
    value: string,
  ): Promise<void> {
    const target = modelTarget(name, version);
    validateKey('tag', key);
    validateTagValue(key, value);
    await this.live.setModelTag(target, key, value, Date.now());
  }

  /** Removes a tag of a model version; a missing tag is a no-op. */
  async deleteModelVersionTag(name: string, version: number, key: string): Promise<void> {
    const target = modelTarget(name, version);
    validateKey('tag', key);
    await this.live.deleteModelTag(target, key, Date.now());
  }

  /** Sets (or, with `null`, clears) the description of a registered model (`update_registered_model`). */
  async updateRegisteredModel(name: string, update: ModelUpdate): Promise<void> {
    const target = modelTarget(name, null);
    const description = checkedUpdate(update);
    await this.live.setModelDescription(target, description, Date.now());
  }

  /** Sets (or, with `null`, clears) the description of a model version (`update_model_version`). */
  async updateModelVersion(name: string, version: number, update: ModelUpdate): Promise<void> {
    const target = modelTarget(name, version);
    const description = checkedUpdate(update);
    await this.live.setModelDescription(target, description, Date.now());
  }

  // Registry edits, as MLflow's client: create, rename and delete registered models, delete
  // versions. Names are checked before the store is asked; a store without these members
  // rejects them with `TrackingStoreError`.

  /**
   * Creates a registered model with no versions (`MlflowClient.create_registered_model`);
   * `registerModel` then adds versions to it.
   *
   * @throws ModelAlreadyExistsError when a registered model has the name.
   */
  async createRegisteredModel(
    name: string,
    options: CreateRegisteredModelOptions = {},
  ): Promise<RegisteredModel> {
    validateName('A registered model name', name);
    if (options === null || typeof options !== 'object')
      throw new TrackingInputError('The options of createRegisteredModel must be an object.');
    const description = checkedDescription(options.description ?? null);
    const tags = checkedModelTags(options.tags ?? {});
    await this.registryEdits().insertRegisteredModel({
      name,
      description,
      tags,
      createdAt: Date.now(),
    });
    return this.getRegisteredModel(name);
  }

  /**
   * Returns a registered model; rejects with `ModelNotFoundError` for an unknown name. A store
   * that reads one model (`getRegisteredModel`) is asked for it alone, else the list is searched.
   */
  async getRegisteredModel(name: string): Promise<RegisteredModel> {
    validateName('A registered model name', name);
    const store = this.live;
    const model = store.getRegisteredModel
      ? await store.getRegisteredModel(name)
      : (await store.listRegisteredModels()).find((m) => m.name === name);
    if (!model) throw new ModelNotFoundError(name);
    return model;
  }

  /**
   * Every version a registered model has, oldest first (`[]` for none), as `getModelVersion`
   * gives each: one store read with a store that lists versions (`listModelVersions`), else one
   * per version number. Rejects with `ModelNotFoundError` for an unknown name.
   */
  async listModelVersions(name: string): Promise<ModelVersion[]> {
    validateName('A registered model name', name);
    const store = this.live;
    if (store.listModelVersions) return store.listModelVersions(name);
    const model = await this.getRegisteredModel(name);
    const out: ModelVersion[] = [];
    // Deleted versions leave gaps in the numbers.
    for (let v = 1; v <= model.latestVersion; v++) {
      const version = await store.getModelVersion(name, { version: v });
      if (version) out.push(version);
    }
    return out;
  }

  /**
   * Renames a registered model (`MlflowClient.rename_registered_model`): its versions, aliases,
   * tags and description move to the new name. Renaming to its own name changes nothing.
   *
   * @throws ModelNotFoundError for an unknown name; ModelAlreadyExistsError when another model has `newName`.
   */
  async renameRegisteredModel(name: string, newName: string): Promise<void> {
    validateName('A registered model name', name);
    validateName('The new registered model name', newName);
    await this.registryEdits().renameRegisteredModel(name, newName, Date.now());
  }

  /** Deletes a registered model with its versions, aliases and tags (`delete_registered_model`); rejects with `ModelNotFoundError` for an unknown name. */
  async deleteRegisteredModel(name: string): Promise<void> {
    validateName('A registered model name', name);
    await this.registryEdits().deleteRegisteredModel(name);
  }

  /**
   * Deletes one version of a registered model (`delete_model_version`), with its tags and the
   * aliases pointing at it; its number is not given again. The model stays, with no versions if
   * that was its last. Rejects with `ModelNotFoundError` for an unknown name or version.
   */
  async deleteModelVersion(name: string, version: number): Promise<void> {
    const { version: number } = modelTarget(name, version);
    if (number === null)
      throw new TrackingInputError('deleteModelVersion needs a version number, got null.');
    await this.registryEdits().deleteModelVersion(name, number, Date.now());
  }

  private registryEdits(): RegistryEdits {
    const store = this.live;
    if (
      !store.insertRegisteredModel ||
      !store.renameRegisteredModel ||
      !store.deleteRegisteredModel ||
      !store.deleteModelVersion
    )
      throw new TrackingStoreError(
        'This tracking store cannot create, rename or delete registered models or versions; use a sqlite:, memory: or http(s): store.',
      );
    return store as TrackerStore & RegistryEdits;
  }

  /** Stores (or replaces) the flow-run record of a run. */
  async setFlowRun(runId: string, record: FlowRunRecord): Promise<void> {
    const store = this.live;
    validateFlowRun(record);
    await store.putFlowRun(runId, record);
  }

  /** Returns the flow-run record of a run, or `undefined` if the run has none. */
  async getFlowRun(runId: string): Promise<FlowRunRecord | undefined> {
    return this.live.getFlowRun(runId);
  }

  /** Stores or replaces (by `taskRunId`) a task-run record under a run. */
  async upsertTaskRun(runId: string, record: TaskRunRecord): Promise<void> {
    const store = this.live;
    validateTaskRun(record);
    await store.putTaskRun(runId, record);
  }

  /**
   * Stores or replaces several task-run records under a run, as {@link Tracker.upsertTaskRun} each
   * in order. Every record is checked before any is written; a store that writes batches
   * (`putTaskRuns`) writes them in one atomic step.
   */
  async upsertTaskRuns(runId: string, records: readonly TaskRunRecord[]): Promise<void> {
    const store = this.live;
    for (const record of records) validateTaskRun(record);
    if (store.putTaskRuns) return store.putTaskRuns(runId, records);
    for (const record of records) await store.putTaskRun(runId, record);
  }

  /** Lists a run's task runs in the order they were first recorded. */
  async listTaskRuns(runId: string): Promise<TaskRunRecord[]> {
    return this.live.listTaskRuns(runId);
  }

  /** Appends lines to a run's log, atomically. */
  async logLines(runId: string, lines: readonly LogLine[]): Promise<void> {
    const store = this.live;
    validateLogLines(lines);
    await store.appendLogs(runId, lines);
  }

  /** Returns a run's log lines in the order they were appended. */
  async getLogs(runId: string, options: GetLogsOptions = {}): Promise<LogLine[]> {
    return this.live.getLogs(runId, options);
  }

  /** Whether the store has a change feed ({@link Tracker.readChanges}). */
  get hasChangeFeed(): boolean {
    return typeof this.store.readChanges === 'function';
  }

  /**
   * Reads the change feed: the flow-run and task-run records, log lines and metric points
   * written after `after` by any process sharing the store. Without `after`, resolves to no
   * changes and the cursor of the feed's end, where a live reader starts.
   *
   * @example
   * ```ts
   * let { cursor } = await tracker.readChanges();
   * // ... a flow runs elsewhere ...
   * const page = await tracker.readChanges(cursor);
   * for (const c of page.changes) if (c.kind === 'flow-run') console.log(c.runId, c.record.state);
   * cursor = page.cursor;
   * ```
   * @throws TrackingInputError for a malformed cursor or limit; TrackingStoreError when the store
   *   has no change feed (see {@link Tracker.hasChangeFeed}).
   */
  async readChanges(after?: ChangeCursor, options: ReadChangesOptions = {}): Promise<ChangePage> {
    const store = this.live;
    const cursor = after === undefined ? undefined : checkChangeCursor(after);
    const limit = options.limit ?? 1000;
    if (!Number.isSafeInteger(limit) || limit < 1 || limit > 10_000)
      throw new TrackingInputError(
        `readChanges needs a limit between 1 and 10000 (a whole number), got ${String(limit)}.`,
      );
    if (!store.readChanges)
      throw new TrackingStoreError(
        'This tracking store has no change feed (readChanges); live updates need a store that keeps one, such as sqlite: or memory:.',
      );
    return store.readChanges(cursor, limit);
  }

  /** Releases the store (timers, file handles). Later calls reject with `TrackingStoreError`. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.store.close();
  }
}
