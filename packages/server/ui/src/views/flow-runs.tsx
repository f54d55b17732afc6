import { useState } from 'preact/hooks';
import { getJson } from '../api.js';
import { ErrorBox, StateBadge } from '../components/common.js';
import { formatDuration, formatTime, runDuration } from '../format.js';
import { withFlowRunState } from '../live-patch.js';
import { useCoalesced, useLive } from '../live.js';
import { href } from '../router.js';
import { STATE_TYPES, stateName } from '../states.js';
import type { FlowRunSummary } from '../types.js';
import { useAsync } from '../use-async.js';

interface Filters {
  flow: string;
  state: string;
  since: string;
  until: string;
}

/** How many more runs "Load more" shows. */
const PAGE_SIZE = 100;
/** The most runs `/api/flow-runs` answers in one request (its `limit`'s maximum). */
const MAX_LIMIT = 1000;

const dayStart = (date: string) =>
  date === '' ? undefined : new Date(`${date}T00:00:00`).getTime();

/** Task counts by state as small badges. */
function TaskCounts({ counts }: { counts: FlowRunSummary['taskCounts'] }) {
  const entries = Object.entries(counts);
  if (entries.length === 0) return <span class="muted">—</span>;
  return (
    <span class="counts">
      {entries.map(([state, n]) => (
        <span key={state} class={`count state-${state.toLowerCase()}`} title={stateName(state)}>
          {n} {stateName(state).toLowerCase()}
        </span>
      ))}
    </span>
  );
}

/** The flow runs list (Prefect's "Runs" page): newest first, filtered by flow, state and date. */
export function FlowRunsView() {
  const [filters, setFilters] = useState<Filters>({ flow: '', state: '', since: '', until: '' });
  const [pages, setPages] = useState(1);
  const list = useAsync(async () => {
    const query = {
      flow: filters.flow.trim() || undefined,
      state: filters.state || undefined,
      since: dayStart(filters.since),
      until: filters.until === '' ? undefined : dayStart(filters.until)! + 86_400_000,
    };
    // Every page loaded so far in one request (so a live event re-reads them at once), in
    // several only past the most one request may ask for.
    const wanted = PAGE_SIZE * pages;
    const runs: FlowRunSummary[] = [];
    let pageToken: string | undefined;
    do {
      const page = await getJson<{ flowRuns: FlowRunSummary[]; nextPageToken?: string }>(
        '/api/flow-runs',
        { ...query, limit: Math.min(MAX_LIMIT, wanted - runs.length), pageToken },
      );
      runs.push(...page.flowRuns);
      pageToken = page.nextPageToken;
    } while (pageToken !== undefined && runs.length < wanted);
    return { runs, more: pageToken !== undefined };
  }, [filters, pages]);
  const readAgain = useCoalesced(list.reload);
  useLive((e) => {
    if (e.type === 'log' || e.type === 'metric') return;
    if (e.type === 'flow-run')
      list.mutate((v) => ({ ...v, runs: withFlowRunState(v.runs, e.data) }));
    // Task counts, durations and new runs come from the server's summary.
    readAgain();
  });
  const set = (patch: Partial<Filters>) => {
    setPages(1);
    setFilters({ ...filters, ...patch });
  };
  const runs = list.value?.runs ?? [];
  return (
    <div>
      <h1>Flow runs</h1>
      <form class="filters" onSubmit={(e) => e.preventDefault()}>
        <label>
          Flow{' '}
          <input
            name="flow"
            value={filters.flow}
            placeholder="any flow"
            onChange={(e) => set({ flow: e.currentTarget.value })}
          />
        </label>
        <label>
          State{' '}
          <select
            name="state"
            value={filters.state}
            onChange={(e) => set({ state: e.currentTarget.value })}
          >
            <option value="">any state</option>
            {STATE_TYPES.map((s) => (
              <option key={s} value={s}>
                {stateName(s)}
              </option>
            ))}
          </select>
        </label>
        <label>
          From{' '}
          <input
            type="date"
            name="since"
            value={filters.since}
            onChange={(e) => set({ since: e.currentTarget.value })}
          />
        </label>
        <label>
          To{' '}
          <input
            type="date"
            name="until"
            value={filters.until}
            onChange={(e) => set({ until: e.currentTarget.value })}
          />
        </label>
      </form>
      <ErrorBox error={list.error} />
      <table class="grid flow-runs">
        <thead>
          <tr>
            <th>Run</th>
            <th>Flow</th>
            <th>State</th>
            <th>Started</th>
            <th>Duration</th>
            <th>Task runs</th>
            <th>Cached</th>
            <th>Retries</th>
          </tr>
        </thead>
        <tbody>
          {runs.map((r) => (
            <tr key={r.runId} data-run-id={r.runId}>
              <td>
                <a href={href('flow-runs', r.runId)}>{r.name}</a>
              </td>
              <td>{r.flowName}</td>
              <td>
                <StateBadge state={r.state} />
              </td>
              <td>{formatTime(r.startTime)}</td>
              <td>{formatDuration(runDuration(r))}</td>
              <td>
                <TaskCounts counts={r.taskCounts} />
              </td>
              <td>{r.cachedHits}</td>
              <td>{r.retries}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {list.value && runs.length === 0 ? <p class="muted">No flow runs match.</p> : null}
      {list.value?.more ? (
        <button type="button" onClick={() => setPages(pages + 1)}>
          Load more
        </button>
      ) : null}
    </div>
  );
}
