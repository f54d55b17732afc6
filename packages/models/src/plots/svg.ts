// Small building blocks for the charts: scales, ticks, axes, legends and colours, all producing
// SVG text. No DOM and no browser: every chart is a pure function from data to a string.
import { InvalidParameterError } from '../errors.js';

/** Size and labels common to every chart. */
export interface ChartOptions {
  /** Chart title, drawn above the plot. */
  readonly title?: string;
  /** Width in pixels. Default 600. */
  readonly width?: number;
  /** Height in pixels. Default depends on the chart (about 400). */
  readonly height?: number;
}

/** Ten colours that stay distinct for common colour-vision deficiencies (Tableau 10). */
export const PALETTE: readonly string[] = Object.freeze([
  '#4e79a7',
  '#f28e2b',
  '#e15759',
  '#76b7b2',
  '#59a14f',
  '#edc948',
  '#b07aa1',
  '#ff9da7',
  '#9c755f',
  '#bab0ac',
]);

/** The colour of series or class `i` (cycling through {@link PALETTE}). */
export function colorOf(i: number): string {
  return PALETTE[((i % PALETTE.length) + PALETTE.length) % PALETTE.length];
}

/** Escapes text for use inside SVG elements and attributes. */
export function escapeXml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );
}

/** A number printed compactly for coordinates (2 decimals). */
export function fmt(v: number): string {
  return Number.isInteger(v) ? String(v) : v.toFixed(2);
}

/** A linear map from a data interval to a pixel interval. */
export interface Scale {
  (v: number): number;
  /** The data interval. */
  readonly domain: readonly [number, number];
  /** The pixel interval. */
  readonly range: readonly [number, number];
}

/** A linear scale; a zero-width domain is widened so that values land in the middle. */
export function linearScale(
  domain: readonly [number, number],
  range: readonly [number, number],
): Scale {
  let [d0, d1] = domain;
  if (!(d1 > d0)) {
    const pad = Math.abs(d0) > 0 ? Math.abs(d0) * 0.1 : 1;
    d0 -= pad;
    d1 += pad;
  }
  const [r0, r1] = range;
  const k = (r1 - r0) / (d1 - d0);
  const f = ((v: number) => r0 + (v - d0) * k) as Scale;
  Object.defineProperty(f, 'domain', { value: [d0, d1] as const });
  Object.defineProperty(f, 'range', { value: [r0, r1] as const });
  return f;
}

/** About `count` round tick values covering [min, max] (1, 2, 2.5 or 5 × a power of ten apart). */
export function niceTicks(min: number, max: number, count = 5): number[] {
  if (!(max > min)) return [min];
  const raw = (max - min) / Math.max(1, count);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  const ticks: number[] = [];
  for (let v = Math.ceil(min / step - 1e-9) * step; v <= max + step * 1e-9; v += step) {
    ticks.push(Math.abs(v) < step * 1e-9 ? 0 : Number(v.toPrecision(12)));
  }
  return ticks;
}

/** Domain [min, max] of finite values, padded by `pad` of its width on each side. */
export function extent(values: ArrayLike<number>, pad = 0): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (Number.isFinite(v)) {
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  }
  if (lo === Infinity) return [0, 1];
  const w = hi - lo;
  return [lo - w * pad, hi + w * pad];
}

/** Tick label text: up to 4 significant digits, no trailing zeros. */
export function tickLabel(v: number): string {
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e5 || a < 1e-3) return v.toExponential(1);
  return String(Number(v.toPrecision(4)));
}

/** The plot area inside the chart, in pixels. */
export interface PlotArea {
  readonly left: number;
  readonly top: number;
  readonly right: number;
  readonly bottom: number;
}

