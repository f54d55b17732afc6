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
} from './errors.js';
export { ConsoleLogger, silentLogger, LOG_LEVELS } from './logger.js';
export type { Logger, LogLevel, ConsoleLoggerOptions } from './logger.js';
export {
  SerializerRegistry,
  defaultSerializers,
  registerSerializer,
} from './serialization/registry.js';
export type { Serializer, Constructor } from './serialization/registry.js';
import './serialization/matrix.js';

// The engine: flows, tasks, states, futures, runners, context, events.
export { flow } from './flow.js';
export { task } from './task.js';
export { Registry, defaultRegistry } from './registry.js';
export { asTask, asFlow } from './engine/callable.js';
export type { TaskCallable, FlowCallable, SubmitArgs, MapArgs } from './engine/callable.js';
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
export { State, STATE_NAMES } from './engine/state.js';
export type { StateType } from './engine/state.js';
export { TaskFuture, wait, unmapped, Unmapped } from './engine/future.js';
export type { RunStates } from './engine/future.js';
export { InProcessTaskRunner } from './engine/runner.js';
export type { TaskRunner, TaskJob, InProcessTaskRunnerOptions } from './engine/runner.js';
export { exponentialBackoff } from './engine/retry.js';
export type { RetryDelay } from './engine/retry.js';
export { getRunContext, getRunLogger } from './engine/context.js';
export type { RunContext } from './engine/context.js';
export { EventBus, engineEvents } from './engine/events.js';
export type {
  EngineEvent,
  EngineEvents,
  EngineListener,
  RunInfo,
  RunKind,
} from './engine/events.js';
export { parameterNames } from './engine/param-names.js';
export type { ParamsSchema, ArgsValidator } from './engine/validation.js';
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
  activeProfileName,
  tideflowHome,
  parseSetting,
} from './config/settings.js';
export type { FileSettings, SettingKey, SettingSource, ProfilesFile } from './config/settings.js';
