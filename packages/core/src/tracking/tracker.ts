/**
 * The tracking data model: MLflow's (experiments, runs, params, metrics, tags, artifacts,
 * models) plus the orchestration records of tideflow (flow runs, task runs, logs). The API over
 * it is the `Tracker` class (tracker-bridge.ts); backends implement `TrackerStore`.
 */
import type { StateType } from '../engine/state.js';

/** A run's status, as in MLflow, plus `CRASHED` for runs whose process died while RUNNING. */
export type RunStatus = 'RUNNING' | 'SCHEDULED' | 'FINISHED' | 'FAILED' | 'KILLED' | 'CRASHED';

/** Every {@link RunStatus}, in a stable order. */
export const RUN_STATUSES: readonly RunStatus[] = [
  'RUNNING',
  'SCHEDULED',
  'FINISHED',
  'FAILED',
  'KILLED',
  'CRASHED',
];

/** Whether a run or experiment is live (`active`) or soft-deleted (`deleted`). */
export type LifecycleStage = 'active' | 'deleted';

/** Which runs a search returns with respect to deletion. Default `ACTIVE_ONLY`. */
export type RunViewType = 'ACTIVE_ONLY' | 'DELETED_ONLY' | 'ALL';

/** System tag holding the run's display name. */
export const TAG_RUN_NAME = 'tideflow.runName';
/** System tag holding the parent run id of a nested run. */
export const TAG_PARENT_RUN_ID = 'tideflow.parentRunId';
/** System tag holding the entry script of the process that created the run. */
export const TAG_SOURCE_NAME = 'tideflow.source.name';
/** System tag holding the git commit of the working tree the run started from, when known. */
export const TAG_GIT_COMMIT = 'tideflow.source.git.commit';
/** System tag holding the operating-system user who started the run (MLflow's `user_id`). */
export const TAG_USER = 'tideflow.user';
/** System tag holding the name of the flow whose run the tracking run records. */
export const TAG_FLOW_NAME = 'tideflow.flowName';

/** An experiment: a named group of runs. */
export interface Experiment {
  /** The store-assigned id (a decimal string; the default experiment is `"0"`). */
  experimentId: string;
  /** The unique name. */
  name: string;
  /** `active` unless deleted. */
  lifecycleStage: LifecycleStage;
  /** Creation time, epoch ms. */
  creationTime: number;
  /** Time of the last change to the experiment record, epoch ms. */
  lastUpdateTime: number;
  /** Free-form experiment tags. */
  tags: Record<string, string>;
}

/** Options of {@link Tracker.createExperiment}. */
export interface CreateExperimentOptions {
  /** Tags set on the new experiment. */
  tags?: Record<string, string>;
}

/** Options of {@link Tracker.createRun}. */
export interface CreateRunOptions {
  /** The experiment the run belongs to. Default: the `Default` experiment (`"0"`). */
  experimentId?: string;
  /** An explicit run id (letters, digits, `-`, `_`, at most 64), e.g. the engine's flow run id. Default: a random 32-hex id. */
  runId?: string;
  /** The parent run: the new run is nested under it (a subflow is a child run). */
  parentRunId?: string;
  /** The display name (also the `tideflow.runName` tag). Default: a generated `adjective-noun-123`. */
  name?: string;
  /** Tags set at creation; they override the system tags of the same key. */
  tags?: Record<string, string>;
  /** Start time, epoch ms. Default: now. */
  startTime?: number;
  /** Initial status. Default `RUNNING`. */
  status?: RunStatus;
  /**
   * Whether the tags describing this process (`tideflow.source.name`, `tideflow.source.git.commit`,
   * `tideflow.user`) are added. A server creating a run for a remote client passes `false`: the
   * client sends its own. The run-name and parent tags are set either way.
   *
   * @default true
   */
  systemTags?: boolean;
}

/** The fields of {@link Tracker.updateRun}; each one given replaces the stored value. */
export interface UpdateRunOptions {
  /** New status. */
  status?: RunStatus;
  /** End time, epoch ms. Set it with a terminal status. */
  endTime?: number;
  /** New display name (the `tideflow.runName` tag follows it). */
  name?: string;
}

