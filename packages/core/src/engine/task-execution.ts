import type { NormalizedCacheOptions, TaskCache } from '../cache/task-cache.js';
import { getConfig, type ResolvedConfig } from '../config/configure.js';
import { MissingContextError, TaskCancelledError } from '../errors.js';
import type { Logger } from '../logger.js';
import { runAttempts, runHooks, type AttemptDriver } from './attempts.js';
import { runStorage, type ActiveRun } from './context.js';
import type { Definition } from './definition.js';
import type { FlowRun } from './flow-run.js';
import { TaskFuture } from './future.js';
import { NEVER_ABORTED, RunRecord, namedParameters } from './run-record.js';
import {
  InProcessTaskRunner,
  type AttemptExecutor,
  type TaskJob,
  type TaskRunner,
} from './runner.js';
import { taskAttempt } from './task-attempt.js';
import { acquireTagLimits } from './tag-limits.js';

/** Runs submitted tasks outside any flow run. */
const standaloneRunner: TaskRunner = new InProcessTaskRunner();

/**
 * Creates a task run in Pending state, named by the task's `taskRunName`; when that cannot name
 * it, the run is Failed at once with the `TaskRunNameError` (see {@link nameFailure}).
 */
function createTaskRecord(
  def: Definition,
  args: readonly unknown[],
  parent: ActiveRun | undefined,
): RunRecord {
  const record = new RunRecord('task', def, args, parent?.flow?.id, parent?.taskRunId);
  let nameError: unknown;
  if (def.runNamer) {
    try {
      record.runName = def.runNamer(namedParameters(def.paramNames, args));
    } catch (error) {
      nameError = error;
    }
  }
  record.create();
  if (nameError !== undefined)
    record.enter('FAILED', { error: nameError, message: (nameError as Error).message });
  return record;
}

/** The `TaskRunNameError` of a task run that ended Failed as it was created, if it did. */
function nameFailure(record: RunRecord): Error | undefined {
  return record.history.length > 1 ? (record.state.error as Error) : undefined;
}

/** The cancellation error a task ends with when `error` means its flow run was cancelled, else undefined. */
function cancellationOf(
  def: Definition,
  flow: FlowRun | undefined,
  error: unknown,
): Error | undefined {
  if (error instanceof TaskCancelledError) return error;
  return flow?.signal.aborted ? new TaskCancelledError(def.name, flow.signal.reason) : undefined;
}

/** Drives the attempts of one task run (one object, no closures per run on the hot path). */
class TaskAttempts implements AttemptDriver {
  readonly logger: Logger;
  readonly signal: AbortSignal;

  constructor(
    readonly record: RunRecord,
    private readonly thisArg: unknown,
    private readonly args: readonly unknown[],
    private readonly flow: FlowRun | undefined,
    private readonly config: ResolvedConfig,
    private readonly executor: AttemptExecutor | undefined,
  ) {
    this.logger = config.logger;
    this.signal = flow?.signal ?? NEVER_ABORTED;
  }

  attempt(): Promise<unknown> {
    // With a durable store the Running record is written before the body runs (kill -9).
    const written = this.config.tracking?.persist(this.flow?.id);
    return written ? written.then(() => this.body()) : this.body();
  }

  cancellation(error: unknown): Error | undefined {
    return cancellationOf(this.record.def, this.flow, error);
  }

  /** Runs the attempts (under the task's tag concurrency limits, when it has tags). */
  run(): Promise<unknown> {
    return this.record.def.tags.length ? this.runLimited() : runAttempts(this);
  }

  /** Runs the attempts, then waits for the task-run record to reach a durable store. */
  async runDurably(): Promise<unknown> {
    const value = await this.run();
    // A result that reaches the cache has its task-run record in a durable store first.
    const written = this.config.tracking?.persist(this.flow?.id);
    if (written) await written;
    return value;
  }

  private body(): Promise<unknown> {
    return taskAttempt(this.record, this.thisArg, this.args, this.flow, this.logger, this.executor);
  }

  private async runLimited(): Promise<unknown> {
    const def = this.record.def;
    const release = await acquireTagLimits(def.tags, this.config.settings.concurrencyLimits);
    try {
      return await runAttempts(this);
    } finally {
      release?.();
    }
  }
}

/**
 * Runs a Pending task run to its final state and returns its result (or rejects with its error).
 * A plain function, not an async one: an uncached call without validation takes no extra async hop.
 */
function executeTask(
  record: RunRecord,
  thisArg: unknown,
  args: readonly unknown[],
  flow: FlowRun | undefined,
  executor?: AttemptExecutor,
): Promise<unknown> {
  if (flow?.signal.aborted) {
    const error = cancellationOf(record.def, flow, undefined)!;
    record.enter('CANCELLED', { error, message: error.message });
    return Promise.reject(error);
  }
  return record.def.validator
    ? validateThenRun(record, thisArg, args, flow, executor)
    : runValidated(record, thisArg, args, flow, executor);
}

