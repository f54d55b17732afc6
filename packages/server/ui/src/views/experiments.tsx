import { useEffect, useMemo, useState } from 'preact/hooks';
import { getJson } from '../api.js';
import { ErrorBox, StateBadge } from '../components/common.js';
import { VirtualRows } from '../components/virtual-rows.js';
import { formatDuration, formatNumber, formatTime, runDuration } from '../format.js';
import { cellOf, columnId, columnsOf, loadRuns, nestRows } from '../runs-data.js';
import type { Column } from '../runs-data.js';
import { href } from '../router.js';
import type { MlflowExperiment, RunRow } from '../types.js';
import { useAsync } from '../use-async.js';

const ROW_HEIGHT = 30;
/** Columns shown before the user picks: the metrics and params, at most this many of each. */
const DEFAULT_PER_KIND = 12;
const quoteKey = (key: string) => `\`${key.replaceAll('`', '')}\``;

interface Sort {
  id: string;
  clause: string;
  descending: boolean;
}

function ColumnChooser({
  columns,
  chosen,
  onChange,
}: {
  columns: readonly Column[];
  chosen: ReadonlySet<string>;
  onChange: (next: Set<string>) => void;
}) {
  const [open, setOpen] = useState(false);
  return (
    <span class="chooser">
      <button type="button" onClick={() => setOpen(!open)} aria-expanded={open}>
        Columns ({chosen.size})
      </button>
      {open ? (
        <div class="chooser-menu" role="menu">
          {columns.map((c) => {
            const id = columnId(c);
            return (
              <label key={id}>
                <input
                  type="checkbox"
                  name={id}
                  checked={chosen.has(id)}
                  onChange={(e) => {
                    const next = new Set(chosen);
                    if (e.currentTarget.checked) next.add(id);
                    else next.delete(id);
                    onChange(next);
                  }}
                />{' '}
                {id}
              </label>
            );
          })}
        </div>
      ) : null}
    </span>
  );
}

