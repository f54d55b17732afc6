import type { ChartOptions } from './svg.js';
import {
  chartSize,
  colorOf,
  ensure,
  escapeXml,
  extent,
  fmt,
  legend,
  linearScale,
  svgClose,
  svgOpen,
  yAxis,
} from './svg.js';

/** One model's cross-validation scores. */
export interface ModelScores {
  /** Model name (x-axis label). */
  readonly name: string;
  /** One score per fold. */
  readonly scores: ArrayLike<number>;
}

/** Input of {@link cvScoreChart}. */
export interface CvScoreChartOptions extends ChartOptions {
  /** The models, in display order. */
  readonly models: readonly ModelScores[];
  /** Score axis title. Default "score". */
  readonly yLabel?: string;
  /** Model axis title. Default "model". */
  readonly xLabel?: string;
}

/**
 * Cross-validation scores per model: each fold's score as a dot and the mean ± one standard
 * deviation as a bar, so both the level and the spread can be compared.
 *
 * @example
 * ```ts
 * const svg = cvScoreChart({ models: results.map((r) => ({ name: r.name, scores: r.scores })), yLabel: 'accuracy' });
 * ```
 */
export function cvScoreChart(o: CvScoreChartOptions): string {
  const owner = 'cvScoreChart';
  ensure(
    owner,
    Array.isArray(o.models) && o.models.length > 0,
    'models',
    'needs at least one model.',
  );
  for (const m of o.models)
    ensure(owner, m.scores.length > 0, 'models', `"${m.name}" has no scores.`);
  const { width, height } = chartSize(owner, o, 420);
  const area = { left: 64, top: 36, right: width - 150, bottom: height - 80 };
  const all = o.models.flatMap((m) => Array.from(m.scores));
  const sy = linearScale(extent(all, 0.15), [area.bottom, area.top]);
  let s = svgOpen(width, height, o.title);
  s += yAxis(area, sy, { label: o.yLabel ?? 'score' });
  s += `<line x1="${area.left}" y1="${area.bottom}" x2="${area.right}" y2="${area.bottom}" stroke="#333"/>`;
  const band = (area.right - area.left) / o.models.length;
  o.models.forEach((m, k) => {
    const cx = area.left + (k + 0.5) * band;
    const n = m.scores.length;
    let mean = 0;
    for (let f = 0; f < n; f++) mean += m.scores[f];
    mean /= n;
    let v = 0;
    for (let f = 0; f < n; f++) v += (m.scores[f] - mean) ** 2;
    const sd = Math.sqrt(v / n);
    for (let f = 0; f < n; f++) {
      const jitter = n > 1 ? ((f / (n - 1)) * 2 - 1) * Math.min(14, band / 5) : 0;
      s += `<circle cx="${fmt(cx + jitter)}" cy="${fmt(sy(m.scores[f]))}" r="3.5" fill="${colorOf(k)}" fill-opacity="0.75"/>`;
    }
    const w = Math.min(22, band / 3);
    s += `<line x1="${fmt(cx)}" y1="${fmt(sy(mean - sd))}" x2="${fmt(cx)}" y2="${fmt(sy(mean + sd))}" stroke="#222" stroke-width="1.5"/>`;
    s += `<line x1="${fmt(cx - w)}" y1="${fmt(sy(mean))}" x2="${fmt(cx + w)}" y2="${fmt(sy(mean))}" stroke="#222" stroke-width="2.5"/>`;
    const ty = area.bottom + 16;
    s += `<text x="${fmt(cx)}" y="${ty}" text-anchor="end" transform="rotate(-25 ${fmt(cx)} ${ty})">${escapeXml(m.name)}</text>`;
  });
  s += `<text x="${fmt((area.left + area.right) / 2)}" y="${height - 10}" text-anchor="middle" font-size="13">${escapeXml(o.xLabel ?? 'model')}</text>`;
  s += legend(area.right + 12, area.top, [
    { label: 'fold score', color: '#888', shape: 'circle' },
    { label: 'mean ± std', color: '#222', shape: 'line' },
  ]);
  return s + svgClose();
}
