import type { ChartOptions, LegendEntry } from './svg.js';
import {
  chartSize,
  colorOf,
  ensure,
  fmt,
  legend,
  linearScale,
  niceTicks,
  svgClose,
  svgOpen,
  xAxis,
  yAxis,
} from './svg.js';

/** One method's prediction-set sizes. */
export interface SetSizeSeries {
  /** Legend label (e.g. "LAC, α = 0.1"). */
  readonly name: string;
  /** The size of each row's prediction set. */
  readonly sizes: ArrayLike<number>;
}

/** Input of {@link setSizeHistogram}. */
export interface SetSizeHistogramOptions extends ChartOptions {
  /** One or more methods, drawn as grouped bars per set size. */
  readonly series: readonly SetSizeSeries[];
  /** Largest set size on the axis (the number of classes). Default: the largest size seen. */
  readonly maxSize?: number;
}

/**
 * Histogram of conformal prediction-set sizes (0 … number of classes) for one or more methods:
 * mostly 1 means confident predictions, larger sets flag ambiguous rows.
 *
 * @example
 * ```ts
 * const svg = setSizeHistogram({ series: [{ name: 'LAC', sizes: sets.map((s) => s.length) }], maxSize: 6 });
 * ```
 */
export function setSizeHistogram(o: SetSizeHistogramOptions): string {
  const owner = 'setSizeHistogram';
  ensure(
    owner,
    Array.isArray(o.series) && o.series.length > 0,
    'series',
    'needs at least one series.',
  );
  for (const ser of o.series)
    ensure(owner, ser.sizes.length > 0, 'series', `"${ser.name}" has no sets.`);
  // A loop, not Math.max(...sizes): a large test split has more sets than the call stack has room for.
  let seen = 0;
  for (const ser of o.series)
    for (let i = 0; i < ser.sizes.length; i++) seen = Math.max(seen, ser.sizes[i]);
  const maxSize = o.maxSize ?? seen;
  ensure(
    owner,
    Number.isInteger(maxSize) && maxSize >= seen,
    'maxSize',
    `must be an integer ≥ the largest set size (${seen}).`,
  );
  const counts = o.series.map((ser) => {
    const c = new Float64Array(maxSize + 1);
    for (let i = 0; i < ser.sizes.length; i++) c[ser.sizes[i]]++;
    for (let k = 0; k <= maxSize; k++) c[k] /= ser.sizes.length;
    return c;
  });
  const { width, height } = chartSize(owner, o, 400);
  const area = { left: 64, top: 36, right: width - 160, bottom: height - 52 };
  const top = Math.max(...counts.flatMap((c) => Array.from(c)));
  const sy = linearScale([0, Math.max(top * 1.1, 0.05)], [area.bottom, area.top]);
  const sx = linearScale([-0.5, maxSize + 0.5], [area.left, area.right]);
  let s = svgOpen(width, height, o.title);
  s += yAxis(area, sy, { label: 'share of rows', ticks: niceTicks(0, sy.domain[1], 5) });
  s += xAxis(area, sx, {
    label: 'prediction set size (labels)',
    ticks: Array.from({ length: maxSize + 1 }, (_, k) => k),
    grid: false,
  });
  const groupW = ((area.right - area.left) / (maxSize + 1)) * 0.8;
  const barW = groupW / o.series.length;
  counts.forEach((c, k) => {
    for (let size = 0; size <= maxSize; size++) {
      const x = sx(size) - groupW / 2 + k * barW;
      const y = sy(c[size]);
      s += `<rect x="${fmt(x)}" y="${fmt(y)}" width="${fmt(Math.max(1, barW - 1))}" height="${fmt(area.bottom - y)}" fill="${colorOf(k)}"/>`;
    }
  });
  const entries: LegendEntry[] = o.series.map((ser, k) => ({ label: ser.name, color: colorOf(k) }));
  s += legend(area.right + 12, area.top, entries, 'method');
  return s + svgClose();
}
