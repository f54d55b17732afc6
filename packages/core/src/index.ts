/**
 * `@tideflow/core`: flows and tasks with states, retries, timeouts, futures, caching and
 * experiment tracking, in-process and without a server.
 *
 * @packageDocumentation
 */
export {
  TideflowError,
  InvalidOptionError,
  DecoratorTargetError,
  DuplicateNameError,
  TaskTimeoutError,
  FlowTimeoutError,
  FlowCancelledError,
  TaskCancelledError,
  ParameterValidationError,
  MissingContextError,
  SerializationError,
  CacheKeyError,
  NothingThrownError,
  TaskArgumentError,
  WorkerCrashedError,
  TaskRunNameError,
} from './errors.js';
export {
  UnsafeBindError,
  isLoopbackHost,
  assertSafeBind,
  bearerTokenMatches,
} from './net/bind-guard.js';
export { ConsoleLogger, LevelLogger, silentLogger, LOG_LEVELS } from './logger.js';
export type { Logger, LogLevel, ConsoleLoggerOptions } from './logger.js';
export {
  SerializerRegistry,
  defaultSerializers,
  registerSerializer,
} from './serialization/serializer-registry.js';
export type {
  Serializer,
  Constructor,
  LazySerializer,
} from './serialization/serializer-registry.js';
export { loadModel, parseModelUri } from './serialization/load-model.js';
export type { LoadModelOptions, ModelRef } from './serialization/load-model.js';
import './serialization/matrix.js';

// The engine: flows, tasks, states, futures, runners, context, events.
export { flow } from './flow.js';
export { task } from './task.js';
export { Registry, defaultRegistry } from './flow-registry.js';
export { asTask, asFlow } from './engine/callable.js';
export type {
  RunCallable,
  TaskCallable,
  FlowCallable,
  SubmitArgs,
  MapArgs,
} from './engine/callable.js';
export type { MethodDecoratorBoth } from './engine/decorate.js';
export { OPTIONS_METADATA_KEY } from './engine/decorate.js';
export type { Definition, AnyFunction } from './engine/definition.js';
export type {
  RunOptions,
  TaskOptions,
  FlowOptions,
  Hook,
  HookContext,
  NormalizedHooks,
} from './engine/options.js';
export type { TaskRunName } from './engine/task-run-name.js';
export { State, STATE_NAMES, STATE_TYPES, FINAL_STATE_TYPES } from './engine/state.js';
export type { StateType } from './engine/state.js';
export { TaskFuture, wait, unmapped, Unmapped } from './engine/future.js';
export type { RunStates } from './engine/future.js';
export { InProcessTaskRunner } from './engine/runner.js';
export type {
  TaskRunner,
  TaskJob,
  InProcessTaskRunnerOptions,
  AttemptCall,
  AttemptExecutor,
} from './engine/runner.js';
export { WorkerPoolTaskRunner } from './workers/worker-pool-runner.js';
export { runTaskBody } from './engine/task-body.js';
export type { WorkerPoolTaskRunnerOptions } from './workers/worker-pool-runner.js';
export { encodeCall, encodeError, decodeError, cloneable } from './workers/transfer.js';
export type { EncodedCall, EncodedError } from './workers/transfer.js';
export { exponentialBackoff } from './engine/retry.js';
export type { RetryDelay } from './engine/retry.js';
export { getRunContext, getRunLogger } from './engine/context.js';
export type { RunContext } from './engine/context.js';
export { EventBus, engineEvents } from './engine/events.js';
export type {
  EngineEvent,
  EngineEvents,
  EngineListener,
  EngineRunInfo,
  RunKind,
} from './engine/events.js';
export type { ParamsSchema, ArgsValidator } from './engine/args-validator.js';
export type {
  StandardSchemaV1,
  StandardSchemaV1Props,
  StandardSchemaV1Result,
  StandardSchemaV1Issue,
} from './engine/standard-schema.js';

// Configuration.
export { configure, resetConfiguration, getConfig } from './config/configure.js';
export type { TideflowConfig, ResolvedConfig } from './config/configure.js';
export {
  SETTINGS,
  resolveFileSettings,
  readProfiles,
  writeProfiles,
  activeProfileName,
  tideflowHome,
  parseSetting,
} from './config/settings.js';
export type {
  FileSettings,
  SettingKey,
  SettingSource,
  SettingSpec,
  ProfilesFile,
} from './config/settings.js';