/** The immutable-ish attributes of a run. */
export interface TrackingRunInfo {
  /** The run id (also the flow run id when the engine created it). */
  runId: string;
  /** The experiment the run belongs to. */
  experimentId: string;
  /** The display name. */
  name: string;
  /** The current status. */
  status: RunStatus;
  /** Start time, epoch ms. */
  startTime: number;
  /** End time, epoch ms, or `null` while the run has not ended. */
  endTime: number | null;
  /** `active` unless the run was deleted. */
  lifecycleStage: LifecycleStage;
  /** The parent run of a nested run, else `null`. */
  parentRunId: string | null;
}

/** The data of a run: params, latest metric values and tags. */
export interface RunData {
  /** Params, key → value (write-once strings). */
  params: Record<string, string>;
  /** The latest value of each metric (largest step, then largest timestamp, then last logged). */
  metrics: Record<string, number>;
  /** Tags, including `tideflow.*` system tags. */
  tags: Record<string, string>;
}

/** A run: its info and its data. */
export interface Run {
  /** Attributes of the run. */
  info: TrackingRunInfo;
  /** Params, latest metrics and tags. */
  data: RunData;
}

/** One logged metric value. */
export interface MetricPoint {
  /** The metric name. */
  key: string;
  /** The value; NaN and ±Infinity are stored and read back as such. */
  value: number;
  /** When it was measured, epoch ms. */
  timestamp: number;
  /** The step (an integer, e.g. the epoch). */
  step: number;
}

/** A metric to log: timestamp defaults to now and step to 0. */
export interface MetricInput {
  /** The metric name (letters, digits, `_ - . / :` and spaces; at most 250 characters). */
  key: string;
  /** The value; NaN and ±Infinity are allowed. */
  value: number;
  /** When it was measured, epoch ms. Default: now. */
  timestamp?: number;
  /** The step, an integer. Default 0. */
  step?: number;
}

/** Options of {@link Tracker.logMetric}. */
export interface LogMetricOptions {
  /** When it was measured, epoch ms. Default: now. */
  timestamp?: number;
  /** The step, an integer. Default 0. */
  step?: number;
}

/** A param value: strings are stored as is, numbers and booleans as `String(value)`. */
export type ParamValue = string | number | boolean;

/** What {@link Tracker.logBatch} writes, all or nothing. */
export interface LogBatchInput {
  /** Metric points, in the order they were measured. */
  metrics?: readonly MetricInput[];
  /** Params to log (write-once). */
  params?: Readonly<Record<string, ParamValue>>;
  /** Tags to set. */
  tags?: Readonly<Record<string, string>>;
}

/** Which runs {@link Tracker.searchRuns} returns, and in what order. */
export interface SearchRunsOptions {
  /** Experiment ids to search. Default: every experiment. */
  experimentIds?: readonly string[];
  /**
   * An MLflow filter: clauses joined by `AND`, e.g.
   * `metrics.acc > 0.9 and params.model = 'svm' and tags.x LIKE 'a%' and attributes.status = 'FINISHED'`.
   * Attribute names may go without a prefix (`run_name = 'x'`); `datasets.name`, `datasets.digest`
   * and `datasets.context` match runs that logged such an input.
   */
  filter?: string;
  /** Order-by clauses, e.g. `['metrics.acc DESC', 'attributes.start_time']`. Default: newest first. */
  orderBy?: readonly string[];
  /**
   * Page size, 0 to 50,000 (0 gives an empty page, as in MLflow).
   * @default 1000
   */
  maxResults?: number;
  /** The `nextPageToken` of the previous page. */
  pageToken?: string;
  /** Deleted runs or not. Default `ACTIVE_ONLY`. */
  runViewType?: RunViewType;
}

/** One page of {@link Tracker.searchRuns}. */
export interface SearchRunsResult {
  /** The matching runs of this page, in order. */
  runs: Run[];
  /** Pass it as `pageToken` to get the next page; absent on the last page. */
  nextPageToken?: string;
}

/** A cell of a table artifact. */
export type TableCell = string | number | boolean | null;

/** A Markdown document artifact. */
export interface MarkdownArtifact {
  /** Discriminant. */
  type: 'markdown';
  /** The Markdown text. */
  markdown: string;
}

/** A table artifact: column names and rows of cells. */
export interface TableArtifact {
  /** Discriminant. */
  type: 'table';
  /** Column names. */
  columns: string[];
  /** Rows, each with one cell per column. */
  rows: TableCell[][];
}

