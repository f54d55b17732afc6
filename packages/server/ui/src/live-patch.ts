// What an event changes on a page that is already showing data, so that the change is on screen
// before the page has read it again (it reads again right after, for what the event does not
// say: durations, counts, artifacts).
import type { FlowRunEvent } from './live.js';
import type { FlowRunDetail, FlowRunSummary, TaskRun } from './types.js';

/** Flow runs with `event`'s run in its new state (the others as they were). */
export function withFlowRunState(runs: FlowRunSummary[], event: FlowRunEvent): FlowRunSummary[] {
  return runs.map((r) => (r.runId === event.runId ? { ...r, state: event.state } : r));
}

/** A flow run's page with `event` applied, when it is about the run or one of its subflows. */
export function withFlowRunEvent(d: FlowRunDetail, event: FlowRunEvent): FlowRunDetail {
  if (event.runId === d.flowRun.runId) {
    const { state, stateHistory, parameters } = event;
    return { ...d, flowRun: { ...d.flowRun, state, stateHistory, parameters } };
  }
  return { ...d, subflows: withFlowRunState(d.subflows, event) };
}

/** A flow run's page with task run `t` added or replaced (by run and task run id). */
export function withTaskRun(d: FlowRunDetail, t: TaskRun): FlowRunDetail {
  const at = d.taskRuns.findIndex((x) => x.runId === t.runId && x.taskRunId === t.taskRunId);
  const taskRuns = at === -1 ? [...d.taskRuns, t] : d.taskRuns.map((x, i) => (i === at ? t : x));
  const added = at === -1 && t.runId === d.flowRun.runId ? 1 : 0;
  return { ...d, taskRuns, flowRun: { ...d.flowRun, taskRuns: d.flowRun.taskRuns + added } };
}

/** Whether an event of run `runId` belongs on the page of `d` (the run or one of its subflows). */
export function concerns(d: FlowRunDetail, runId: string): boolean {
  return runId === d.flowRun.runId || d.subflows.some((s) => s.runId === runId);
}
