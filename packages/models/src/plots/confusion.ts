import type { DenseMatrix } from '../data/matrix.js';
import type { ChartOptions } from './svg.js';
import {
  chartSize,
  colorBar,
  ensure,
  escapeXml,
  fmt,
  sequentialColor,
  svgClose,
  svgOpen,
} from './svg.js';

/** Input of {@link confusionMatrixPlot}. */
export interface ConfusionMatrixPlotOptions extends ChartOptions {
  /** Counts, `k × k`: row = true class, column = predicted class (as `confusionMatrix` returns). */
  readonly matrix: DenseMatrix;
  /** Class names in row order; defaults to the matrix's `labels` or indices. */
  readonly classNames?: readonly string[];
  /** Colour and print each row as fractions of its total (recall on the diagonal). Default false. */
  readonly normalize?: boolean;
}

/**
 * A confusion-matrix heatmap: one cell per (true, predicted) pair with its count (or row share),
 * darker for larger values, and a colour bar as legend.
 *
 * @example
 * ```ts
 * const svg = confusionMatrixPlot({ matrix: confusionMatrix(test.y, pred), classNames, normalize: true });
 * ```
 */
export function confusionMatrixPlot(o: ConfusionMatrixPlotOptions): string {
  const owner = 'confusionMatrixPlot';
  const m = o.matrix;
  ensure(
    owner,
    !!m && m.rows === m.cols && m.rows > 0,
    'matrix',
    'must be a non-empty square matrix.',
  );
  const k = m.rows;
  const { width, height } = chartSize(owner, o, 480);
  const labels = (m as { labels?: ArrayLike<number> }).labels;
  const names = Array.from(
    { length: k },
    (_, i) => o.classNames?.[i] ?? (labels ? String(labels[i]) : String(i)),
  );
  const values = new Float64Array(k * k);
  for (let i = 0; i < k; i++) {
    let total = 0;
    for (let j = 0; j < k; j++) total += m.data[i * k + j];
    for (let j = 0; j < k; j++)
      values[i * k + j] = o.normalize
        ? total > 0
          ? m.data[i * k + j] / total
          : 0
        : m.data[i * k + j];
  }
  const max = Math.max(...values, o.normalize ? 1 : 1e-12);
  const area = { left: 110, top: 40, right: width - 90, bottom: height - 70 };
  const size = Math.min(area.right - area.left, area.bottom - area.top);
  const cell = size / k;
  let s = svgOpen(width, height, o.title);
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < k; j++) {
      const v = values[i * k + j];
      const t = v / max;
      const x = area.left + j * cell;
      const y = area.top + i * cell;
      s += `<rect x="${fmt(x)}" y="${fmt(y)}" width="${fmt(cell)}" height="${fmt(cell)}" fill="${sequentialColor(t)}" stroke="#ffffff"/>`;
      if (cell >= 18) {
        const text = o.normalize ? v.toFixed(2) : String(Math.round(v));
        s += `<text x="${fmt(x + cell / 2)}" y="${fmt(y + cell / 2)}" text-anchor="middle" dominant-baseline="middle" font-size="${cell > 40 ? 12 : 9}" fill="${t > 0.5 ? '#ffffff' : '#111111'}">${text}</text>`;
      }
    }
    s += `<text x="${area.left - 8}" y="${fmt(area.top + (i + 0.5) * cell)}" text-anchor="end" dominant-baseline="middle">${escapeXml(names[i])}</text>`;
    const tx = fmt(area.left + (i + 0.5) * cell);
    const ty = fmt(area.top + size + 14);
    s += `<text x="${tx}" y="${ty}" text-anchor="end" transform="rotate(-30 ${tx} ${ty})">${escapeXml(names[i])}</text>`;
  }
  s += `<text x="${fmt(area.left + size / 2)}" y="${fmt(Math.min(height - 8, area.top + size + 58))}" text-anchor="middle" font-size="13">Predicted label</text>`;
  const cy = fmt(area.top + size / 2);
  s += `<text x="16" y="${cy}" text-anchor="middle" font-size="13" transform="rotate(-90 16 ${cy})">True label</text>`;
  s += colorBar(
    area.left + size + 20,
    area.top + 14,
    Math.min(200, size - 14),
    sequentialColor,
    '0',
    o.normalize ? tickText(max) : String(Math.round(max)),
    o.normalize ? 'share of row' : 'count',
  );
  return s + svgClose();
}

function tickText(v: number): string {
  return String(Number(v.toPrecision(3)));
}
