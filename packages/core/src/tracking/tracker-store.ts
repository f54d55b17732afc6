/**
 * The storage contract under `Tracker`: the primitive reads and writes a tracking backend
 * provides. Like keyv's storage adapters, a store never validates or fills in defaults: the
 * tracker hands it checked, complete values (ids, timestamps, params as strings), and supplies
 * every convenience method (`logParam` is a one-item batch) and the optional members a store
 * leaves out.
 */
import type { EncodedArtifact } from './artifacts.js';
import type { ChangeCursor, ChangePage } from './changes.js';
import type { DatasetInput } from './datasets.js';
import type { ParsedSearch } from './paging.js';
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
  RunViewType,
  SearchRunsResult,
  TaskRunRecord,
  TrackingRunInfo,
  UpdateRunOptions,
} from './tracker.js';

/** A new experiment as the tracker hands it to {@link TrackerStore.insertExperiment}. */
export interface ExperimentInsert {
  /** The name, already checked. */
  name: string;
  /** Tags, already checked. */
  tags: Record<string, string>;
  /** Creation time, epoch ms. */
  creationTime: number;
}

/** A change of an experiment as the tracker hands it to {@link TrackerStore.updateExperiment}. */
export interface ExperimentUpdate {
  /** The new name, already checked; absent to keep it. */
  name?: string;
  /** Tags to set or replace, already checked; the others stay. */
  tags?: Record<string, string>;
}

/** Which runs {@link TrackerStore.listRuns} returns. */
export interface RunScope {
  /** Only runs of these experiments; `undefined` for every experiment. */
  experimentIds: readonly string[] | undefined;
  /** Deleted runs or not. */
  runViewType: RunViewType;
}

/** A checked batch for {@link TrackerStore.writeBatch}. */
export interface BatchWrite {
  /** Complete metric points (timestamp and step filled in), in log order. */
  metrics: readonly MetricPoint[];
  /** Params as stored strings. */
  params: readonly (readonly [key: string, value: string])[];
  /** Tags to set. */
  tags: readonly (readonly [key: string, value: string])[];
}

/** A checked model version for {@link TrackerStore.insertModelVersion}. */
export interface ModelVersionInsert {
  /** The registered name. */
  name: string;
  /** The run that logged the model. */
  runId: string;
  /** The logged model's name within that run. */
  modelName: string;
  /** The description, or `null`. */
  description: string | null;
  /** The version's tags, already checked. */
  tags: Record<string, string>;
  /** Registration time, epoch ms. */
  createdAt: number;
}

/** A new, empty registered model for {@link TrackerStore.insertRegisteredModel}. */
export interface RegisteredModelInsert {
  /** The name, already checked. */
  name: string;
  /** The description, or `null`. */
  description: string | null;
  /** The model's tags, already checked. */
  tags: Record<string, string>;
  /** Creation time, epoch ms (also its `updatedAt`). */
  createdAt: number;
}

/** Which registered-model record a metadata write of {@link TrackerStore} targets: the model, or one version. */
export interface ModelTarget {
  /** The registered name. */
  name: string;
  /** A version number, or `null` for the registered model itself. */
  version: number | null;
}

/** A parsed `versionOrAlias` of `getModelVersion`. */
export type ModelVersionRef = { version: number } | { latest: true } | { alias: string };

/**
 * What a tracking backend implements. Every member that takes a run id rejects with
 * `RunNotFoundError` for an unknown run, and every write to a run rejects with `DeletedRunError`
 * when the run is deleted. Each write is atomic: it applies whole or not at all. Members marked
 * optional are emulated by `Tracker` from the required ones when absent.
 */
export interface TrackerStore {
  /** Inserts an experiment and resolves to its new id (decimal string); rejects with `ExperimentAlreadyExistsError` if the name is taken. */
  insertExperiment(experiment: ExperimentInsert): Promise<string>;
  /** Optional: the id of the experiment of that name, inserting it (no tags) in the same atomic step if absent. */
  getOrInsertExperiment?(name: string, creationTime: number): Promise<string>;
  /** Optional: the experiment with this id, or `undefined`. */
  getExperiment?(experimentId: string): Promise<Experiment | undefined>;
  /** Optional: the experiment with this name, or `undefined`. */
  getExperimentByName?(name: string): Promise<Experiment | undefined>;
  /**
   * Optional: renames an experiment and/or sets its tags, and sets its `lastUpdateTime` to `now`,
   * in one atomic step; rejects with `ExperimentNotFoundError` for an unknown id and
   * `ExperimentAlreadyExistsError` when another experiment has the new name.
   */
  updateExperiment?(experimentId: string, update: ExperimentUpdate, now: number): Promise<void>;
  /**
   * Optional: sets an experiment's lifecycle stage and that of every run in it, and its
   * `lastUpdateTime` to `now`, in one atomic step (MLflow's `delete_experiment` and
   * `restore_experiment`); idempotent; rejects with `ExperimentNotFoundError` for an unknown id.
   * While an experiment is deleted, `insertRun` into it rejects with `TrackingInputError`.
   */
  setExperimentLifecycle?(experimentId: string, stage: LifecycleStage, now: number): Promise<void>;
  /** Every active experiment, ordered by numeric id (the `Default` experiment `"0"` first). */
  listExperiments(): Promise<Experiment[]>;

