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

/** The log line of a transition, as Prefect words it; undefined for transitions not logged. */
function lineOf(record: RunRecord, state: State): string | undefined {
  const what = `${record.kind === 'flow' ? 'Flow' : 'Task'} run '${record.id}'`;
  switch (state.type) {
    case 'PENDING':
      return record.kind === 'flow'
        ? `Created flow run '${record.id}' for flow '${record.name}'`
        : undefined;
    case 'RUNNING':
      return record.kind === 'task' && record.attempt === 1
        ? `Task run '${record.id}' for task '${record.name}' started`
        : record.attempt > 1
          ? `${what} started attempt ${record.attempt}`
          : undefined;
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
 * states carry the error in the `error` field.
 */
export function logTransition(record: RunRecord, state: State): void {
  const config = getConfig();
  const level = config.settings.runLogLevel;
  if (level === 'off') return;
  const line = lineOf(record, state);
  if (line === undefined) return;
  const fields: Record<string, unknown> =
    record.kind === 'flow'
      ? { flow: record.name, flow_run: record.id }
      : { task: record.name, task_run: record.id, flow_run: record.flowRunId };
  if (state.isFailed() || state.type === 'RETRYING') fields.error = state.error;
  config.logger[level satisfies LogLevel](fields, line);
}