/** Opening `<svg>` with a white background, a default font and the title. */
export function svgOpen(width: number, height: number, title: string | undefined): string {
  const head = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="DejaVu Sans, Helvetica, Arial, sans-serif" font-size="12">`;
  const bg = `<rect x="0" y="0" width="${width}" height="${height}" fill="#ffffff"/>`;
  const t = title
    ? `<text x="${width / 2}" y="22" text-anchor="middle" font-size="16" font-weight="bold">${escapeXml(title)}</text>`
    : '';
  return head + (title ? `<title>${escapeXml(title)}</title>` : '') + bg + t;
}

/** Closing tag. */
export function svgClose(): string {
  return '</svg>';
}

/** Axis options. */
export interface AxisOptions {
  /** Axis title. */
  readonly label: string;
  /** Tick positions (data values); defaults to nice ticks over the scale's domain. */
  readonly ticks?: readonly number[];
  /** Tick label per tick (defaults to {@link tickLabel}). */
  readonly tickText?: (v: number, i: number) => string;
  /** Draw light grid lines across the plot. Default true. */
  readonly grid?: boolean;
}

/** A bottom x axis: line, ticks, labels and the axis title. */
export function xAxis(area: PlotArea, scale: Scale, o: AxisOptions): string {
  const ticks = o.ticks ?? niceTicks(scale.domain[0], scale.domain[1], 6);
  let s = `<g class="x-axis"><line x1="${area.left}" y1="${area.bottom}" x2="${area.right}" y2="${area.bottom}" stroke="#333"/>`;
  ticks.forEach((t, i) => {
    const x = fmt(scale(t));
    if (o.grid !== false)
      s += `<line x1="${x}" y1="${area.top}" x2="${x}" y2="${area.bottom}" stroke="#e6e6e6"/>`;
    s += `<line x1="${x}" y1="${area.bottom}" x2="${x}" y2="${area.bottom + 5}" stroke="#333"/>`;
    s += `<text x="${x}" y="${area.bottom + 18}" text-anchor="middle">${escapeXml(o.tickText ? o.tickText(t, i) : tickLabel(t))}</text>`;
  });
  s += `<text x="${fmt((area.left + area.right) / 2)}" y="${area.bottom + 38}" text-anchor="middle" font-size="13">${escapeXml(o.label)}</text></g>`;
  return s;
}

/** A left y axis: line, ticks, labels and the (rotated) axis title. */
export function yAxis(area: PlotArea, scale: Scale, o: AxisOptions): string {
  const ticks = o.ticks ?? niceTicks(scale.domain[0], scale.domain[1], 6);
  let s = `<g class="y-axis"><line x1="${area.left}" y1="${area.top}" x2="${area.left}" y2="${area.bottom}" stroke="#333"/>`;
  ticks.forEach((t, i) => {
    const y = fmt(scale(t));
    if (o.grid !== false)
      s += `<line x1="${area.left}" y1="${y}" x2="${area.right}" y2="${y}" stroke="#e6e6e6"/>`;
    s += `<line x1="${area.left - 5}" y1="${y}" x2="${area.left}" y2="${y}" stroke="#333"/>`;
    s += `<text x="${area.left - 8}" y="${y}" text-anchor="end" dominant-baseline="middle">${escapeXml(o.tickText ? o.tickText(t, i) : tickLabel(t))}</text>`;
  });
  const cy = fmt((area.top + area.bottom) / 2);
  s += `<text x="16" y="${cy}" text-anchor="middle" font-size="13" transform="rotate(-90 16 ${cy})">${escapeXml(o.label)}</text></g>`;
  return s;
}

/** One legend entry: a label and how its swatch is drawn. */
export interface LegendEntry {
  /** Text. */
  readonly label: string;
  /** Swatch colour. */
  readonly color: string;
  /** Swatch shape. Default `'square'`. */
  readonly shape?: 'square' | 'circle' | 'line' | 'dashed';
}

/** Longest legend label drawn; longer ones are cut with `…` (the full text is the tooltip). */
const MAX_LEGEND_LABEL = 28;

const legendLabel = (label: string): string =>
  label.length > MAX_LEGEND_LABEL ? `${label.slice(0, MAX_LEGEND_LABEL - 1)}…` : label;

/** The width a {@link legend} of these entries takes, so that a chart can leave room for it. */
export function legendWidth(entries: readonly { label: string }[], title?: string): number {
  return Math.max(
    60,
    ...entries.map((e) => 28 + 7 * legendLabel(e.label).length),
    title ? 8 * title.length : 0,
  );
}

/** A legend in a column starting at (x, y), with a light frame. */
export function legend(
  x: number,
  y: number,
  entries: readonly LegendEntry[],
  title?: string,
): string {
  const rowH = 18;
  const width = legendWidth(entries, title);
  const height = entries.length * rowH + (title ? rowH : 0) + 8;
  let s = `<g class="legend"><rect x="${x}" y="${y}" width="${width}" height="${height}" fill="#ffffff" fill-opacity="0.85" stroke="#bbb"/>`;
  let cy = y + 4;
  if (title) {
    s += `<text x="${x + 6}" y="${cy + 12}" font-weight="bold">${escapeXml(title)}</text>`;
    cy += rowH;
  }
  for (const e of entries) {
    const mid = cy + rowH / 2;
    const shape = e.shape ?? 'square';
    if (shape === 'circle') s += `<circle cx="${x + 12}" cy="${mid}" r="5" fill="${e.color}"/>`;
    else if (shape === 'line' || shape === 'dashed') {
      s += `<line x1="${x + 4}" y1="${mid}" x2="${x + 20}" y2="${mid}" stroke="${e.color}" stroke-width="2"${shape === 'dashed' ? ' stroke-dasharray="4 3"' : ''}/>`;
    } else s += `<rect x="${x + 6}" y="${mid - 6}" width="12" height="12" fill="${e.color}"/>`;
    const text = legendLabel(e.label);
    const tooltip = text === e.label ? '' : `<title>${escapeXml(e.label)}</title>`;
    s += `<text x="${x + 26}" y="${mid}" dominant-baseline="middle">${tooltip}${escapeXml(text)}</text>`;
    cy += rowH;
  }
  return s + '</g>';
}

/** Throws `InvalidParameterError` from chart `owner` when `ok` is false. */
export function ensure(owner: string, ok: boolean, parameter: string, detail: string): void {
  if (!ok) throw new InvalidParameterError(owner, parameter, detail);
}

/** Width and height with defaults, checked to be positive. */
export function chartSize(
  owner: string,
  o: ChartOptions,
  defaultHeight: number,
): { width: number; height: number } {
  const width = o.width ?? 600;
  const height = o.height ?? defaultHeight;
  ensure(
    owner,
    Number.isFinite(width) && width >= 200,
    'width',
    `must be at least 200 pixels, got ${String(width)}.`,
  );
  ensure(
    owner,
    Number.isFinite(height) && height >= 150,
    'height',
    `must be at least 150 pixels, got ${String(height)}.`,
  );
  return { width, height };
}

/** Interpolates from blue (t = 0) through light grey to red (t = 1): low/high feature values. */
export function divergingColor(t: number): string {
  const u = Math.min(1, Math.max(0, Number.isFinite(t) ? t : 0.5));
  const lo = [0x1f, 0x77, 0xb4];
  const mid = [0xdd, 0xdd, 0xdd];
  const hi = [0xd6, 0x27, 0x28];
  const [a, b, k] = u < 0.5 ? [lo, mid, u * 2] : [mid, hi, (u - 0.5) * 2];
  const c = a.map((v, i) => Math.round(v + (b[i] - v) * k));
  return `#${c.map((v) => v.toString(16).padStart(2, '0')).join('')}`;
}

