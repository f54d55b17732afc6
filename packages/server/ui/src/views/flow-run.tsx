import { useState } from 'preact/hooks';
import { getJson } from '../api.js';
import { ArtifactView, latestArtifacts } from '../components/artifact-view.js';
import { ErrorBox, KeyValueTable, Section, StateBadge } from '../components/common.js';
import { Timeline } from '../components/timeline.js';
import { formatDuration, formatTime, runDuration } from '../format.js';
import { concerns, withFlowRunEvent, withTaskRun } from '../live-patch.js';
import { linkExpiresSoon } from '../links.js';
import { useCoalesced, useLive } from '../live.js';
import { href } from '../router.js';
import { FINAL_STATES, stateName } from '../states.js';
import type { FlowRunDetail, LogLine } from '../types.js';
import { useAsync } from '../use-async.js';

const LEVELS = ['debug', 'info', 'warn', 'error'] as const;

function Logs({ runId, version }: { runId: string; version: number }) {
  const [level, setLevel] = useState<(typeof LEVELS)[number]>('debug');
  const logs = useAsync(
    () =>
      getJson<{ logs: LogLine[] }>(`/api/flow-runs/${encodeURIComponent(runId)}/logs`, { level }),
    [runId, level, version],
  );
  const lines = logs.value?.logs ?? [];
  return (
    <Section title="Logs">
      <label>
        Level{' '}
        <select
          name="level"
          value={level}
          onChange={(e) => setLevel(e.currentTarget.value as typeof level)}
        >
          {LEVELS.map((l) => (
            <option key={l} value={l}>
              {l} and above
            </option>
          ))}
        </select>
      </label>
      <ErrorBox error={logs.error} />
      <div class="logs" role="log">
        {lines.length === 0 ? <p class="muted">No log lines at this level.</p> : null}
        {lines.map((l, i) => (
          <div key={i} class={`log-line level-${l.level}`}>
            <span class="log-time">{formatTime(l.timestamp)}</span>
            <span class="log-level">{l.level.toUpperCase()}</span>
            <span class="log-message">{l.message}</span>
          </div>
        ))}
      </div>
    </Section>
  );
}

/** A flow run's page (Prefect's run page): timeline, logs, parameters, artifacts, state history. */
export function FlowRunView({ runId }: { runId: string }) {
  const [logsVersion, setLogsVersion] = useState(0);
  const detail = useAsync(
    () => getJson<FlowRunDetail>(`/api/flow-runs/${encodeURIComponent(runId)}`),
    [runId],
  );
  const readDetail = useCoalesced(detail.reload);
  const readLogs = useCoalesced(() => setLogsVersion((v) => v + 1));
  // Every run's events, not only this run's: its subflows are runs of their own.
  useLive((e) => {
    const d = detail.value;
    if (e.type === 'resync') {
      readDetail();
      readLogs();
    } else if (e.type === 'log') {
      if (e.data.runId === runId) readLogs();
    } else if (e.type === 'task-run' || e.type === 'flow-run') {
      if (d && concerns(d, e.data.runId)) {
        detail.mutate((v) =>
          e.type === 'task-run' ? withTaskRun(v, e.data) : withFlowRunEvent(v, e.data),
        );
      } else if (d && FINAL_STATES.has(d.flowRun.state)) {
        return;
      }
      // Read again: what the event does not carry, or whether another run's event is about a
      // new subflow of this one (or came before the page's first answer).
      readDetail();
    }
  });
  const d = detail.value;
  const refreshReport = () => {
    if (d?.report && linkExpiresSoon(d.report)) detail.reload();
  };
  if (!d) return detail.error ? <ErrorBox error={detail.error} /> : <p class="muted">Loading…</p>;
  const run = d.flowRun;
  return (
    <div>
      <p class="crumbs">
        <a href={href('flow-runs')}>Flow runs</a>
        {run.parentRunId ? (
          <>
            {' / '}
            <a href={href('flow-runs', run.parentRunId)}>parent run</a>
          </>
        ) : null}
      </p>
      <h1>
        {run.name} <StateBadge state={run.state} />
      </h1>
      <p class="summary">
        Flow <strong>{run.flowName}</strong> · started {formatTime(run.startTime)} · duration{' '}
        {formatDuration(runDuration(run))} · {run.taskRuns} task runs, {run.cachedHits} cached,{' '}
        {run.retries} retries · <a href={href('runs', run.runId)}>tracking run</a>
        {d.report ? (
          <>
            {' · '}
            <a
              class="report-link"
              href={d.report}
              target="_blank"
              rel="noopener"
              // A signed link lives 15 minutes: a page left open longer fetches a fresh one
              // as the pointer or the focus comes to it.
              onPointerEnter={refreshReport}
              onFocus={refreshReport}
            >
              Open report
            </a>
          </>
        ) : null}
      </p>
      <ErrorBox error={detail.error} />
      <Section title="Timeline">
        <Timeline
          start={run.startTime}
          end={run.endTime}
          taskRuns={d.taskRuns}
          subflows={d.subflows}
        />
      </Section>
      <Logs runId={runId} version={logsVersion} />
      <Section title="Parameters">
        <KeyValueTable
          entries={Object.entries(run.parameters).map(([k, v]) => [
            k,
            typeof v === 'string' ? v : JSON.stringify(v),
          ])}
          empty="No parameters."
        />
      </Section>
      <Section title="Artifacts">
        {d.artifacts.length === 0 ? <p class="muted">No artifacts.</p> : null}
        <div class="artifacts">
          {latestArtifacts(d.artifacts).map((a) => (
            <ArtifactView key={`${a.path}@${a.createdAt}`} runId={runId} info={a} />
          ))}
        </div>
      </Section>
      <Section title="State history">
        <table class="grid states">
          <thead>
            <tr>
              <th>Time</th>
              <th>State</th>
              <th>Message</th>
            </tr>
          </thead>
          <tbody>
            {run.stateHistory.map((s, i) => (
              <tr key={i}>
                <td>{formatTime(s.timestamp)}</td>
                <td>{stateName(s.type)}</td>
                <td>{s.message ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </Section>
      <Section title="Task runs">
        <table class="grid tasks">
          <thead>
            <tr>
              <th>Task run</th>
              <th>State</th>
              <th>Started</th>
              <th>Duration</th>
              <th>Attempts</th>
              <th>Cache</th>
              <th>Error</th>
            </tr>
          </thead>
          <tbody>
            {d.taskRuns.map((t) => (
              <tr key={`${t.runId}/${t.taskRunId}`}>
                <td>{t.taskRunName}</td>
                <td>
                  <StateBadge state={t.state} />
                </td>
                <td>{formatTime(t.startTime)}</td>
                <td>{formatDuration(t.durationMs)}</td>
                <td>{t.attempts}</td>
                <td>{t.cacheHit ? 'hit' : t.cacheKey ? 'miss' : '—'}</td>
                <td>{t.error ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </Section>
    </div>
  );
}
