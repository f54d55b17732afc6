import { getConfig } from '../config/configure.js';
import type { LogLevel } from '../logger.js';
import type { RunRecord } from './run-record.js';
import type { State } from './state.js';

/** What a failed state says about its error: `Error: message`, or the message of the state. */
function cause(state: State): string {
  const error = state.error;
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return state.message ?? String(error);
}

/** Whether Prefect logs this transition: a flow run's creation, a start, a retry, an end. */
function isLogged(record: RunRecord, state: State): boolean {
  switch (state.type) {
    case 'PENDING':
      return record.kind === 'flow';
    case 'RUNNING':
      return record.kind === 'task' || record.attempt > 1;
    default:
      return true;
  }
}

/** The log line of a logged transition, as Prefect words it. */
function lineOf(record: RunRecord, state: State): string {
  const what = `${record.kind === 'flow' ? 'Flow' : 'Task'} run '${record.id}'`;
  switch (state.type) {
    case 'PENDING':
      return `Created flow run '${record.id}' for flow '${record.name}'`;
    case 'RUNNING':
      return record.attempt > 1
        ? `${what} started attempt ${record.attempt}`
        : `Task run '${record.id}' for task '${record.name}' started`;
    case 'RETRYING':
      return `${what} failed on attempt ${record.attempt} (${cause(state)}); retrying`;
    case 'COMPLETED':
    case 'CACHED':
      return `${what} finished in state ${state.name}()`;
    default:
      return `${what} finished in state ${state.name}('${cause(state)}')`;
  }
}

/**
 * Logs a run's transition through the configured Logger at the `runLogLevel` setting (Prefect's
 * lifecycle lines: flow run created, task run started or retrying, finished in state ...). Failed
 * states carry the error in the `error` field. Nothing is formatted when the level is `off` or
 * the logger says (`isLevelEnabled`) that it would drop the line.
 */
export function logTransition(record: RunRecord, state: State): void {
  const config = getConfig();
  const level = config.settings.runLogLevel;
  if (level === 'off' || !isLogged(record, state)) return;
  const logger = config.logger;
  if (logger.isLevelEnabled?.(level satisfies LogLevel) === false) return;
  const fields: Record<string, unknown> =
    record.kind === 'flow'
      ? { flow: record.name, flow_run: record.id }
      : { task: record.name, task_run: record.id, flow_run: record.flowRunId };
  if (state.isFailed() || state.type === 'RETRYING') fields.error = state.error;
  logger[level](fields, lineOf(record, state));
}