/** Interpolates from white (t = 0) to dark blue (t = 1), for heatmaps. */
export function sequentialColor(t: number): string {
  const u = Math.min(1, Math.max(0, Number.isFinite(t) ? t : 0));
  const lo = [0xf7, 0xfb, 0xff];
  const hi = [0x08, 0x30, 0x6b];
  const c = lo.map((v, i) => Math.round(v + (hi[i] - v) * u));
  return `#${c.map((v) => v.toString(16).padStart(2, '0')).join('')}`;
}

/** A vertical colour bar from `color(0)` (bottom) to `color(1)` (top) with end labels. */
export function colorBar(
  x: number,
  y: number,
  height: number,
  color: (t: number) => string,
  low: string,
  high: string,
  title: string,
): string {
  const steps = 20;
  let s = `<g class="color-bar"><text x="${x}" y="${y - 6}" font-size="11">${escapeXml(title)}</text>`;
  for (let k = 0; k < steps; k++) {
    const t = 1 - (k + 0.5) / steps;
    s += `<rect x="${x}" y="${fmt(y + (k * height) / steps)}" width="14" height="${fmt(height / steps + 0.5)}" fill="${color(t)}"/>`;
  }
  s += `<rect x="${x}" y="${y}" width="14" height="${height}" fill="none" stroke="#888"/>`;
  s += `<text x="${x + 18}" y="${y + 10}" font-size="11">${escapeXml(high)}</text>`;
  s += `<text x="${x + 18}" y="${y + height}" font-size="11">${escapeXml(low)}</text></g>`;
  return s;
}
