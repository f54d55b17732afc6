import { TaskCancelledError, TaskTimeoutError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { FlowRun } from './flow-run.js';
import { invoke } from './invoke.js';
import { ActiveRunImpl, NEVER_ABORTED, type RunRecord } from './run-record.js';
import type { AttemptExecutor } from './runner.js';

/**
 * One attempt of a task whose body may have to be abandoned: inside a flow run (the flow can be
 * cancelled) or under a timeout. It settles with the body, or rejects first when the flow aborts
 * or the timeout fires (the body gets the abort on its signal). One object per attempt, so that
 * the hot path allocates no closures beyond the promise's own.
 */
class GuardedAttempt {
  readonly promise: Promise<unknown>;
  private resolve!: (value: unknown) => void;
  private reject!: (reason: unknown) => void;
  private readonly controller?: AbortController;
  private timer?: NodeJS.Timeout;
  /** The attempt's slot in its flow run's cancellers (-1 outside flows or once settled). */
  private slot: number;

  constructor(
    private readonly record: RunRecord,
    private readonly flow: FlowRun | undefined,
    timeoutMs: number | undefined,
  ) {
    this.promise = new Promise((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
    this.slot = flow ? flow.cancellers.add(this) : -1;
    if (timeoutMs) {
      this.controller = new AbortController();
      this.timer = setTimeout(timeOut, timeoutMs, this, timeoutMs);
    }
  }

  /** The signal the body sees: the timeout's, else the flow's. */
  get signal(): AbortSignal {
    return this.controller?.signal ?? this.flow?.signal ?? NEVER_ABORTED;
  }

  /** Rejects at once with TaskCancelledError (the flow run aborted). */
  cancel(reason: unknown): void {
    this.dispose();
    this.controller?.abort(reason);
    this.reject(new TaskCancelledError(this.record.def.name, reason));
  }

  /** Settles with the body's outcome (a no-op once cancelled or timed out). */
  settle(body: Promise<unknown>): void {
    body.then(this.fulfilled, this.rejected);
  }

  private readonly fulfilled = (value: unknown): void => {
    this.dispose();
    this.resolve(value);
  };

  private readonly rejected = (error: unknown): void => {
    this.dispose();
    this.reject(error);
  };

  /** Rejects with TaskTimeoutError and aborts the body's signal. */
  timedOut(timeoutMs: number): void {
    const error = new TaskTimeoutError(this.record.def.name, timeoutMs);
    this.dispose();
    this.controller!.abort(error);
    this.reject(error);
  }

  private dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    if (this.slot >= 0) this.flow!.cancellers.delete(this.slot);
    this.slot = -1;
  }
}

function timeOut(attempt: GuardedAttempt, timeoutMs: number): void {
  attempt.timedOut(timeoutMs);
}

/** Runs the body here, or hands it to `executor` (which stops it when the attempt's signal aborts). */
function runBody(
  active: ActiveRunImpl,
  record: RunRecord,
  thisArg: unknown,
  args: readonly unknown[],
  executor: AttemptExecutor | undefined,
): Promise<unknown> {
  if (!executor) return invoke(active, record.def.fn, thisArg, args);
  try {
    return executor.run({ def: record.def, thisArg, args, context: active });
  } catch (error) {
    return Promise.reject(error);
  }
}

/**
 * One attempt of a task: the body (here, or through `executor`) under its timeout and its flow's
 * cancellation.
 */
export function taskAttempt(
  record: RunRecord,
  thisArg: unknown,
  args: readonly unknown[],
  flow: FlowRun | undefined,
  logger: Logger,
  executor?: AttemptExecutor,
): Promise<unknown> {
  const timeoutMs = record.def.options.timeoutMs;
  if (!timeoutMs && !flow)
    return runBody(
      new ActiveRunImpl(record, NEVER_ABORTED, undefined, logger),
      record,
      thisArg,
      args,
      executor,
    );
  const guard = new GuardedAttempt(record, flow, timeoutMs);
  guard.settle(
    runBody(new ActiveRunImpl(record, guard.signal, flow, logger), record, thisArg, args, executor),
  );
  return guard.promise;
}
