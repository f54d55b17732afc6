import { TaskCache } from '../cache/task-cache.js';
import { createMemoryCacheStore, type CacheStore } from '../cache/store.js';
import { engineEvents } from '../engine/events.js';
import type { TaskRunner } from '../engine/runner.js';
import { ConsoleLogger, type Logger } from '../logger.js';
import { MemoryTracker } from '../tracking/memory-tracker.js';
import { openTracker } from '../tracking/open.js';
import { TrackingRecorder } from '../tracking/recorder.js';
import type { Tracker } from '../tracking/tracker-bridge.js';
import { WorkerPoolTaskRunner } from '../workers/worker-pool-runner.js';
import { resolveFileSettings, type FileSettings } from './settings.js';

/** Settings given in code; they win over the environment and profiles. */
export interface TideflowConfig extends Omit<Partial<FileSettings>, 'taskRunner'> {
  /** `false` makes every flow and task a plain function call (same as `disabled: true`). */
  enabled?: boolean;
  /** The logger for engine and run logs (pino works). Default: a {@link ConsoleLogger} on stderr. */
  logger?: Logger;
  /** Where cached task results go (any Keyv instance). Default: an in-memory store for this process. */
  cacheStore?: CacheStore;
  /**
   * Where flow runs are tracked: a {@link Tracker}, or `false` for no tracking. Default: the
   * `trackingUri` setting (`memory:` unless set; `sqlite:///path` opens a SqliteTracker).
   */
  tracker?: Tracker | false;
  /**
   * The recorder that the engine's records and `track.*` calls go through, given whole: for a
   * process that forwards some runs' calls elsewhere (a BullMQ worker passes a subclass of
   * {@link TrackingRecorder}). It is attached to the engine's events here. Default: a recorder over
   * `tracker`.
   */
  tracking?: TrackingRecorder;
  /**
   * The task runner of flows without their own `taskRunner` option and of `.submit` outside any
   * flow: a {@link TaskRunner}, or the `taskRunner` setting's form (`'in-process'`, `'workers:N'`).
   * Default: the setting (`TIDEFLOW_TASK_RUNNER`), whose default is an in-process concurrent runner
   * per flow run (with its `maxConcurrency`).
   */
  taskRunner?: TaskRunner | string;
}

/** The resolved configuration the engine reads on every call. */
export interface ResolvedConfig {
  /** Every file setting, resolved. */
  readonly settings: FileSettings;
  /** Whether the engine runs (false under `TIDEFLOW_DISABLED=1` or `configure({ enabled: false })`). */
  readonly enabled: boolean;
  /** The root logger. */
  readonly logger: Logger;
  /** The cache that cached tasks go through. */
  readonly taskCache: TaskCache;
  /** Records flow runs in the tracker (undefined when tracking is off). */
  readonly tracking?: TrackingRecorder;
  /** The configured default task runner, if any. */
  readonly taskRunner?: TaskRunner;
}

let explicit: TideflowConfig = {};
let resolved: ResolvedConfig | undefined;
/** The in-memory cache store of this process, kept across `configure` calls. */
let memoryStore: CacheStore | undefined;
/** The in-memory tracker of this process (the default), kept across `configure` calls. */
let memoryTracker: MemoryTracker | undefined;
/** The worker pool the `taskRunner` setting asked for, kept while the setting stays the same. */
let settingPool: WorkerPoolTaskRunner | undefined;

/** The runner the `taskRunner` setting names (undefined: a fresh in-process runner per flow run). */
function runnerOfSetting(setting: string): TaskRunner | undefined {
  if (setting === 'in-process') return undefined;
  const threads = setting === 'workers' ? undefined : Number(setting.slice('workers:'.length));
  if (!settingPool || (threads !== undefined && settingPool.threads !== threads)) {
    void settingPool?.close();
    settingPool = new WorkerPoolTaskRunner({ threads });
  }
  return settingPool;
}

/**
 * Sets configuration in code. Values merge into earlier `configure` calls and win over the
 * environment and the active profile.
 *
 * @example
 * ```ts
 * configure({ enabled: false });            // run everything as plain calls
 * configure({ logger: pino(), loggingLevel: 'debug' });
 * ```
 */
export function configure(config: TideflowConfig): void {
  const earlier = { ...explicit };
  // `enabled` and `disabled` are one setting: the one given last wins.
  if (config.enabled !== undefined) delete earlier.disabled;
  if (config.disabled !== undefined) delete earlier.enabled;
  explicit = { ...earlier, ...config };
  resolved?.tracking?.detach();
  resolved = undefined;
}

/** Drops everything set with {@link configure} and re-reads the environment on next use. */
export function resetConfiguration(): void {
  resolved?.tracking?.detach();
  explicit = {};
  resolved = undefined;
  memoryStore = undefined;
  memoryTracker = undefined;
}

/** The configuration in effect (resolved once, then cached until `configure` is called). */
export function getConfig(): ResolvedConfig {
  if (resolved) return resolved;
  const {
    enabled,
    logger: explicitLogger,
    cacheStore,
    tracker,
    tracking: explicitTracking,
    taskRunner,
    ...fileSettings
  } = explicit;
  if (enabled !== undefined) fileSettings.disabled = !enabled;
  const runner = typeof taskRunner === 'string' ? undefined : taskRunner;
  const settings: Partial<FileSettings> = fileSettings;
  if (typeof taskRunner === 'string') settings.taskRunner = taskRunner;
  const { values } = resolveFileSettings(settings);
  const logger = explicitLogger ?? new ConsoleLogger({ level: values.loggingLevel });
  const store = cacheStore ?? (memoryStore ??= createMemoryCacheStore());
  const taskCache = new TaskCache({ store, logger });
  let tracking: TrackingRecorder | undefined;
  if (explicitTracking && !values.disabled) {
    tracking = explicitTracking;
    tracking.attach(engineEvents);
  } else if (tracker !== false && !values.disabled) {
    const opened: Promise<Tracker> = tracker
      ? Promise.resolve(tracker)
      : values.trackingUri === 'memory:'
        ? Promise.resolve((memoryTracker ??= new MemoryTracker()))
        : openTracker(values.trackingUri);
    tracking = new TrackingRecorder(opened, logger);
    tracking.attach(engineEvents);
  }
  resolved = {
    settings: values,
    enabled: !values.disabled,
    logger,
    taskCache,
    tracking,
    taskRunner: runner ?? runnerOfSetting(values.taskRunner),
  };
  return resolved;
}
