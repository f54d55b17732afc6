import type { NormalizedCacheOptions, TaskCache } from '../cache/task-cache.js';
import { getConfig } from '../config/configure.js';
import { MissingContextError, TaskCancelledError, TaskTimeoutError } from '../errors.js';
import { runAttempts, runHooks } from './attempts.js';
import { runStorage, type ActiveRun } from './context.js';
import type { Definition } from './definition.js';
import type { FlowRun } from './flow-run.js';
import { TaskFuture } from './future.js';
import { invoke } from './invoke.js';
import { ActiveRunImpl, NEVER_ABORTED, RunRecord } from './run-record.js';
import { InProcessTaskRunner, type TaskJob, type TaskRunner } from './runner.js';
import { acquireTagLimits } from './tag-limits.js';

/** Runs submitted tasks outside any flow run. */
const standaloneRunner: TaskRunner = new InProcessTaskRunner();

/** Creates a task run in Pending state. */
function createTaskRecord(
  def: Definition,
  args: readonly unknown[],
  parent: ActiveRun | undefined,
): RunRecord {
  const record = new RunRecord('task', def, args, parent?.flow?.id, parent?.taskRunId);
  record.announce();
  record.enter('PENDING');
  return record;
}

/** One attempt of a task: the body under its timeout and its flow's cancellation. */
function taskAttempt(
  record: RunRecord,
  thisArg: unknown,
  args: readonly unknown[],
  flow: FlowRun | undefined,
): Promise<unknown> {
  const def = record.def;
  const logger = getConfig().logger;
  const timeoutMs = def.options.timeoutMs;
  if (!timeoutMs && !flow)
    return invoke(
      new ActiveRunImpl(record, NEVER_ABORTED, undefined, logger),
      def.fn,
      thisArg,
      args,
    );
  const controller = timeoutMs ? new AbortController() : undefined;
  const signal = controller?.signal ?? flow!.signal;
  return new Promise((resolve, reject) => {
    let timer: NodeJS.Timeout | undefined;
    const cleanup = (): void => {
      if (timer) clearTimeout(timer);
      flow?.cancellers.delete(cancel);
    };
    const cancel = (reason: unknown): void => {
      cleanup();
      controller?.abort(reason);
      reject(new TaskCancelledError(def.name, reason));
    };
    if (flow) flow.cancellers.add(cancel);
    if (timeoutMs) {
      timer = setTimeout(() => {
        const error = new TaskTimeoutError(def.name, timeoutMs);
        cleanup();
        controller!.abort(error);
        reject(error);
      }, timeoutMs);
    }
    invoke(new ActiveRunImpl(record, signal, flow, logger), def.fn, thisArg, args).then(
      (value) => {
        cleanup();
        resolve(value);
      },
      (error: unknown) => {
        cleanup();
        reject(error);
      },
    );
  });
}

/** Runs a Pending task run to its final state and returns its result (or throws its error). */
async function executeTask(
  record: RunRecord,
  thisArg: unknown,
  args: readonly unknown[],
  flow: FlowRun | undefined,
): Promise<unknown> {
  const def = record.def;
  const cancelled = (error: unknown): Error | undefined =>
    error instanceof TaskCancelledError
      ? error
      : flow?.signal.aborted
        ? new TaskCancelledError(def.name, flow.signal.reason)
        : undefined;
  if (flow?.signal.aborted) {
    const error = cancelled(undefined)!;
    record.enter('CANCELLED', { error, message: error.message });
    throw error;
  }
  let callArgs = args;
  if (def.validator) {
    try {
      callArgs = await def.validator(def.name, args as unknown[]);
    } catch (error) {
      record.enter('FAILED', { error, message: (error as Error).message });
      throw error;
    }
  }
  const config = getConfig();
  const run = async (): Promise<unknown> => {
    const release = def.tags.length
      ? await acquireTagLimits(def.tags, config.settings.concurrencyLimits)
      : undefined;
    try {
      return await runAttempts({
        record,
        logger: config.logger,
        signal: flow?.signal ?? NEVER_ABORTED,
        attempt: () => {
          // With a durable store the Running record is written before the body runs (kill -9).
          const written = config.tracking?.persist(flow?.id);
          return written
            ? written.then(() => taskAttempt(record, thisArg, callArgs, flow))
            : taskAttempt(record, thisArg, callArgs, flow);
        },
        cancellation: cancelled,
      });
    } finally {
      release?.();
    }
  };
  if (!def.cache) return run();
  return runCached(
    record,
    def.cache,
    callArgs,
    flow,
    config.taskCache,
    config.settings.refreshCache,
    async () => {
      const value = await run();
      // A result that reaches the cache has its task-run record in a durable store first.
      const written = config.tracking?.persist(flow?.id);
      if (written) await written;
      return value;
    },
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
      flowParameters: flow?.record.info.parameters,
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
    private readonly thisArg: unknown,
    readonly args: readonly unknown[],
    private readonly flow: FlowRun | undefined,
  ) {}

  get taskRunId(): string {
    return this.record.id;
  }
  get taskName(): string {
    return this.record.def.name;
  }
  get tags(): readonly string[] {
    return this.record.def.tags;
  }
  execute(): Promise<unknown> {
    return executeTask(this.record, this.thisArg, this.args, this.flow);
  }
}

/** Calls a task now (awaited call): inside a flow run it is a task run of that flow. */
export function callTask(
  def: Definition,
  thisArg: unknown,
  args: readonly unknown[],
): Promise<unknown> {
  const parent = runStorage.getStore();
  return executeTask(createTaskRecord(def, args, parent), thisArg, args, parent?.flow);
}

async function resolveFutures(args: readonly unknown[]): Promise<unknown[]> {
  return Promise.all(
    args.map((a) => (a instanceof TaskFuture ? (a.result() as Promise<unknown>) : a)),
  );
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
  const outcome = args.some((a) => a instanceof TaskFuture)
    ? resolveFutures(args).then(
        (resolved) => runner.submit(new SubmittedTask(record, thisArg, resolved, flow)),
        (error: unknown) => {
          record.enter('FAILED', {
            error,
            message: `An upstream future failed: ${(error as Error).message}`,
          });
          throw error;
        },
      )
    : runner.submit(new SubmittedTask(record, thisArg, args, flow));
  const future = new TaskFuture(record, outcome);
  flow?.futures.push(future);
  return future;
}