/** Checks a task's arguments (a failure ends the run Failed), then runs it. */
async function validateThenRun(
  record: RunRecord,
  thisArg: unknown,
  args: readonly unknown[],
  flow: FlowRun | undefined,
  executor: AttemptExecutor | undefined,
): Promise<unknown> {
  const def = record.def;
  let callArgs: readonly unknown[];
  try {
    callArgs = await def.validator!(def.name, args as unknown[]);
  } catch (error) {
    record.enter('FAILED', { error, message: (error as Error).message });
    throw error;
  }
  return runValidated(record, thisArg, callArgs, flow, executor);
}

/** Runs a task whose arguments are checked: through the cache when it is cached. */
function runValidated(
  record: RunRecord,
  thisArg: unknown,
  args: readonly unknown[],
  flow: FlowRun | undefined,
  executor: AttemptExecutor | undefined,
): Promise<unknown> {
  const config = getConfig();
  const attempts = new TaskAttempts(record, thisArg, args, flow, config, executor);
  const cache = record.def.cache;
  if (!cache) return attempts.run();
  return runCached(record, cache, args, flow, config.taskCache, config.settings.refreshCache, () =>
    attempts.runDurably(),
  );
}

/** Runs a task through the cache: a hit ends it Cached (the body does not run), a miss runs and stores. */
async function runCached(
  record: RunRecord,
  options: NormalizedCacheOptions,
  args: readonly unknown[],
  flow: FlowRun | undefined,
  cache: TaskCache,
  refreshAll: boolean,
  run: () => Promise<unknown>,
): Promise<unknown> {
  const def = record.def;
  let key: string | undefined;
  try {
    key = cache.computeKey(options, {
      taskName: def.name,
      fn: def.fn,
      args,
      paramNames: def.paramNames,
      flowRunId: flow?.id,
      flowParameters: flow?.record.parameters,
    });
  } catch (error) {
    record.enter('FAILED', { error, message: (error as Error).message });
    throw error;
  }
  if (key === undefined) return run();
  record.cacheKey = key;
  const { value, hit } = await cache.run(options, key, run, options.refresh || refreshAll);
  if (hit) {
    record.enter('CACHED', { data: value, message: key });
    const hooks = def.hooks.onCompletion;
    if (hooks.length) await runHooks(hooks, record, getConfig().logger);
  }
  return value;
}

/** A submitted task run as a runner sees it (a class, not closures: 100k of them may wait in a queue). */
class SubmittedTask implements TaskJob<unknown> {
  constructor(
    private readonly record: RunRecord,
    readonly thisArg: unknown,
    readonly args: readonly unknown[],
    private readonly flow: FlowRun | undefined,
  ) {}

  get def(): Definition {
    return this.record.def;
  }
  get taskRunId(): string {
    return this.record.id;
  }
  get taskName(): string {
    return this.record.def.name;
  }
  get tags(): readonly string[] {
    return this.record.def.tags;
  }
  execute(executor?: AttemptExecutor): Promise<unknown> {
    return executeTask(this.record, this.thisArg, this.args, this.flow, executor);
  }
}

/** Calls a task now (awaited call): inside a flow run it is a task run of that flow. */
export function callTask(
  def: Definition,
  thisArg: unknown,
  args: readonly unknown[],
): Promise<unknown> {
  const parent = runStorage.getStore();
  const record = createTaskRecord(def, args, parent);
  const failed = def.runNamer ? nameFailure(record) : undefined;
  if (failed) return Promise.reject(failed);
  return executeTask(record, thisArg, args, parent?.flow);
}

async function resolveFutures(args: readonly unknown[]): Promise<unknown[]> {
  return Promise.all(
    args.map((a) => (a instanceof TaskFuture ? (a.result() as Promise<unknown>) : a)),
  );
}

/** Hands `job` to `runner`; a runner that refuses it (throws) ends the run Failed with that error. */
function submitJob(runner: TaskRunner, record: RunRecord, job: SubmittedTask): Promise<unknown> {
  try {
    return runner.submit(job);
  } catch (error) {
    record.enter('FAILED', { error, message: (error as Error).message });
    throw error;
  }
}

/** Submits a task to the flow run's task runner (or the standalone one outside flows). */
export function submitTask(
  def: Definition,
  thisArg: unknown,
  args: readonly unknown[],
): TaskFuture<unknown> {
  const parent = runStorage.getStore();
  const flow = parent?.flow;
  const runner = flow?.runner ?? getConfig().taskRunner ?? standaloneRunner;
  if (!flow && runner.requiresFlowRun) {
    throw new MissingContextError(
      `Task "${def.name}" was submitted outside a flow run, but runner "${runner.name}" needs one.`,
    );
  }
  const record = createTaskRecord(def, args, parent);
  const failed = def.runNamer ? nameFailure(record) : undefined;
  const outcome = failed
    ? Promise.reject(failed)
    : args.some((a) => a instanceof TaskFuture)
      ? resolveFutures(args).then(
          (resolved) =>
            submitJob(runner, record, new SubmittedTask(record, thisArg, resolved, flow)),
          (error: unknown) => {
            record.enter('FAILED', {
              error,
              message: `An upstream future failed: ${(error as Error).message}`,
            });
            throw error;
          },
        )
      : submitJob(runner, record, new SubmittedTask(record, thisArg, args, flow));
  const future = new TaskFuture(record, outcome);
  flow?.futures.push(future);
  return future;
}
