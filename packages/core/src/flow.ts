import type { FlowCallable } from './engine/callable.js';
import type { AnyFunction } from './engine/definition.js';
import { flowOrTask, type MethodDecoratorBoth } from './engine/decorate.js';
import type { FlowOptions } from './engine/options.js';

/**
 * Makes a flow: `flow(fn, options)` or `@flow(options)` on a class method. Calling it starts a flow
 * run (a child run when called inside another flow); `.run(...)` resolves to the final state, and
 * `.submit(...)` runs it concurrently as a subflow.
 *
 * @example
 * ```ts
 * const pipeline = flow(async function pipeline(n: number) {
 *   const xs = await Promise.all(double.map([...Array(n).keys()]));
 *   return xs.reduce((a, b) => a + b, 0);
 * }, { maxConcurrency: 8 });
 * const state = await pipeline.run(10); // state.type === 'COMPLETED', state.result() === 90
 * ```
 */
export function flow<F extends AnyFunction>(
  fn: F,
  options?: FlowOptions<Awaited<ReturnType<F>>>,
): FlowCallable<Parameters<F>, ReturnType<F>>;
/** The decorator factory form: `@flow({ name: 'clustering' })`. */
export function flow(options?: FlowOptions): MethodDecoratorBoth;
/** The bare legacy decorator form: `@flow`. */
export function flow(
  target: object,
  propertyKey: string | symbol,
  descriptor: PropertyDescriptor,
): PropertyDescriptor;
/** The bare TC39 decorator form: `@flow`. */
export function flow<F extends AnyFunction>(value: F, context: ClassMethodDecoratorContext): F;
export function flow(...args: unknown[]): unknown {
  return flowOrTask('flow', args);
}
