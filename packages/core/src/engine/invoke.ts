import { runStorage, type ActiveRun } from './context.js';
import type { AnyFunction } from './definition.js';

/** Bodies called by {@link invoke} whose promise has not settled yet. */
let inFlight = 0;

/**
 * Calls `fn` inside `active`'s context, turning a synchronous throw into a rejection.
 *
 * The context lives as long as some body is in flight: when the last one settles, the run storage
 * is disabled until the next body starts. On Node 20 an enabled `AsyncLocalStorage` runs a hook
 * for every promise the process makes; a `tideflow worker` running short bodies between BullMQ's
 * own promises would otherwise pay it on all of them (about 40 µs a job). A callback that a body
 * left behind and that runs after every body settled sees no run context, as outside any run.
 */
export function invoke(
  active: ActiveRun,
  fn: AnyFunction,
  thisArg: unknown,
  args: readonly unknown[],
): Promise<unknown> {
  inFlight++;
  let value: unknown;
  try {
    value = runStorage.run(active, call, fn, thisArg, args);
  } catch (error) {
    leave();
    return Promise.reject(error);
  }
  if (value instanceof Promise) return value.finally(leave);
  leave();
  return Promise.resolve(value);
}

/** Calls `fn`; what it returns that is thenable is adopted here, inside the run's context. */
function call(fn: AnyFunction, thisArg: unknown, args: readonly unknown[]): unknown {
  const value: unknown = fn.apply(thisArg, args as unknown[]);
  return isThenable(value) ? Promise.resolve(value) : value;
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    (typeof value === 'object' || typeof value === 'function') &&
    value !== null &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}

function leave(): void {
  if (--inFlight === 0) runStorage.disable();
}