function RunsTable({ experimentId }: { experimentId: string }) {
  const [draft, setDraft] = useState('');
  const [filter, setFilter] = useState('');
  const [sort, setSort] = useState<Sort | undefined>();
  const [rows, setRows] = useState<RunRow[]>([]);
  const [status, setStatus] = useState<'loading' | 'partial' | 'ready' | 'error'>('loading');
  const [error, setError] = useState<Error | undefined>();
  const [expanded, setExpanded] = useState<Set<string>>(new Set());
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [chosen, setChosen] = useState<Set<string> | undefined>();

  useEffect(() => {
    const abort = new AbortController();
    setStatus('loading');
    setError(undefined);
    const orderBy = sort ? [`${sort.clause} ${sort.descending ? 'DESC' : 'ASC'}`] : [];
    loadRuns(
      { experimentIds: [experimentId], filter, orderBy },
      (next, done) => {
        setRows(next);
        setStatus(done ? 'ready' : 'partial');
      },
      abort.signal,
    ).catch((e: Error) => {
      if (abort.signal.aborted) return;
      setError(e);
      setStatus('error');
    });
    return () => abort.abort();
  }, [experimentId, filter, sort]);

  const columns = useMemo(() => columnsOf(rows), [rows]);
  const shownColumns = useMemo(() => {
    if (chosen) return columns.filter((c) => chosen.has(columnId(c)));
    const metrics = columns.filter((c) => c.kind === 'metric').slice(0, DEFAULT_PER_KIND);
    const params = columns.filter((c) => c.kind === 'param').slice(0, DEFAULT_PER_KIND);
    return [...metrics, ...params];
  }, [columns, chosen]);
  const shown = useMemo(() => nestRows(rows, expanded), [rows, expanded]);

  const sortBy = (id: string, clause: string) =>
    setSort(
      sort?.id === id
        ? { ...sort, descending: !sort.descending }
        : { id, clause, descending: true },
    );
  const arrow = (id: string) => (sort?.id === id ? (sort.descending ? ' ▼' : ' ▲') : '');
  const template = `32px minmax(180px, 2fr) 100px 160px 90px ${shownColumns.map(() => 'minmax(90px, 1fr)').join(' ')}`;
  const header = (
    <div class="vrow vhead" style={{ gridTemplateColumns: template }} role="row">
      <span />
      <button type="button" onClick={() => sortBy('name', 'attributes.run_name')}>
        Run{arrow('name')}
      </button>
      <span>Status</span>
      <button type="button" onClick={() => sortBy('start', 'attributes.start_time')}>
        Started{arrow('start')}
      </button>
      <span>Duration</span>
      {shownColumns.map((c) => {
        const id = columnId(c);
        return (
          <button
            type="button"
            key={id}
            title={id}
            onClick={() => sortBy(id, `${c.kind}s.${quoteKey(c.key)}`)}
          >
            {c.key}
            <small> {c.kind}</small>
            {arrow(id)}
          </button>
        );
      })}
    </div>
  );
  const toggle = (set: Set<string>, id: string) => {
    const next = new Set(set);
    if (!next.delete(id)) next.add(id);
    return next;
  };
  return (
    <div class="runs">
      <form
        class="filters"
        onSubmit={(e) => {
          e.preventDefault();
          // The field's own value: a keystroke just before Enter may not be in `draft` yet.
          const field = e.currentTarget.elements.namedItem('filter');
          setFilter(field instanceof HTMLInputElement ? field.value : draft);
        }}
      >
        <input
          class="filter-input"
          name="filter"
          value={draft}
          placeholder="metrics.accuracy > 0.9 and params.model = 'svm'"
          onInput={(e) => setDraft(e.currentTarget.value)}
        />
        <button type="submit">Search</button>
        <ColumnChooser
          columns={columns}
          chosen={chosen ?? new Set(shownColumns.map(columnId))}
          onChange={setChosen}
        />
        <a
          class={`button${selected.size < 2 ? ' disabled' : ''}`}
          href={
            selected.size < 2 ? undefined : `${href('compare')}?runs=${[...selected].join(',')}`
          }
        >
          Compare ({selected.size})
        </a>
      </form>
      <ErrorBox error={error} />
      <p class="muted run-count" data-status={status}>
        {status === 'loading'
          ? 'Loading…'
          : `${rows.length} runs${status === 'partial' ? ' (loading more…)' : ''}`}
      </p>
      <VirtualRows
        count={shown.length}
        rowHeight={ROW_HEIGHT}
        height={Math.max(300, innerHeight - 260)}
        header={header}
        row={(i) => {
          const { row, depth, children } = shown[i];
          return (
            <div
              class="vrow"
              role="row"
              key={row.id}
              data-run-id={row.id}
              style={{ gridTemplateColumns: template }}
            >
              <input
                type="checkbox"
                aria-label={`select ${row.name}`}
                checked={selected.has(row.id)}
                onChange={() => setSelected(toggle(selected, row.id))}
              />
              <span class="run-name" style={{ paddingLeft: `${depth * 16}px` }}>
                {children > 0 ? (
                  <button
                    type="button"
                    class="expander"
                    aria-label={expanded.has(row.id) ? 'collapse' : 'expand'}
                    onClick={() => setExpanded(toggle(expanded, row.id))}
                  >
                    {expanded.has(row.id) ? '▾' : '▸'} {children}
                  </button>
                ) : null}
                <a href={href('runs', row.id)}>{row.name}</a>
              </span>
              <span>
                <StateBadge state={row.status} />
              </span>
              <span>{formatTime(row.startTime)}</span>
              <span>{formatDuration(runDuration(row))}</span>
              {shownColumns.map((c) => {
                const v = cellOf(row, c);
                return (
                  <span key={columnId(c)}>
                    {typeof v === 'number' ? formatNumber(v) : (v ?? '')}
                  </span>
                );
              })}
            </div>
          );
        }}
      />
    </div>
  );
}

/** MLflow's experiments page: the experiments, and the runs table of the one picked. */
export function ExperimentsView({ experimentId }: { experimentId: string | undefined }) {
  const experiments = useAsync(
    () =>
      getJson<{ experiments?: MlflowExperiment[] }>('/api/2.0/mlflow/experiments/search', {
        max_results: 1000,
      }),
    [],
  );
  const list = experiments.value?.experiments ?? [];
  const current =
    experimentId ?? list.find((e) => e.name !== 'Default')?.experiment_id ?? list[0]?.experiment_id;
  return (
    <div class="two-pane">
      <nav class="side">
        <h2>Experiments</h2>
        <ErrorBox error={experiments.error} />
        <ul>
          {list.map((e) => (
            <li key={e.experiment_id} class={e.experiment_id === current ? 'active' : ''}>
              <a href={href('experiments', e.experiment_id)}>{e.name}</a>
            </li>
          ))}
        </ul>
      </nav>
      <div class="main-pane">
        <h1>{list.find((e) => e.experiment_id === current)?.name ?? 'Runs'}</h1>
        {current === undefined ? (
          experiments.value ? (
            <p class="muted">No experiments yet.</p>
          ) : null
        ) : (
          <RunsTable key={current} experimentId={current} />
        )}
      </div>
    </div>
  );
}
