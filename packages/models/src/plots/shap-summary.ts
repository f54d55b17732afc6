import type { DenseMatrix } from '../data/matrix.js';
import type { ShapExplanation } from '../explain/shapley.js';
import type { ChartOptions } from './svg.js';
import {
  chartSize,
  colorBar,
  divergingColor,
  ensure,
  escapeXml,
  extent,
  fmt,
  linearScale,
  niceTicks,
  svgClose,
  svgOpen,
  xAxis,
} from './svg.js';

/** Input of {@link shapSummaryPlot}. */
export interface ShapSummaryPlotOptions extends ChartOptions {
  /** Shapley values of the explained rows. */
  readonly explanation: ShapExplanation;
  /** The explained rows' feature values (colours the points), `rows × features`. */
  readonly X: DenseMatrix;
  /** Feature names. */
  readonly featureNames: readonly string[];
  /**
   * Whose probability to show: a class column, or `'predicted'` (default), each row's most probable
   * class, so every point is "the impact on the prediction that was made".
   */
  readonly classIndex?: number | 'predicted';
  /** Class names, for the axis title. */
  readonly classNames?: readonly string[];
  /** Most rows drawn (evenly subsampled beyond). Default 1,000. */
  readonly maxRows?: number;
}

/**
 * SHAP summary (beeswarm) plot: one row per feature, ordered by mean |φ|, with one dot per explained
 * row at its Shapley value, stacked where dots collide, and coloured from blue (low feature value)
 * to red (high): it shows both how much a feature matters and in which direction.
 *
 * @example
 * ```ts
 * const svg = shapSummaryPlot({ explanation: shap, X: rows, featureNames: ['x', 'y', 'z'] });
 * ```
 */
export function shapSummaryPlot(o: ShapSummaryPlotOptions): string {
  const owner = 'shapSummaryPlot';
  const e = o.explanation;
  ensure(owner, !!e && e.rows > 0, 'explanation', 'needs at least one explained row.');
  ensure(
    owner,
    o.X.rows === e.rows && o.X.cols === e.features,
    'X',
    `must be the ${e.rows} × ${e.features} explained rows.`,
  );
  ensure(owner, o.featureNames.length === e.features, 'featureNames', `needs ${e.features} names.`);
  const cls = o.classIndex ?? 'predicted';
  ensure(
    owner,
    cls === 'predicted' || (Number.isInteger(cls) && cls >= 0 && cls < e.classes),
    'classIndex',
    `must be 'predicted' or a class column below ${e.classes}.`,
  );
  const p = e.features;
  const maxRows = o.maxRows ?? 1000;
  const step = Math.max(1, Math.ceil(e.rows / maxRows));
  const rows: number[] = [];
  for (let i = 0; i < e.rows; i += step) rows.push(i);
  const classOf = (i: number): number => {
    if (cls !== 'predicted') return cls;
    let best = 0;
    for (let c = 1; c < e.classes; c++)
      if (e.prediction.data[i * e.classes + c] > e.prediction.data[i * e.classes + best]) best = c;
    return best;
  };
  const phi = (i: number, j: number): number => e.values[(i * p + j) * e.classes + classOf(i)];
  const meanAbs = Array.from(
    { length: p },
    (_, j) => rows.reduce((s, i) => s + Math.abs(phi(i, j)), 0) / rows.length,
  );
  const order = Array.from({ length: p }, (_, j) => j).sort((a, b) => meanAbs[b] - meanAbs[a]);
  const band = 44;
  const { width, height } = chartSize(owner, o, Math.max(240, 110 + p * band));
  const nameWidth = Math.min(160, 12 + 7 * Math.max(...o.featureNames.map((n) => n.length)));
  const area = { left: nameWidth + 10, top: 40, right: width - 110, bottom: height - 56 };
  const all: number[] = [];
  for (const i of rows) for (let j = 0; j < p; j++) all.push(phi(i, j));
  const [lo, hi] = extent(all, 0.05);
  const sx = linearScale([Math.min(lo, 0), Math.max(hi, 0)], [area.left, area.right]);
  const label =
    cls === 'predicted'
      ? 'SHAP value (impact on the predicted class probability)'
      : `SHAP value (impact on P(${o.classNames?.[cls] ?? `class ${cls}`}))`;
  let s = svgOpen(width, height, o.title);
  s += xAxis(area, sx, { label, ticks: niceTicks(sx.domain[0], sx.domain[1], 5) });
  s += `<line x1="${fmt(sx(0))}" y1="${area.top}" x2="${fmt(sx(0))}" y2="${area.bottom}" stroke="#999"/>`;
  const rowBand = (area.bottom - area.top) / p;
  order.forEach((j, r) => {
    const cy = area.top + (r + 0.5) * rowBand;
    s += `<text x="${area.left - 8}" y="${fmt(cy)}" text-anchor="end" dominant-baseline="middle">${escapeXml(o.featureNames[j])}</text>`;
    // Colour scale per feature from its 5th to 95th percentile, so outliers do not wash it out.
    const vals = rows.map((i) => o.X.data[i * p + j]).sort((a, b) => a - b);
    const vlo = vals[Math.floor(0.05 * (vals.length - 1))];
    const vhi = vals[Math.ceil(0.95 * (vals.length - 1))];
    const pts = rows
      .map((i) => ({ x: sx(phi(i, j)), v: o.X.data[i * p + j] }))
      .sort((a, b) => a.x - b.x);
    const used = new Map<number, number>();
    const maxOffset = rowBand / 2 - 3;
    for (const pt of pts) {
      const bucket = Math.round(pt.x / 3);
      const k = used.get(bucket) ?? 0;
      used.set(bucket, k + 1);
      const offset = Math.min(maxOffset, Math.ceil(k / 2) * 2.2) * (k % 2 === 0 ? 1 : -1);
      const t = vhi > vlo ? (pt.v - vlo) / (vhi - vlo) : 0.5;
      s += `<circle cx="${fmt(pt.x)}" cy="${fmt(cy + offset)}" r="2.2" fill="${divergingColor(t)}"/>`;
    }
  });
  s += colorBar(
    area.right + 20,
    area.top + 16,
    Math.min(160, area.bottom - area.top - 16),
    divergingColor,
    'low',
    'high',
    'feature value',
  );
  return s + svgClose();
}
