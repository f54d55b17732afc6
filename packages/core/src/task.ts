import type { TaskCallable } from './engine/callable.js';
import type { AnyFunction } from './engine/definition.js';
import { flowOrTask, type MethodDecoratorBoth } from './engine/decorate.js';
import type { TaskOptions } from './engine/options.js';

/**
 * Makes a task: call `task(fn, options)` to wrap a function, or use `@task(options)` (or bare `@task`)
 * on a class method, under `experimentalDecorators` or TC39 decorators alike. Inside a flow, each call
 * is a task run with states, retries, timeout and cache; outside, a plain call with retries/timeout.
 *
 * @example
 * ```ts
 * const double = task(async function double(x: number) { return 2 * x; }, { retries: 2 });
 * class Pipeline {
 *   @task({ timeoutMs: 60_000 })
 *   async train(data: Dataset) { ... }
 * }
 * ```
 */
export function task<F extends AnyFunction>(
  fn: F,
  options?: TaskOptions<Awaited<ReturnType<F>>>,
): TaskCallable<Parameters<F>, ReturnType<F>>;
/** The decorator factory form: `@task({ retries: 2 })`. */
export function task(options?: TaskOptions): MethodDecoratorBoth;
/** The bare legacy decorator form: `@task`. */
export function task(
  target: object,
  propertyKey: string | symbol,
  descriptor: PropertyDescriptor,
): PropertyDescriptor;
/** The bare TC39 decorator form: `@task`. */
export function task<F extends AnyFunction>(value: F, context: ClassMethodDecoratorContext): F;
export function task(...args: unknown[]): unknown {
  return flowOrTask('task', args);
}