  /** Inserts a run with its tags; rejects with `ExperimentNotFoundError`, `TrackingInputError` for a deleted experiment, `RunAlreadyExistsError`, or `RunNotFoundError` for an unknown parent. */
  insertRun(info: TrackingRunInfo, tags: Record<string, string>): Promise<void>;
  /** The run (deleted ones too) with its params, latest metrics and tags, or `undefined`. */
  getRun(runId: string): Promise<Run | undefined>;
  /** Applies the given fields (a new `name` also sets the `tideflow.runName` tag); resolves to the updated info. */
  updateRun(runId: string, update: UpdateRunOptions): Promise<TrackingRunInfo>;
  /** Sets a run's lifecycle stage (allowed on deleted runs); idempotent. */
  setRunLifecycle(runId: string, stage: LifecycleStage): Promise<void>;
  /** The URI of a run's artifact location (MLflow's `artifact_uri`, which searches filter on), e.g. `file:///srv/artifacts/<runId>`. */
  artifactUri(runId: string): string;
  /** Every run in the scope, in any order. */
  listRuns(scope: RunScope): Promise<Run[]>;
  /** Optional: one page of a parsed search, filtered, ordered (ties: newest start, then run id) and paged like the emulation over `listRuns`. */
  searchRuns?(search: ParsedSearch): Promise<SearchRunsResult>;
  /** Optional: for each of `runIds`, how many active (not deleted) runs name it as `parentRunId`, in one read; ids with none (or unknown) may be left out. */
  countChildRuns?(runIds: readonly string[]): Promise<Map<string, number>>;

  /** Appends metric points, sets params and tags atomically; a param stored with another value rejects with `ParamOverwriteError` and writes nothing. A `tideflow.runName` tag renames the run. */
  writeBatch(runId: string, batch: BatchWrite): Promise<void>;
  /**
   * Records dataset inputs on a run atomically, in order. An input whose dataset name, digest and
   * context equal one the run already has is skipped (MLflow's dedup). Datasets are shared within
   * an experiment by (name, digest): the first one recorded keeps its source, schema and row count.
   */
  putInputs(runId: string, inputs: readonly DatasetInput[]): Promise<void>;
  /** A run's dataset inputs in the order they were first recorded; `[]` if none. */
  listInputs(runId: string): Promise<DatasetInput[]>;
  /** Removes a tag; a missing key is a no-op. */
  deleteTag(runId: string, key: string): Promise<void>;
  /** Every point of one metric ordered by step, then timestamp, then log order; `[]` if never logged. */
  getMetricHistory(runId: string, key: string): Promise<MetricPoint[]>;

  /** Stores files and their records atomically, stamping `createdAt`; a path may only be replaced when both old and new are plain files (else `TrackingInputError`, see `assertReplaceable`). */
  putArtifacts(runId: string, artifacts: readonly EncodedArtifact[]): Promise<ArtifactInfo[]>;
  /** Stores a keyed typed artifact as the next version of `key` in the run (1 if new): the version is taken and `encode(version)` stored in one atomic step. */
  putVersionedArtifact(
    runId: string,
    key: string,
    encode: (version: number) => EncodedArtifact,
  ): Promise<ArtifactInfo>;
  /** A run's artifact records sorted by path (code-unit order), only those whose path starts with `prefix` when given. */
  listArtifacts(runId: string, prefix?: string): Promise<ArtifactInfo[]>;
  /** An artifact's bytes, or `undefined` if the run has no artifact at that path. */
  readArtifact(runId: string, path: string): Promise<Uint8Array | undefined>;
  /** Optional: `true` when the records die with the process (an in-memory store), so the engine need not wait for a write before work starts. @default false */
  readonly ephemeral?: boolean;
  /** Optional, for stores that keep artifacts as local files: the absolute file of an artifact, or `undefined` if the run has none at that path. */
  localArtifactPath?(runId: string, path: string): Promise<string | undefined>;

