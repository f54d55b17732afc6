import type { DenseMatrix } from '../data/matrix.js';
import { denseMatrix } from '../data/matrix.js';
import type { ChartOptions, LegendEntry } from './svg.js';
import {
  chartSize,
  colorOf,
  ensure,
  extent,
  fmt,
  legend,
  linearScale,
  svgClose,
  svgOpen,
  xAxis,
  yAxis,
} from './svg.js';

/** Input of {@link scatterPlot}. */
export interface ScatterPlotOptions extends ChartOptions {
  /** 2D points, `n × 2` (data with two features, or a t-SNE embedding). */
  readonly points: DenseMatrix;
  /** Class label of each point. */
  readonly labels: ArrayLike<number>;
  /** Name per label value (`classNames[label]`); defaults to "class <label>". */
  readonly classNames?: readonly string[];
  /** Axis titles. Default "x₁" and "x₂". */
  readonly xLabel?: string;
  /** Axis titles. Default "x₁" and "x₂". */
  readonly yLabel?: string;
  /**
   * Decision regions: a classifier's `predict` over the plane, drawn as a light background on a
   * `resolution × resolution` grid (default 80). Only meaningful when the points are the model's
   * own two input features.
   */
  readonly regions?: {
    readonly predict: (X: DenseMatrix) => Int32Array;
    readonly resolution?: number;
  };
  /** Point radius in pixels. Default 2.5. */
  readonly pointRadius?: number;
}

/**
 * Scatter plot of 2D points coloured by class, optionally over a classifier's decision regions;
 * used for 2D data and for t-SNE embeddings of 3D data.
 *
 * @example
 * ```ts
 * const svg = scatterPlot({ points: embedding, labels: test.y, title: 't-SNE of the test rows' });
 * ```
 */
export function scatterPlot(o: ScatterPlotOptions): string {
  const owner = 'scatterPlot';
  const { width, height } = chartSize(owner, o, 460);
  const P = o.points;
  ensure(owner, !!P && P.cols === 2 && P.rows > 0, 'points', 'must be a non-empty n × 2 matrix.');
  ensure(
    owner,
    o.labels.length === P.rows,
    'labels',
    `needs one label per point (${P.rows}), got ${o.labels.length}.`,
  );
  const xs = new Float64Array(P.rows);
  const ys = new Float64Array(P.rows);
  for (let i = 0; i < P.rows; i++) {
    xs[i] = P.data[2 * i];
    ys[i] = P.data[2 * i + 1];
  }
  const labelSet = [...new Set(Array.from(o.labels))].sort((a, b) => a - b);
  const name = (l: number): string => o.classNames?.[l] ?? `class ${l}`;
  // Colour by label value, so a class keeps its colour across charts of different subsets.
  const colorFor = new Map(labelSet.map((l) => [l, colorOf(l)]));
  const area = { left: 64, top: 36, right: width - 140, bottom: height - 52 };
  const sx = linearScale(extent(xs, 0.05), [area.left, area.right]);
  const sy = linearScale(extent(ys, 0.05), [area.bottom, area.top]);
  let s = svgOpen(width, height, o.title);
  if (o.regions) s += regions(o.regions, sx.domain, sy.domain, area, sx, sy, colorFor);
  s += xAxis(area, sx, { label: o.xLabel ?? 'x₁', grid: !o.regions });
  s += yAxis(area, sy, { label: o.yLabel ?? 'x₂', grid: !o.regions });
  const r = o.pointRadius ?? 2.5;
  s += '<g class="points">';
  for (let i = 0; i < P.rows; i++) {
    s += `<circle cx="${fmt(sx(xs[i]))}" cy="${fmt(sy(ys[i]))}" r="${r}" fill="${colorFor.get(o.labels[i])}" fill-opacity="0.8"/>`;
  }
  s += '</g>';
  const entries: LegendEntry[] = labelSet.map((l) => ({
    label: name(l),
    color: colorFor.get(l) ?? '#000',
    shape: 'circle',
  }));
  s += legend(area.right + 12, area.top, entries, o.regions ? 'class (region)' : 'class');
  return s + svgClose();
}

/** Decision regions as horizontal runs of equal prediction, so the SVG stays small. */
function regions(
  r: NonNullable<ScatterPlotOptions['regions']>,
  dx: readonly [number, number],
  dy: readonly [number, number],
  area: { left: number; top: number; right: number; bottom: number },
  sx: (v: number) => number,
  sy: (v: number) => number,
  colorFor: Map<number, string>,
): string {
  const res = r.resolution ?? 80;
  ensure(
    'scatterPlot',
    Number.isInteger(res) && res >= 2 && res <= 400,
    'regions.resolution',
    'must be an integer in [2, 400].',
  );
  const grid = denseMatrix(res * res, 2);
  const cx = (k: number): number => dx[0] + ((k + 0.5) * (dx[1] - dx[0])) / res;
  const cy = (k: number): number => dy[0] + ((k + 0.5) * (dy[1] - dy[0])) / res;
  for (let a = 0; a < res; a++) {
    for (let b = 0; b < res; b++) {
      grid.data[2 * (a * res + b)] = cx(b);
      grid.data[2 * (a * res + b) + 1] = cy(a);
    }
  }
  const pred = r.predict(grid);
  const cellW = (area.right - area.left) / res;
  const cellH = (area.bottom - area.top) / res;
  // Opacity on the group, not per cell, so that overlapping cell edges do not darken.
  let s = '<g class="regions" opacity="0.2">';
  for (let a = 0; a < res; a++) {
    let b = 0;
    while (b < res) {
      const label = pred[a * res + b];
      let e = b + 1;
      while (e < res && pred[a * res + e] === label) e++;
      const x = sx(dx[0]) + b * cellW;
      const y = sy(cy(a)) - cellH / 2;
      s += `<rect x="${fmt(x)}" y="${fmt(y)}" width="${fmt((e - b) * cellW + 0.5)}" height="${fmt(cellH + 0.5)}" fill="${colorFor.get(label) ?? '#999999'}"/>`;
      b = e;
    }
  }
  return s + '</g>';
}
