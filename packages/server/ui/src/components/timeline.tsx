import { formatDuration, runDuration } from '../format.js';
import { stateName } from '../states.js';
import { href } from '../router.js';
import type { FlowRunSummary, StateTransition, TaskRun } from '../types.js';

/** One bar of the timeline: a task run or a subflow run. */
interface Bar {
  id: string;
  label: string;
  state: string;
  start: number;
  end: number;
  attempts: number;
  cached: boolean;
  /** When each retry began (the Retrying transitions). */
  retries: number[];
  link?: string;
  title: string;
}

function retryTimes(history: readonly StateTransition[]): number[] {
  return history.filter((s) => s.type === 'RETRYING').map((s) => s.timestamp);
}

/**
 * The flow run's task runs and subflows as bars on one time axis, coloured by state: a retried
 * task shows a tick where each retry began and its attempt count, a cached one is striped and
 * marked.
 */
export function Timeline({
  start,
  end,
  taskRuns,
  subflows,
}: {
  start: number;
  end: number | null;
  taskRuns: readonly TaskRun[];
  subflows: readonly FlowRunSummary[];
}) {
  const now = Date.now();
  const bars: Bar[] = [
    ...subflows.map((s) => ({
      id: s.runId,
      label: `↳ ${s.name}`,
      state: s.state,
      start: s.startTime,
      end: s.endTime ?? now,
      attempts: 1,
      cached: false,
      retries: [],
      link: href('flow-runs', s.runId),
      title: `subflow ${s.flowName}: ${stateName(s.state)}, ${formatDuration(runDuration(s, now))}`,
    })),
    ...taskRuns.map((t) => {
      const first = t.startTime ?? t.stateHistory[0]?.timestamp ?? start;
      return {
        id: `${t.runId}/${t.taskRunId}`,
        label: t.taskRunName,
        state: t.state,
        start: first,
        end: t.endTime ?? (t.cacheHit ? first : now),
        attempts: t.attempts,
        cached: t.cacheHit,
        retries: retryTimes(t.stateHistory),
        title: `${t.taskRunName}: ${stateName(t.state)}${t.cacheHit ? ' (cached)' : ''}, ${formatDuration(t.durationMs)}${t.attempts > 1 ? `, ${t.attempts} attempts` : ''}${t.error ? ` — ${t.error}` : ''}`,
      };
    }),
  ].sort((a, b) => a.start - b.start);
  if (bars.length === 0) return <p class="muted">No task runs yet.</p>;
  const t0 = Math.min(start, ...bars.map((b) => b.start));
  const t1 = Math.max(end ?? now, ...bars.map((b) => b.end), t0 + 1);
  const x = (t: number) => `${(((t - t0) / (t1 - t0)) * 100).toFixed(3)}%`;
  return (
    <div class="timeline" role="list">
      <div class="timeline-axis">
        <span>0</span>
        <span>{formatDuration(t1 - t0)}</span>
      </div>
      {bars.map((b) => (
        <div class="timeline-row" role="listitem" key={b.id} title={b.title}>
          <div class="timeline-label">
            {b.link ? <a href={b.link}>{b.label}</a> : b.label}
            {b.attempts > 1 ? <span class="retries"> ×{b.attempts}</span> : null}
            {b.cached ? <span class="cached-mark"> cached</span> : null}
          </div>
          <div class="timeline-track">
            <div
              class={`timeline-bar state-${b.state.toLowerCase()}${b.cached ? ' cached' : ''}`}
              style={{ left: x(b.start), width: `max(3px, calc(${x(b.end)} - ${x(b.start)}))` }}
            />
            {b.retries.map((t, i) => (
              <div key={i} class="timeline-retry" style={{ left: x(t) }} />
            ))}
          </div>
        </div>
      ))}
    </div>
  );
}