/** An image artifact: SVG text or PNG bytes. */
export interface ImageArtifact {
  /** Discriminant. */
  type: 'image';
  /** The image format. */
  format: 'svg' | 'png';
  /** SVG markup (string) or PNG bytes. */
  data: string | Uint8Array;
}

/** A link artifact. */
export interface LinkArtifact {
  /** Discriminant. */
  type: 'link';
  /** The target URL. */
  url: string;
  /** Link text. */
  text?: string;
}

/** A progress artifact: a percentage, typically logged again under the same key as work advances. */
export interface ProgressArtifact {
  /** Discriminant. */
  type: 'progress';
  /** Completion, 0 to 100. */
  progress: number;
}

/** The content of a typed artifact. */
export type TypedArtifactContent =
  MarkdownArtifact | TableArtifact | ImageArtifact | LinkArtifact | ProgressArtifact;

/** The kind of a stored artifact: a plain file, a typed artifact or a logged model's file. */
export type ArtifactType = 'file' | 'model' | TypedArtifactContent['type'];

/** A typed artifact to log: its content, an optional versioning key and a description. */
export type TypedArtifactInput = TypedArtifactContent & {
  /** Logging again under the same key (per run) adds a new version. Letters, digits, `_ - .`. */
  key?: string;
  /** A short description. */
  description?: string;
};

/** A stored artifact. */
export interface ArtifactInfo {
  /** The path relative to the run's artifact root. */
  path: string;
  /** What it holds. */
  type: ArtifactType;
  /** The versioning key of a keyed typed artifact, else `null`. */
  key: string | null;
  /** The version (1, 2, ...) of a keyed typed artifact, else `null`. */
  version: number | null;
  /** Size in bytes. */
  size: number;
  /** The media type, e.g. `image/svg+xml`. */
  mediaType: string;
  /** A short description, or `null`. */
  description: string | null;
  /** When it was logged, epoch ms. */
  createdAt: number;
}

/** A typed artifact read back: its record and its decoded content. */
export interface TypedArtifact {
  /** The stored record. */
  info: ArtifactInfo;
  /** The decoded content (PNG data as `Uint8Array`, SVG as string). */
  content: TypedArtifactContent;
}

/** One field of a model signature. */
export interface SignatureField {
  /** The column or tensor name. */
  name?: string;
  /** The data type, e.g. `double`, `long`, `string`. */
  type: string;
  /** The tensor shape (-1 for a free dimension), when it is a tensor. */
  shape?: number[];
}

/** A model's input and output schema, as MLflow's `ModelSignature`. */
export interface ModelSignature {
  /** The inputs. */
  inputs: SignatureField[];
  /** The outputs. */
  outputs: SignatureField[];
}

/** What {@link Tracker.logModel} stores. */
export interface LogModelInput {
  /** The model's name within the run (letters, digits, `_ - .`). */
  name: string;
  /** The serialized model, e.g. from `SerializerRegistry.serialize`; the tracker does not interpret it. */
  bytes: Uint8Array;
  /** How to load it, e.g. `tideflow.models.knn`. */
  flavor: string;
  /** The input/output schema. */
  signature?: ModelSignature;
  /** Evaluation metrics of this model. */
  metrics?: Record<string, number>;
}

/** A model logged to a run. */
export interface LoggedModel {
  /** The run that logged it. */
  runId: string;
  /** Its name within the run. */
  name: string;
  /** The artifact path of the bytes, `models/<name>/model.bin`. */
  artifactPath: string;
  /** How to load it. */
  flavor: string;
  /** The input/output schema, or `null`. */
  signature: ModelSignature | null;
  /** Evaluation metrics. */
  metrics: Record<string, number>;
  /** Size of the bytes. */
  size: number;
  /** When it was logged, epoch ms. */
  createdAt: number;
}

/** Options of {@link Tracker.registerModel}. */
export interface RegisterModelOptions {
  /** The run that logged the model. */
  runId: string;
  /** The logged model's name within that run. Default: the registered name. */
  modelName?: string;
  /** A description of this version (at most 5,000 characters). */
  description?: string;
  /**
   * Tags of this version (keys and values checked like run tags). An identical model (see
   * {@link Tracker.registerModel}) adds no version, and the version it returns keeps its own tags.
   */
  tags?: Record<string, string>;
}