  /** Stores a logged model and its files atomically; resolves `false` (writing nothing) if the run already has a model of that name. */
  putModel(runId: string, model: LoggedModel, files: readonly EncodedArtifact[]): Promise<boolean>;
  /** The models a run logged, sorted by name. */
  listLoggedModels(runId: string): Promise<LoggedModel[]>;
  /** Adds the next version of a registered model (one more than the highest it ever had, so a deleted version's number is not reused; 1 if new), creating the name; rejects with `ArtifactNotFoundError` if the run logged no such model. */
  insertModelVersion(version: ModelVersionInsert): Promise<ModelVersion>;
  /** Points an alias at an existing version; rejects with `ModelNotFoundError` for an unknown name or version. */
  setModelAlias(name: string, alias: string, version: number, now: number): Promise<void>;
  /** Removes an alias (a missing one is a no-op); rejects with `ModelNotFoundError` for an unknown name. */
  deleteModelAlias(name: string, alias: string, now: number): Promise<void>;
  /** The version a reference names, or `undefined` if the name or the version is unknown. */
  getModelVersion(name: string, ref: ModelVersionRef): Promise<ModelVersion | undefined>;
  /** Every registered model (with no versions too: `latestVersion` 0), sorted by name; `latestVersion` is the highest version it has now. */
  listRegisteredModels(): Promise<RegisteredModel[]>;
  /** Optional: one registered model as `listRegisteredModels` gives it, or `undefined` for an unknown name, without reading the others. */
  getRegisteredModel?(name: string): Promise<RegisteredModel | undefined>;
  /** Optional: every version a registered model has, oldest first (`[]` for none), each as `getModelVersion` gives it, in one read; rejects with `ModelNotFoundError` for an unknown name. */
  listModelVersions?(name: string): Promise<ModelVersion[]>;

  // Registry edits (MLflow's create, rename and delete of registered models and versions). Each
  // is atomic. A store without them runs the rest: `Tracker` then refuses these calls.
  /** Optional: inserts a registered model with no versions; rejects with `ModelAlreadyExistsError` if the name is taken. */
  insertRegisteredModel?(model: RegisteredModelInsert): Promise<void>;
  /**
   * Optional: renames a registered model, keeping its versions (which take the new name), aliases,
   * tags and description, and sets its `updatedAt` to `now`; rejects with `ModelNotFoundError`
   * for an unknown name and `ModelAlreadyExistsError` when another model has `newName`.
   */
  renameRegisteredModel?(name: string, newName: string, now: number): Promise<void>;
  /** Optional: removes a registered model with its versions, aliases and tags; rejects with `ModelNotFoundError` for an unknown name. */
  deleteRegisteredModel?(name: string): Promise<void>;
  /**
   * Optional: removes one version with its tags and the aliases pointing at it (its number is
   * not given again), and sets the model's `updatedAt` to `now`; the model stays, with no
   * versions if that was its last. Rejects with `ModelNotFoundError` for an unknown name or version.
   */
  deleteModelVersion?(name: string, version: number, now: number): Promise<void>;

  // Registry metadata (MLflow's registered model and model version tags and descriptions). Each
  // rejects with `ModelNotFoundError` for an unknown name or version, and sets the registered
  // model's `updatedAt` (and a version's, for a version target) to `now`.
  /** Sets or replaces one tag of a registered model or of a version. */
  setModelTag(target: ModelTarget, key: string, value: string, now: number): Promise<void>;
  /** Removes one tag of a registered model or of a version; a missing tag is a no-op (changing no time). */
  deleteModelTag(target: ModelTarget, key: string, now: number): Promise<void>;
  /** Sets the description of a registered model or of a version; `null` clears it. */
  setModelDescription(target: ModelTarget, description: string | null, now: number): Promise<void>;

  /** Stores or replaces a run's flow-run record. */
  putFlowRun(runId: string, record: FlowRunRecord): Promise<void>;
  /** A run's flow-run record, or `undefined`. */
  getFlowRun(runId: string): Promise<FlowRunRecord | undefined>;
  /** Stores or replaces (by `taskRunId`) a task-run record, keeping its first-recorded position. */
  putTaskRun(runId: string, record: TaskRunRecord): Promise<void>;
  /** Optional: stores or replaces several task-run records atomically, as `putTaskRun` each in order (the recorder writes a flow's task runs in batches). */
  putTaskRuns?(runId: string, records: readonly TaskRunRecord[]): Promise<void>;
  /** A run's task runs in the order they were first recorded. */
  listTaskRuns(runId: string): Promise<TaskRunRecord[]>;
  /** Appends log lines atomically. */
  appendLogs(runId: string, lines: readonly LogLine[]): Promise<void>;
  /** A run's log lines in append order, filtered by task run and cut to `limit` when given. */
  getLogs(runId: string, options: GetLogsOptions): Promise<LogLine[]>;

  /**
   * Optional: the change feed. With `after` undefined, resolves to no changes and the cursor of
   * the feed's end (where a live reader starts); else to the flow-run and task-run record
   * writes, log lines and metric points written after `after` (at most `limit` per stream),
   * seen by every process sharing the store. It should be cheap when nothing changed (a server
   * polls it several times a second).
   */
  readChanges?(after: ChangeCursor | undefined, limit: number): Promise<ChangePage>;

  /** Releases timers and handles; called once, by `Tracker.close`. */
  close(): Promise<void>;
}
