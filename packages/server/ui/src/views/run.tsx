import { useState } from 'preact/hooks';
import { getJson } from '../api.js';
import { ArtifactView, DownloadButton } from '../components/artifact-view.js';
import { ErrorBox, KeyValueTable, Section, StateBadge } from '../components/common.js';
import { MetricChart } from '../components/metric-chart.js';
import { formatBytes, formatDuration, formatNumber, formatTime, runDuration } from '../format.js';
import { href } from '../router.js';
import { toRow } from '../runs-data.js';
import type { ArtifactInfo, MetricPoint, MlflowRun } from '../types.js';
import { TAG_FLOW_NAME } from '../types.js';
import { useLiveMetrics } from '../live-metrics.js';
import type { LiveMetrics } from '../live-metrics.js';
import { useAsync } from '../use-async.js';

interface FileInfo {
  path: string;
  is_dir: boolean;
  file_size?: number;
}

/** MLflow's artifact browser: a run's artifact tree, one directory at a time, with a preview. */
function ArtifactBrowser({ runId }: { runId: string }) {
  const [dir, setDir] = useState('');
  const [open, setOpen] = useState<string | undefined>();
  const listing = useAsync(
    () =>
      getJson<{ files?: FileInfo[] }>('/api/2.0/mlflow/artifacts/list', {
        run_id: runId,
        path: dir === '' ? undefined : dir,
      }),
    [runId, dir],
  );
  // The typed records say how to render a file (its kind, key and version).
  const records = useAsync(
    () =>
      getJson<{ artifacts: ArtifactInfo[] }>(`/api/runs/${encodeURIComponent(runId)}/artifacts`),
    [runId],
  );
  const info = records.value?.artifacts.find((a) => a.path === open);
  const up = dir.includes('/') ? dir.slice(0, dir.lastIndexOf('/')) : '';
  return (
    <div class="browser">
      <div class="browser-tree">
        <p class="muted">/{dir}</p>
        <ErrorBox error={listing.error} />
        <ul>
          {dir !== '' ? (
            <li>
              <button type="button" class="linkish" onClick={() => setDir(up)}>
                ..
              </button>
            </li>
          ) : null}
          {(listing.value?.files ?? []).map((f) => (
            <li key={f.path}>
              <button
                type="button"
                class={`linkish${f.path === open ? ' active' : ''}`}
                onClick={() => (f.is_dir ? setDir(f.path) : setOpen(f.path))}
              >
                {f.is_dir ? '📁 ' : ''}
                {f.path.slice(dir === '' ? 0 : dir.length + 1)}
              </button>{' '}
              {f.file_size === undefined ? (
                ''
              ) : (
                <span class="muted">{formatBytes(f.file_size)}</span>
              )}
            </li>
          ))}
          {listing.value && (listing.value.files ?? []).length === 0 ? (
            <li class="muted">No artifacts.</li>
          ) : null}
        </ul>
      </div>
      <div class="browser-preview">
        {open === undefined ? (
          <p class="muted">Pick a file to preview it.</p>
        ) : info ? (
          <ArtifactView key={open} runId={runId} info={info} download />
        ) : (
          <DownloadButton runId={runId} path={open} />
        )}
      </div>
    </div>
  );
}

function History({ runId, metric, live }: { runId: string; metric: string; live: LiveMetrics }) {
  const history = useAsync(
    () =>
      getJson<{ metrics?: MetricPoint[] }>('/api/2.0/mlflow/metrics/get-history', {
        run_id: runId,
        metric_key: metric,
      }),
    [runId, metric, live.history(metric)],
  );
  if (history.error) return <ErrorBox error={history.error} />;
  const points = history.value?.metrics;
  if (!points) return <p class="muted">Loading…</p>;
  return (
    <MetricChart
      title={metric}
      series={[
        { label: metric, steps: points.map((p) => p.step), values: points.map((p) => p.value) },
      ]}
    />
  );
}

/** One tracking run (MLflow's run page): params, metrics with their history, tags, artifacts. */
export function RunView({ runId }: { runId: string }) {
  const live = useLiveMetrics([runId]);
  const run = useAsync(
    () => getJson<{ run: MlflowRun }>('/api/2.0/mlflow/runs/get', { run_id: runId }),
    [runId, live.runs],
  );
  const [metric, setMetric] = useState<string | undefined>();
  if (!run.value) return run.error ? <ErrorBox error={run.error} /> : <p class="muted">Loading…</p>;
  const r = toRow(run.value.run);
  const metricKeys = Object.keys(r.metrics).sort();
  const shownMetric = metric ?? metricKeys[0];
  return (
    <div>
      <p class="crumbs">
        <a href={href('experiments', run.value.run.info.experiment_id)}>Experiment</a>
        {r.parentId ? (
          <>
            {' / '}
            <a href={href('runs', r.parentId)}>parent run</a>
          </>
        ) : null}
        {r.tags[TAG_FLOW_NAME] ? (
          <>
            {' · '}
            <a href={href('flow-runs', r.id)}>flow run</a>
          </>
        ) : null}
      </p>
      <h1>
        {r.name} <StateBadge state={r.status} />
      </h1>
      <p class="summary">
        Run {r.id} · started {formatTime(r.startTime)} · duration {formatDuration(runDuration(r))}
      </p>
      <div class="columns">
        <Section title="Parameters">
          <KeyValueTable entries={Object.entries(r.params).sort()} empty="No parameters." />
        </Section>
        <Section title="Metrics">
          {metricKeys.length === 0 ? <p class="muted">No metrics.</p> : null}
          <table class="kv">
            <tbody>
              {metricKeys.map((k) => (
                <tr key={k} class={k === shownMetric ? 'active' : ''}>
                  <th>
                    <button type="button" class="linkish" onClick={() => setMetric(k)}>
                      {k}
                    </button>
                  </th>
                  <td>{formatNumber(r.metrics[k])}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </Section>
        <Section title="Tags">
          <KeyValueTable entries={Object.entries(r.tags).sort()} empty="No tags." />
        </Section>
      </div>
      {shownMetric ? (
        <Section title="Metric history">
          <History runId={runId} metric={shownMetric} live={live} />
        </Section>
      ) : null}
      <Section title="Artifacts">
        <ArtifactBrowser runId={runId} />
      </Section>
    </div>
  );
}
