import type { ActiveRun, RunContext } from './context.js';
import type { Definition } from './definition.js';
import { invoke } from './invoke.js';

/**
 * Calls a task's body for one attempt that the engine of another process drives (a BullMQ
 * worker runs it there): inside `context`, so that `getRunContext()`, `getRunLogger()` and
 * `track.*` in the body see the attempt. States, retries and the cache stay with that engine; a
 * synchronous throw becomes a rejection.
 */
export function runTaskBody(
  def: Definition,
  thisArg: unknown,
  args: readonly unknown[],
  context: RunContext,
): Promise<unknown> {
  const active: ActiveRun = {
    flowRunId: context.flowRunId,
    taskRunId: context.taskRunId,
    name: context.name,
    attempt: context.attempt,
    parameters: context.parameters,
    // Read when the body asks: the worker makes a job's signal only then.
    get signal() {
      return context.signal;
    },
    logger: context.logger,
    flow: undefined,
    run: {
      kind: 'task',
      id: context.taskRunId ?? '',
      name: def.name,
      runName: def.name,
      flowRunId: context.flowRunId,
      parentRunId: context.flowRunId,
      parameters: context.parameters,
      tags: def.tags,
    },
  };
  return invoke(active, def.fn, thisArg, args);
}
