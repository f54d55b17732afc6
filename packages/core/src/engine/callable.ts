import { getConfig } from '../config/configure.js';
import { DecoratorTargetError, ParameterValidationError } from '../errors.js';
import { withOptions, type AnyFunction, type Definition } from './definition.js';
import { callFlow, runFlow, submitFlow } from './flow-execution.js';
import { callTask, submitTask } from './task-execution.js';
import { TaskFuture, Unmapped, type RunStates } from './future.js';
import type { FlowOptions, TaskOptions } from './options.js';
import { State } from './state.js';

/** An argument of `.submit`: a value or a future of one (resolved before the task runs). */
export type SubmitArgs<A extends unknown[]> = { [K in keyof A]: A[K] | TaskFuture<A[K]> };

/** An argument of `.map`: an iterable of values (one call per item), or `unmapped(value)` for all calls. */
export type MapArgs<A extends unknown[]> = { [K in keyof A]: Iterable<A[K]> | Unmapped<A[K]> };

/** What task and flow callables share: call it, submit it, map it, reach the function. */
export interface RunCallable<A extends unknown[] = unknown[], R = unknown> {
  /** Runs it (a task run inside a flow; a flow run) and resolves to its result. */
  (...args: A): Promise<Awaited<R>>;
  /** Submits it to the flow run's task runner (a flow: starts it concurrently); returns its future at once. */
  submit(...args: SubmitArgs<A>): TaskFuture<Awaited<R>>;
  /** Submits one run per item of the iterables (zipped; `unmapped(x)` passes `x` whole). */
  map(...iterables: MapArgs<A>): TaskFuture<Awaited<R>>[];
  /** The undecorated function (bound to the instance for methods). */
  readonly fn: (...args: A) => R;
  /** The engine's definition: name, options, parameter names. */
  readonly definition: Definition;
}

/** A task as a callable: call it to run it, or `.submit`/`.map` it for futures. */
export interface TaskCallable<A extends unknown[] = unknown[], R = unknown> extends RunCallable<
  A,
  R
> {
  /** A copy with other options (same registered name). */
  with(options: TaskOptions<Awaited<R>>): TaskCallable<A, R>;
}

/** A flow as a callable: like a task, plus `.run` for the final state. */
export interface FlowCallable<A extends unknown[] = unknown[], R = unknown> extends RunCallable<
  A,
  R
> {
  /** Runs the flow and resolves to its final state (never rejects for a failed run; `.result()` throws). */
  run(...args: A): Promise<State<Awaited<R>>>;
  /** A copy with other options (same registered name), e.g. `.with({ signal })` to make it cancellable. */
  with(options: FlowOptions<Awaited<R>>): FlowCallable<A, R>;
}

/** A future for a plain call (no-engine mode): same interface, no engine states beyond the outcome. */
function plainFuture(
  def: Definition,
  thisArg: unknown,
  args: readonly unknown[],
): TaskFuture<unknown> {
  const run: RunStates = { id: '', name: def.name, history: [new State('RUNNING')] };
  const outcome = (async () => {
    const resolved = await Promise.all(
      args.map((a) => (a instanceof TaskFuture ? (a.result() as Promise<unknown>) : a)),
    );
    return (await def.fn.apply(thisArg, resolved)) as unknown;
  })();
  outcome.then(
    (data) => run.history.push(new State('COMPLETED', Date.now(), data)),
    (error: unknown) => run.history.push(new State('FAILED', Date.now(), undefined, error)),
  );
  return new TaskFuture(run, outcome);
}

/** Zips `.map` arguments into one argument list per call. */
function zipMapArgs(def: Definition, iterables: readonly unknown[]): unknown[][] {
  const columns = iterables.map((it, i) => {
    if (it instanceof Unmapped) return it;
    if (it === null || typeof (it as Iterable<unknown>)[Symbol.iterator] !== 'function') {
      throw new ParameterValidationError(
        def.name,
        def.paramNames[i] ?? `arg${i}`,
        '.map needs an iterable (or unmapped(value))',
      );
    }
    return Array.from(it as Iterable<unknown>);
  });
  const lengths = columns.filter((c): c is unknown[] => Array.isArray(c)).map((c) => c.length);
  if (lengths.length === 0) return [];
  if (lengths.some((n) => n !== lengths[0])) {
    throw new ParameterValidationError(
      def.name,
      '(map)',
      `.map iterables have different lengths: ${lengths.join(', ')}`,
    );
  }
  return Array.from({ length: lengths[0] }, (_, k) =>
    columns.map((c): unknown => (c instanceof Unmapped ? c.value : c[k])),
  );
}

/**
 * Makes the callable of a definition. `bound` holds the instance for decorated methods; a function
 * form uses the `this` it is called with.
 */
export function makeCallable(
  def: Definition,
  bound?: { readonly value: unknown },
): TaskCallable & FlowCallable {
  const isTask = def.kind === 'task';
  const callable = function (this: unknown, ...args: unknown[]): unknown {
    const self = bound ? bound.value : this;
    if (!getConfig().enabled) return def.fn.apply(self, args);
    return isTask ? callTask(def, self, args) : callFlow(def, self, args);
  } as unknown as TaskCallable & FlowCallable;
  const thisArg = bound?.value;
  const submit = (...args: unknown[]): TaskFuture<unknown> => {
    if (!getConfig().enabled) return plainFuture(def, thisArg, args);
    return isTask ? submitTask(def, thisArg, args) : submitFlow(def, thisArg, args);
  };
  Object.defineProperties(callable, {
    name: { value: def.fn.name || def.name },
    definition: { value: def },
    fn: { value: bound ? def.fn.bind(bound.value) : def.fn },
    submit: { value: submit },
    map: {
      value: (...iterables: unknown[]) => zipMapArgs(def, iterables).map((args) => submit(...args)),
    },
    with: {
      value: (options: FlowOptions & TaskOptions) => makeCallable(withOptions(def, options), bound),
    },
  });
  if (!isTask) {
    Object.defineProperty(callable, 'run', {
      value: async (...args: unknown[]): Promise<State> => {
        if (getConfig().enabled) return runFlow(def, thisArg, args);
        try {
          return new State('COMPLETED', Date.now(), await def.fn.apply(thisArg, args));
        } catch (error) {
          return new State('FAILED', Date.now(), undefined, error);
        }
      },
    });
  }
  return callable;
}

/** `method` typed as a task callable; throws DecoratorTargetError when it is not a tideflow task. */
export function asTask<F extends AnyFunction>(
  method: F,
): TaskCallable<Parameters<F>, ReturnType<F>> {
  const def = (method as { definition?: Definition }).definition;
  if (!def || def.kind !== 'task') {
    throw new DecoratorTargetError(
      `"${method.name}" is not a tideflow task: decorate it with @task or wrap it with task().`,
    );
  }
  return method as unknown as TaskCallable<Parameters<F>, ReturnType<F>>;
}

/** `method` typed as a flow callable; throws DecoratorTargetError when it is not a tideflow flow. */
export function asFlow<F extends AnyFunction>(
  method: F,
): FlowCallable<Parameters<F>, ReturnType<F>> {
  const def = (method as { definition?: Definition }).definition;
  if (!def || def.kind !== 'flow') {
    throw new DecoratorTargetError(
      `"${method.name}" is not a tideflow flow: decorate it with @flow or wrap it with flow().`,
    );
  }
  return method as unknown as FlowCallable<Parameters<F>, ReturnType<F>>;
}
