import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { seriesColour } from './colours.js';

/** One series of a chart: a run's values of a metric by step. */
export interface ChartSeries {
  label: string;
  steps: ArrayLike<number>;
  values: ArrayLike<number>;
}

/** Series on one step axis, as uPlot wants them (`null` where a series has no point). */
export function alignSeries(series: readonly ChartSeries[]): uPlot.AlignedData {
  if (series.length === 1) {
    return [Float64Array.from(series[0].steps), Float64Array.from(series[0].values)];
  }
  const steps = [...new Set(series.flatMap((s) => Array.from(s.steps)))].sort((a, b) => a - b);
  const index = new Map(steps.map((s, i) => [s, i]));
  const columns = series.map((s) => {
    const col: (number | null)[] = new Array<number | null>(steps.length).fill(null);
    for (let i = 0; i < s.steps.length; i++) col[index.get(s.steps[i])!] = s.values[i];
    return col;
  });
  return [steps, ...columns];
}

const pointCount = (series: readonly ChartSeries[]) =>
  series.reduce((n, s) => n + s.steps.length, 0);

/**
 * A metric's history charted with uPlot: step on x, one line per run. New data for the same
 * lines (a live run's new points) is drawn into the same chart; other lines make a new chart.
 */
export function MetricChart({ title, series }: { title: string; series: readonly ChartSeries[] }) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<{ chart: uPlot; series: readonly ChartSeries[] } | undefined>(undefined);
  const lines = JSON.stringify([title, ...series.map((s) => s.label)]);
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const t0 = performance.now();
    const chart = new uPlot(
      {
        title,
        width: Math.max(300, el.clientWidth || 600),
        height: 260,
        scales: { x: { time: false } },
        axes: [{ label: 'step' }, {}],
        series: [
          { label: 'step' },
          ...series.map((s, i) => ({
            label: s.label,
            stroke: seriesColour(i),
            width: 1.5,
            spanGaps: true,
            points: { show: false },
          })),
        ],
      },
      alignSeries(series),
      el,
    );
    plot.current = { chart, series };
    el.dataset.points = String(pointCount(series));
    // Drawn by the next frame: the time from data to pixels, read by the UI bench.
    const frame = requestAnimationFrame(() => {
      el.dataset.renderMs = (performance.now() - t0).toFixed(1);
      el.dataset.ready = 'true';
    });
    return () => {
      cancelAnimationFrame(frame);
      chart.destroy();
      plot.current = undefined;
    };
  }, [lines]);
  useEffect(() => {
    const current = plot.current;
    if (!current || current.series === series) return;
    current.chart.setData(alignSeries(series));
    current.series = series;
    box.current!.dataset.points = String(pointCount(series));
  }, [series]);
  return <div class="chart" ref={box} />;
}
