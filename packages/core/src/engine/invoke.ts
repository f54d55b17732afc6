import { runStorage, type ActiveRun } from './context.js';
import type { AnyFunction } from './definition.js';

/** Calls `fn` inside `active`'s context, turning a synchronous throw into a rejection. */
export function invoke(
  active: ActiveRun,
  fn: AnyFunction,
  thisArg: unknown,
  args: readonly unknown[],
): Promise<unknown> {
  return runStorage.run(active, call, fn, thisArg, args);
}

function call(fn: AnyFunction, thisArg: unknown, args: readonly unknown[]): Promise<unknown> {
  try {
    return Promise.resolve(fn.apply(thisArg, args as unknown[]));
  } catch (error) {
    return Promise.reject(error);
  }
}
