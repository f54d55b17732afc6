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
