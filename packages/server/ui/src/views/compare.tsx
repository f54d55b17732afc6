import { useMemo, useState } from 'preact/hooks';
import { getJson } from '../api.js';
import { ErrorBox, Section } from '../components/common.js';
import { MetricChart } from '../components/metric-chart.js';
import type { ChartSeries } from '../components/metric-chart.js';
import { ParallelCoordinates } from '../components/parallel-coordinates.js';
import { formatNumber } from '../format.js';
import { useLiveMetrics } from '../live-metrics.js';
import type { LiveMetrics } from '../live-metrics.js';
import { href } from '../router.js';
import { cellOf, columnId, columnsOf, toRow } from '../runs-data.js';
import type { MetricPoint, MlflowRun, RunRow } from '../types.js';
import { useAsync } from '../use-async.js';

function ParamDiff({ runs, keys }: { runs: readonly RunRow[]; keys: readonly string[] }) {
  const [onlyDiff, setOnlyDiff] = useState(true);
  const differs = (k: string) => new Set(runs.map((r) => r.params[k])).size > 1;
  const shown = keys.filter((k) => !onlyDiff || differs(k));
  return (
    <>
      <label>
        <input
          type="checkbox"
          name="only-diff"
          checked={onlyDiff}
          onChange={(e) => setOnlyDiff(e.currentTarget.checked)}
        />{' '}
        only params that differ
      </label>
      <table class="grid diff">
        <thead>
          <tr>
            <th>param</th>
            {runs.map((r) => (
              <th key={r.id}>{r.name}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {shown.map((k) => (
            <tr key={k} class={differs(k) ? 'differs' : ''}>
              <th>{k}</th>
              {runs.map((r) => (
                <td key={r.id}>{r.params[k] ?? '—'}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      {shown.length === 0 ? <p class="muted">No params differ.</p> : null}
    </>
  );
}

function MetricHistories({
  runs,
  metric,
  live,
}: {
  runs: readonly RunRow[];
  metric: string;
  live: LiveMetrics;
}) {
  const histories = useAsync(
    () =>
      Promise.all(
        runs.map((r) =>
          getJson<{ metrics?: MetricPoint[] }>('/api/2.0/mlflow/metrics/get-history', {
            run_id: r.id,
            metric_key: metric,
          }).then(
            (h) => ({ run: r, points: h.metrics ?? [] }),
            () => ({ run: r, points: [] as MetricPoint[] }),
          ),
        ),
      ),
    // The runs' ids and names, not the rows: new latest values need no history re-read.
    [runs.map((r) => `${r.id}\u0000${r.name}`).join('\u0001'), metric, live.history(metric)],
  );
  const series = useMemo<ChartSeries[] | undefined>(
    () =>
      histories.value
        ?.filter((h) => h.points.length > 0)
        .map((h) => ({
          label: h.run.name,
          steps: h.points.map((p) => p.step),
          values: h.points.map((p) => p.value),
        })),
    [histories.value],
  );
  if (!series) return <p class="muted">Loading…</p>;
  return <MetricChart title={metric} series={series} />;
}

/** MLflow's run comparison: param diff, metric histories by step, parallel coordinates. */
export function CompareView({ runIds }: { runIds: string[] }) {
  // Live: a compared run that is still running adds points to the charts as it logs them.
  const live = useLiveMetrics(runIds);
  const runs = useAsync(
    () =>
      Promise.all(
        runIds.map((id) =>
          getJson<{ run: MlflowRun }>('/api/2.0/mlflow/runs/get', { run_id: id }).then((r) =>
            toRow(r.run),
          ),
        ),
      ),
    [runIds.join(','), live.runs],
  );
  const rows = runs.value;
  const columns = useMemo(() => columnsOf(rows ?? []), [rows]);
  const [axes, setAxes] = useState<string[] | undefined>();
  if (!rows) return runs.error ? <ErrorBox error={runs.error} /> : <p class="muted">Loading…</p>;
  const metrics = columns.filter((c) => c.kind === 'metric').map((c) => c.key);
  const params = columns.filter((c) => c.kind === 'param').map((c) => c.key);
  // The parallel-coordinates axes: params, then metrics, each by its column id.
  const axisColumns = new Map(
    [
      ...columns.filter((c) => c.kind === 'param'),
      ...columns.filter((c) => c.kind === 'metric'),
    ].map((c) => [columnId(c), c]),
  );
  const allAxes = [...axisColumns.keys()];
  // Axes picked for other runs (the page's runs changed) are dropped, not read.
  const chosen = (axes ?? allAxes.slice(0, 8)).filter((a) => axisColumns.has(a));
  return (
    <div>
      <p class="crumbs">
        <a href={href('experiments', '')}>Experiments</a>
      </p>
      <h1>Comparing {rows.length} runs</h1>
      <Section title="Runs">
        <table class="grid">
          <thead>
            <tr>
              <th>run</th>
              {metrics.map((m) => (
                <th key={m}>{m}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.id}>
                <td>
                  <a href={href('runs', r.id)}>{r.name}</a>
                </td>
                {metrics.map((m) => (
                  <td key={m}>{formatNumber(r.metrics[m])}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </Section>
      <Section title="Parameters">
        <ParamDiff runs={rows} keys={params} />
      </Section>
      <Section title="Metric histories">
        {metrics.length === 0 ? <p class="muted">No metrics.</p> : null}
        <div class="charts">
          {metrics.map((m) => (
            <MetricHistories key={m} runs={rows} metric={m} live={live} />
          ))}
        </div>
      </Section>
      <Section title="Parallel coordinates">
        <div class="axis-picker">
          {allAxes.map((a) => (
            <label key={a}>
              <input
                type="checkbox"
                name={a}
                checked={chosen.includes(a)}
                onChange={(e) =>
                  setAxes(e.currentTarget.checked ? [...chosen, a] : chosen.filter((c) => c !== a))
                }
              />{' '}
              {a}
            </label>
          ))}
        </div>
        <ParallelCoordinates
          keys={chosen}
          rows={rows.map((r) => ({
            label: r.name,
            values: Object.fromEntries(chosen.map((a) => [a, cellOf(r, axisColumns.get(a)!)])),
          }))}
        />
      </Section>
    </div>
  );
}