/** Options of {@link Tracker.createRegisteredModel}. */
export interface CreateRegisteredModelOptions {
  /** A description (at most 5,000 characters). */
  description?: string | null;
  /** Tags of the registered model (keys and values checked like run tags). */
  tags?: Record<string, string>;
}

/** The argument of {@link Tracker.updateRegisteredModel} and {@link Tracker.updateModelVersion}. */
export interface ModelUpdate {
  /** The new description (at most 5,000 characters), or `null` to clear it. */
  description: string | null;
}

/** One version of a registered model. */
export interface ModelVersion {
  /** The registered model name. */
  name: string;
  /** The version number, from 1. */
  version: number;
  /** The run that logged it. */
  runId: string;
  /** The logged model's name within that run. */
  modelName: string;
  /** The artifact path of the bytes within the run. */
  source: string;
  /** The aliases pointing at this version, sorted. */
  aliases: string[];
  /** A description, or `null`. */
  description: string | null;
  /** Tags (MLflow's model version tags), key → value. */
  tags: Record<string, string>;
  /** When it was registered, epoch ms. */
  createdAt: number;
  /** When it was registered or its description or tags last changed, epoch ms (MLflow's `last_updated_timestamp`). */
  updatedAt: number;
}

/** A registered model: a name with versions and aliases. */
export interface RegisteredModel {
  /** The unique name. */
  name: string;
  /** When the name was first registered, epoch ms. */
  createdAt: number;
  /** When a version, alias, tag or description of it last changed, epoch ms. */
  updatedAt: number;
  /** The highest version number it has (deleted versions aside), 0 for a model with no versions. */
  latestVersion: number;
  /** Alias → version. */
  aliases: Record<string, number>;
  /** A description of the model (of every version), or `null`. */
  description: string | null;
  /** Tags of the registered model (MLflow's registered model tags), key → value. */
  tags: Record<string, string>;
}

/** One state transition of a flow run or task run. */
export interface StateTransition {
  /** The state entered. */
  type: StateType;
  /** A display name (e.g. `Retrying`, `AwaitingRetry`), when it differs from the type. */
  name?: string;
  /** When it was entered, epoch ms. */
  timestamp: number;
  /** A message, e.g. the error of a failure. */
  message?: string;
}

/** The orchestration record of a flow run, stored on the tracking run of the same id. */
export interface FlowRunRecord {
  /** The flow's registered name. */
  flowName: string;
  /** The current state. */
  state: StateType;
  /** Every state entered, oldest first. */
  stateHistory: StateTransition[];
  /** The flow's parameters as called (JSON-serializable). */
  parameters: Record<string, unknown>;
}

/** The record of one task run under a flow run. */
export interface TaskRunRecord {
  /** The task run id (unique within the flow run). */
  taskRunId: string;
  /** The task's registered name. */
  taskName: string;
  /** What this run is called: the task's `taskRunName` for its arguments (e.g. `searchFamily[svm]`), else the task name. */
  taskRunName: string;
  /** The current state. */
  state: StateType;
  /** Every state entered, oldest first. */
  stateHistory: StateTransition[];
  /** When it started running, epoch ms, or `null`. */
  startTime: number | null;
  /** When it ended, epoch ms, or `null`. */
  endTime: number | null;
  /** Running time in ms, or `null` while not ended. */
  durationMs: number | null;
  /** How many attempts ran (1 without retries). */
  attempts: number;
  /** The cache key, or `null` when the task does not cache. */
  cacheKey: string | null;
  /** Whether the result came from the cache. */
  cacheHit: boolean;
  /** The error message of a failure, or `null`. */
  error: string | null;
}

/** The level of a run log line. */
export type RunLogLevel = 'debug' | 'info' | 'warn' | 'error';

/** One line of a run's log. */
export interface LogLine {
  /** When it was written, epoch ms. */
  timestamp: number;
  /** Its level. */
  level: RunLogLevel;
  /** The message. */
  message: string;
  /** The task run that wrote it, when any. */
  taskRunId?: string;
}

/** Options of {@link Tracker.getLogs}. */
export interface GetLogsOptions {
  /** Only the lines of this task run. */
  taskRunId?: string;
  /** At most this many lines (the first ones). */
  limit?: number;
}
