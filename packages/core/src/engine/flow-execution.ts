import { getConfig } from '../config/configure.js';
import { FlowCancelledError, FlowTimeoutError } from '../errors.js';
import { runAttempts } from './attempts.js';
import { runStorage, type ActiveRun } from './context.js';
import type { Definition } from './definition.js';
import { FlowRun } from './flow-run.js';
import { TaskFuture } from './future.js';
import { invoke } from './invoke.js';
import { ActiveRunImpl, NEVER_ABORTED, RunRecord } from './run-record.js';
import { InProcessTaskRunner } from './runner.js';
import type { State } from './state.js';

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
        // With a durable store the run and its Running flow-run record exist before the body runs.
        const written = config.tracking?.persist(record.id);
        if (written) await written;
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
  record.create();
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
    record.create();
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
