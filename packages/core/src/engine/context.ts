import { AsyncLocalStorage } from 'node:async_hooks';
import type { Logger } from '../logger.js';
import type { EngineRunInfo } from './events.js';
import type { FlowRun } from './flow-run.js';

/** What code inside a flow or task run can learn about it. */
export interface RunContext {
  /** The innermost flow run's id, when inside a flow. */
  readonly flowRunId?: string;
  /** The current task run's id, when inside a task. */
  readonly taskRunId?: string;
  /** The registered name of the current task, or of the flow when not in a task. */
  readonly name: string;
  /** The attempt number of the current run (1 for the first try). */
  readonly attempt: number;
  /** The current run's parameters by name. */
  readonly parameters: Readonly<Record<string, unknown>>;
  /** Aborted when the run times out or its flow is cancelled: pass it to fetch, child processes, ... */
  readonly signal: AbortSignal;
  /** A logger that tags each line with the flow run and task run. */
  readonly logger: Logger;
}

/** The engine's own view of the active run (a superset of {@link RunContext}). */
export interface ActiveRun extends RunContext {
  /** The run described for events. */
  readonly run: EngineRunInfo;
  /** The innermost flow run, when inside a flow. */
  readonly flow?: FlowRun;
}

/** Holds the active run across awaits. */
export const runStorage = new AsyncLocalStorage<ActiveRun>();

/**
 * The context of the flow or task run the caller is in, or `undefined` outside any run.
 *
 * @example
 * ```ts
 * const train = task(async (data: Dataset) => {
 *   const { taskRunId, attempt, signal } = getRunContext()!;
 *   ...
 * });
 * ```
 */
export function getRunContext(): RunContext | undefined {
  return runStorage.getStore();
}

/** The run logger of the current run, or `undefined` outside any run. */
export function getRunLogger(): Logger | undefined {
  return runStorage.getStore()?.logger;
}
