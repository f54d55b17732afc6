import type { ChartOptions, LegendEntry } from './svg.js';
import {
  chartSize,
  colorOf,
  ensure,
  escapeXml,
  extent,
  fmt,
  legend,
  linearScale,
  niceTicks,
  svgClose,
  svgOpen,
  xAxis,
} from './svg.js';

/** One series of importances (e.g. permutation, or mean |SHAP|). */
export interface ImportanceSeries {
  /** Legend label. */
  readonly name: string;
  /** One value per feature. */
  readonly values: ArrayLike<number>;
  /** Optional error half-width per feature (e.g. the permutation std). */
  readonly errors?: ArrayLike<number>;
}

/** Input of {@link importanceBarChart}. */
export interface ImportanceBarChartOptions extends ChartOptions {
  /** Feature names, one per value. */
  readonly featureNames: readonly string[];
  /** One or more series, drawn as grouped horizontal bars. */
  readonly series: readonly ImportanceSeries[];
  /** Value axis title. Default "importance". */
  readonly xLabel?: string;
  /** Sort features by the first series, largest on top. Default true. */
  readonly sort?: boolean;
}

/**
 * Horizontal bar chart of feature importances, one group of bars per feature and one bar per
 * series (permutation importance with its spread, mean |SHAP|, ...).
 *
 * @example
 * ```ts
 * const svg = importanceBarChart({
 *   featureNames: ['x', 'y', 'z'],
 *   series: [{ name: 'permutation', values: imp.importancesMean, errors: imp.importancesStd }],
 * });
 * ```
 */
export function importanceBarChart(o: ImportanceBarChartOptions): string {
  const owner = 'importanceBarChart';
  const p = o.featureNames.length;
  ensure(owner, p > 0, 'featureNames', 'needs at least one feature.');
  ensure(
    owner,
    Array.isArray(o.series) && o.series.length > 0,
    'series',
    'needs at least one series.',
  );
  for (const s of o.series) {
    ensure(
      owner,
      s.values.length === p,
      'series',
      `"${s.name}" has ${s.values.length} values for ${p} features.`,
    );
    ensure(
      owner,
      !s.errors || s.errors.length === p,
      'series',
      `"${s.name}" has ${s.errors?.length} errors for ${p} features.`,
    );
  }
  const order = Array.from({ length: p }, (_, j) => j);
  if (o.sort !== false) order.sort((a, b) => o.series[0].values[b] - o.series[0].values[a]);
  const rowH = Math.max(18, 10 * o.series.length + 8);
  const { width, height } = chartSize(owner, o, Math.max(220, 100 + p * rowH));
  const nameWidth = Math.min(160, 12 + 7 * Math.max(...o.featureNames.map((n) => n.length)));
  const area = { left: nameWidth + 10, top: 36, right: width - 150, bottom: height - 52 };
  const all: number[] = [0];
  for (const s of o.series) {
    for (let j = 0; j < p; j++) {
      const e = s.errors ? s.errors[j] : 0;
      all.push(s.values[j] - e, s.values[j] + e);
    }
  }
  const [lo, hi] = extent(all, 0.05);
  const sx = linearScale([Math.min(0, lo), Math.max(0, hi)], [area.left, area.right]);
  let s = svgOpen(width, height, o.title);
  s += xAxis(area, sx, {
    label: o.xLabel ?? 'importance',
    ticks: niceTicks(sx.domain[0], sx.domain[1], 5),
  });
  const band = (area.bottom - area.top) / p;
  const barH = Math.max(3, (band * 0.8) / o.series.length);
  order.forEach((j, r) => {
    const y0 = area.top + r * band + band * 0.1;
    s += `<text x="${area.left - 8}" y="${fmt(area.top + (r + 0.5) * band)}" text-anchor="end" dominant-baseline="middle">${escapeXml(o.featureNames[j])}</text>`;
    o.series.forEach((ser, k) => {
      const v = ser.values[j];
      const x0 = sx(0);
      const x1 = sx(v);
      const y = y0 + k * barH;
      s += `<rect x="${fmt(Math.min(x0, x1))}" y="${fmt(y)}" width="${fmt(Math.max(0.5, Math.abs(x1 - x0)))}" height="${fmt(barH - 1)}" fill="${colorOf(k)}"/>`;
      if (ser.errors) {
        const e = ser.errors[j];
        const ym = fmt(y + (barH - 1) / 2);
        s += `<line x1="${fmt(sx(v - e))}" y1="${ym}" x2="${fmt(sx(v + e))}" y2="${ym}" stroke="#222" stroke-width="1.2"/>`;
      }
    });
  });
  s += `<line x1="${fmt(sx(0))}" y1="${area.top}" x2="${fmt(sx(0))}" y2="${area.bottom}" stroke="#333"/>`;
  const entries: LegendEntry[] = o.series.map((ser, k) => ({ label: ser.name, color: colorOf(k) }));
  if (o.series.some((ser) => ser.errors))
    entries.push({ label: '± std', color: '#222', shape: 'line' });
  s += legend(area.right + 12, area.top, entries, 'measure');
  return s + svgClose();
}
