import type { ChartOptions, LegendEntry } from './svg.js';
import {
  chartSize,
  colorOf,
  ensure,
  fmt,
  legend,
  legendWidth,
  linearScale,
  svgClose,
  svgOpen,
  xAxis,
  yAxis,
} from './svg.js';

/** One model's calibration curve (see `calibrationCurve`). */
export interface ReliabilityCurve {
  /** Legend label. */
  readonly name: string;
  /** Mean predicted probability per bin. */
  readonly probPred: ArrayLike<number>;
  /** Observed fraction of positives per bin. */
  readonly probTrue: ArrayLike<number>;
}

/** Input of {@link reliabilityDiagram}. */
export interface ReliabilityDiagramOptions extends ChartOptions {
  /** The curves, one per model (several models share the chart). */
  readonly curves: readonly ReliabilityCurve[];
  /** Axis titles. */
  readonly xLabel?: string;
  /** Axis titles. */
  readonly yLabel?: string;
}

/**
 * Reliability diagram: observed frequency against predicted probability per bin for several
 * models, with the diagonal of perfect calibration.
 *
 * @example
 * ```ts
 * const nb = calibrationCurve(isClass0, probaNB, { nBins: 10 });
 * const svg = reliabilityDiagram({ curves: [{ name: 'GaussianNB', ...nb }], title: 'Class 0' });
 * ```
 */
export function reliabilityDiagram(o: ReliabilityDiagramOptions): string {
  const owner = 'reliabilityDiagram';
  ensure(
    owner,
    Array.isArray(o.curves) && o.curves.length > 0,
    'curves',
    'needs at least one curve.',
  );
  for (const c of o.curves) {
    ensure(
      owner,
      c.probPred.length === c.probTrue.length,
      'curves',
      `"${c.name}": probPred and probTrue differ in length.`,
    );
  }
  const { width, height } = chartSize(owner, o, 440);
  // Room for the legend: model names can be long ("gaussian_nb (uncalibrated)").
  const legendRoom = legendWidth(
    [{ label: 'perfectly calibrated' }, ...o.curves.map((c) => ({ label: c.name }))],
    'model',
  );
  const area = {
    left: 64,
    top: 36,
    right: width - Math.max(170, legendRoom + 24),
    bottom: height - 52,
  };
  const sx = linearScale([0, 1], [area.left, area.right]);
  const sy = linearScale([0, 1], [area.bottom, area.top]);
  const ticks = [0, 0.2, 0.4, 0.6, 0.8, 1];
  let s = svgOpen(width, height, o.title);
  s += xAxis(area, sx, { label: o.xLabel ?? 'Mean predicted probability', ticks });
  s += yAxis(area, sy, { label: o.yLabel ?? 'Fraction of positives', ticks });
  s += `<line x1="${sx(0)}" y1="${sy(0)}" x2="${sx(1)}" y2="${sy(1)}" stroke="#777" stroke-dasharray="5 4"/>`;
  const entries: LegendEntry[] = [
    { label: 'perfectly calibrated', color: '#777', shape: 'dashed' },
  ];
  o.curves.forEach((c, k) => {
    const color = colorOf(k);
    const pts = Array.from(
      { length: c.probPred.length },
      (_, i) => `${fmt(sx(c.probPred[i]))},${fmt(sy(c.probTrue[i]))}`,
    );
    s += `<polyline points="${pts.join(' ')}" fill="none" stroke="${color}" stroke-width="2"/>`;
    for (const p of pts) {
      const [x, y] = p.split(',');
      s += `<circle cx="${x}" cy="${y}" r="3.5" fill="${color}"/>`;
    }
    entries.push({ label: c.name, color, shape: 'line' });
  });
  s += legend(area.right + 12, area.top, entries, 'model');
  return s + svgClose();
}