// Experiment tracking: the Tracker (over any TrackerStore), the memory store, stores by URI, and
// the search syntax. Backends import `@tideflow/core/store`; conformance suites live in
// `@tideflow/core/testing`.
export {
  ParamOverwriteError,
  FilterSyntaxError,
  RunNotFoundError,
  RunAlreadyExistsError,
  ExperimentNotFoundError,
  ExperimentAlreadyExistsError,
  DeletedRunError,
  InvalidArtifactPathError,
  InvalidDatasetInputError,
  ArtifactNotFoundError,
  TrackingInputError,
  ModelAlreadyExistsError,
  ModelNotFoundError,
  ModelUriError,
  TrackingStoreError,
  TrackingStoreNotFoundError,
} from './tracking/errors.js';
export {
  RUN_STATUSES,
  TAG_RUN_NAME,
  TAG_PARENT_RUN_ID,
  TAG_SOURCE_NAME,
  TAG_GIT_COMMIT,
  TAG_USER,
  TAG_FLOW_NAME,
} from './tracking/tracker.js';
export type {
  RunStatus,
  LifecycleStage,
  RunViewType,
  Experiment,
  CreateExperimentOptions,
  CreateRunOptions,
  UpdateRunOptions,
  TrackingRunInfo,
  RunData,
  Run,
  MetricPoint,
  MetricInput,
  LogMetricOptions,
  ParamValue,
  LogBatchInput,
  SearchRunsOptions,
  SearchRunsResult,
  TableCell,
  MarkdownArtifact,
  TableArtifact,
  ImageArtifact,
  LinkArtifact,
  ProgressArtifact,
  TypedArtifactContent,
  ArtifactType,
  TypedArtifactInput,
  ArtifactInfo,
  TypedArtifact,
  SignatureField,
  ModelSignature,
  LogModelInput,
  LoggedModel,
  RegisterModelOptions,
  CreateRegisteredModelOptions,
  ModelVersion,
  ModelUpdate,
  RegisteredModel,
  StateTransition,
  FlowRunRecord,
  TaskRunRecord,
  RunLogLevel,
  LogLine,
  GetLogsOptions,
} from './tracking/tracker.js';
export {
  MAX_DATASET_NAME_LENGTH,
  MAX_DATASET_DIGEST_LENGTH,
  MAX_DATASET_SOURCE_LENGTH,
  MAX_DATASET_CONTEXT_LENGTH,
} from './tracking/datasets.js';
export type {
  DatasetColumn,
  DatasetInfo,
  DatasetInput,
  DatasetSpec,
  DatasetInputSpec,
} from './tracking/datasets.js';
export {
  changeStream,
  cursorReached,
  formatChangeCursor,
  parseChangeCursor,
} from './tracking/changes.js';
export type {
  ChangeCursor,
  ChangeStream,
  ChangePage,
  FlowRunChange,
  TaskRunChange,
  LogChange,
  MetricChange,
  TrackerChange,
  ReadChangesOptions,
} from './tracking/changes.js';
export { Tracker } from './tracking/tracker-bridge.js';
export { MemoryTracker } from './tracking/memory-tracker.js';
export type { MemoryTrackerOptions } from './tracking/memory-tracker.js';
export { openTracker, registerTrackerScheme } from './tracking/open.js';
export type { TrackerUriFactory, OpenTrackerOptions } from './tracking/open.js';
export { parseSearchFilter, parseOrderBy } from './tracking/filter.js';
export type {
  FilterEntity,
  FilterOperator,
  RunAttribute,
  DatasetField,
  FilterClause,
  OrderByClause,
} from './tracking/filter.js';

// Caching of task results.
export { TaskCache, normalizeCacheOptions } from './cache/task-cache.js';
export type {
  CacheOptions,
  CacheRequest,
  NormalizedCacheOptions,
  CacheRunResult,
  TaskCacheOptions,
} from './cache/task-cache.js';
export {
  inputs,
  taskSource,
  flowParameters,
  runId,
  none,
  cachePolicies,
  combinePolicies,
} from './cache/policies.js';
export type {
  CachePolicy,
  InputsPolicy,
  CacheKeyContext,
  CacheKeyBuilder,
} from './cache/policies.js';
export { codeHash, CodeHashError } from './cache/code-hash.js';
export type { CodeHashOptions, CodeHashPolicy } from './cache/code-hash.js';
export { hashValue, UnhashableValueError } from './cache/hash.js';
export { CacheStoreError, createMemoryCacheStore } from './cache/store.js';
export type { CacheStore } from './cache/store.js';
export { clearCache, cacheInfo } from './cache/admin.js';
export type { CacheInfo, CacheTaskInfo, ClearCacheOptions } from './cache/admin.js';

// Tracking inside flows: the `track` facade and the engine's recorder (`getConfig().tracking`).
export { track } from './tracking/track.js';
export type {
  TrackMetricOptions,
  TrackArtifactOptions,
  TrackModelOptions,
  TrackModelResult,
  TrackInputOptions,
} from './tracking/track.js';
export type {
  AliasChallenge,
  AliasDecision,
  AliasDecisionReason,
} from './tracking/alias-challenge.js';
export { TrackingRecorder, RUN_STATUS_OF_STATE } from './tracking/recorder.js';
