import { getConfig } from '../config/configure.js';
import {
  FlowCancelledError,
  FlowTimeoutError,
  MissingContextError,
  TaskCancelledError,
  TaskTimeoutError,
} from '../errors.js';
import type { NormalizedCacheOptions, TaskCache } from '../cache/task-cache.js';
import { runAttempts, runHooks } from './attempts.js';
import { runStorage, type ActiveRun } from './context.js';
import type { AnyFunction, Definition } from './definition.js';
import { FlowRun } from './flow-run.js';
import { TaskFuture } from './future.js';
import { acquireTagLimits } from './tag-limits.js';
import { ActiveRunImpl, NEVER_ABORTED, RunRecord } from './run-record.js';
import { InProcessTaskRunner, type TaskJob, type TaskRunner } from './runner.js';
import type { State } from './state.js';

/** Runs submitted tasks outside any flow run. */
const standaloneRunner: TaskRunner = new InProcessTaskRunner();

/** Calls `fn` inside `active`'s context, turning a synchronous throw into a rejection. */
function invoke(
  active: ActiveRun,
  fn: AnyFunction,
  thisArg: unknown,
  args: readonly unknown[],
): Promise<unknown> {
  return runStorage.run(active, () => {
    try {
      return Promise.resolve(fn.apply(thisArg, args as unknown[]));
    } catch (error) {
      return Promise.reject(error);
    }
  });
}

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
        attempt: () => taskAttempt(record, thisArg, callArgs, flow),
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
    run,
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

/** Runs a flow: a new flow run, a child run when called inside another flow. Resolves to the final state. */
async function executeFlow(
  def: Definition,
  thisArg: unknown,
  args: readonly unknown[],
  parent: ActiveRun | undefined,
  record: RunRecord,
): Promise<State> {
  const config = getConfig();
  const options = def.options;
  const parentFlow = parent?.flow;
  const flowRun = new FlowRun(
    record,
    options.taskRunner ??
      config.taskRunner ??
      new InProcessTaskRunner({
        maxConcurrency: options.maxConcurrency ?? config.settings.maxConcurrency,
      }),
  );
  const external = [options.signal, parentFlow?.signal].filter(
    (s): s is AbortSignal => s !== undefined,
  );
  const onExternalAbort = (): void => {
    const reason = external.find((s) => s.aborted)?.reason as unknown;
    flowRun.abort(
      reason instanceof FlowCancelledError ? reason : new FlowCancelledError(def.name, reason),
    );
  };
  for (const s of external) s.addEventListener('abort', onExternalAbort, { once: true });
  const logger = config.logger;
  try {
    await runAttempts({
      record,
      logger,
      signal: external.length ? AbortSignal.any(external) : NEVER_ABORTED,
      attempt: async () => {
        flowRun.newAttempt();
        if (external.some((s) => s.aborted)) onExternalAbort();
        const active = new ActiveRunImpl(record, flowRun.signal, flowRun, logger);
        const timeoutMs = options.timeoutMs;
        let timer: NodeJS.Timeout | undefined;
        const aborted = new Promise<never>((_, reject) => {
          const fail = (): void => reject(flowRun.signal.reason as Error);
          if (flowRun.signal.aborted) fail();
          else flowRun.signal.addEventListener('abort', fail, { once: true });
        });
        aborted.catch(() => {});
        if (timeoutMs)
          timer = setTimeout(
            () => flowRun.abort(new FlowTimeoutError(def.name, timeoutMs)),
            timeoutMs,
          );
        try {
          const value = await Promise.race([invoke(active, def.fn, thisArg, args), aborted]);
          const unobserved = await flowRun.settleFutures();
          if (unobserved !== undefined) throw unobserved as Error;
          return value;
        } catch (error) {
          await flowRun.settleFutures();
          throw error;
        } finally {
          if (timer) clearTimeout(timer);
        }
      },
      cancellation: (error) =>
        error instanceof FlowCancelledError
          ? error
          : external.some((s) => s.aborted)
            ? new FlowCancelledError(def.name, error)
            : undefined,
    });
  } catch {
    // The final state holds the error.
  } finally {
    for (const s of external) s.removeEventListener('abort', onExternalAbort);
  }
  // A top-level flow call resolves once its run is written, so that what ran can be read back.
  if (!parentFlow && config.tracking?.has(record.id)) await config.tracking.flush(record.id);
  return record.state;
}

/** Validates a flow's arguments (before any run exists) and creates its run in Pending state. */
async function startFlow(
  def: Definition,
  args: readonly unknown[],
  parent: ActiveRun | undefined,
): Promise<{ record: RunRecord; args: readonly unknown[] }> {
  const callArgs = def.validator ? await def.validator(def.name, args as unknown[]) : args;
  const record = new RunRecord(
    'flow',
    def,
    callArgs,
    parent?.flow?.id,
    parent?.taskRunId ?? parent?.flow?.id,
  );
  record.announce();
  record.enter('PENDING');
  return { record, args: callArgs };
}

/** Runs a flow and resolves to its final state. ParameterValidationError rejects before any run starts. */
export async function runFlow(
  def: Definition,
  thisArg: unknown,
  args: readonly unknown[],
): Promise<State> {
  const parent = runStorage.getStore();
  const started = await startFlow(def, args, parent);
  return executeFlow(def, thisArg, started.args, parent, started.record);
}

/** Calls a flow: resolves to its result, rejects with its error. */
export async function callFlow(
  def: Definition,
  thisArg: unknown,
  args: readonly unknown[],
): Promise<unknown> {
  return (await runFlow(def, thisArg, args)).result();
}

/** Starts a flow concurrently (a subflow inside a flow run) and returns its future. */
export function submitFlow(
  def: Definition,
  thisArg: unknown,
  args: readonly unknown[],
): TaskFuture<unknown> {
  const parent = runStorage.getStore();
  const record = new RunRecord(
    'flow',
    def,
    args,
    parent?.flow?.id,
    parent?.taskRunId ?? parent?.flow?.id,
  );
  const outcome = (async () => {
    record.announce();
    record.enter('PENDING');
    let callArgs = args;
    try {
      if (def.validator) callArgs = await def.validator(def.name, args as unknown[]);
    } catch (error) {
      record.enter('FAILED', { error, message: (error as Error).message });
      throw error;
    }
    return (await executeFlow(def, thisArg, callArgs, parent, record)).result();
  })();
  const future = new TaskFuture(record, outcome);
  parent?.flow?.futures.push(future);
  return future;
}
