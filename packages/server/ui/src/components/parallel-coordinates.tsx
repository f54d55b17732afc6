import { seriesColour } from './colours.js';

/** One line of the plot: a run and its value on each axis. */
export interface ParallelRow {
  label: string;
  values: Record<string, string | number | undefined>;
}

const W = 160;
const H = 240;
const PAD = 24;

/** A value's place on an axis, 0 (bottom) to 1 (top): numbers by range, text by its rank. */
function scaler(
  rows: readonly ParallelRow[],
  key: string,
): (v: string | number | undefined) => number | undefined {
  const present = rows.map((r) => r.values[key]).filter((v) => v !== undefined && v !== '');
  const numeric = present.every((v) => Number.isFinite(Number(v)));
  if (numeric) {
    const nums = present.map(Number);
    const lo = Math.min(...nums);
    const hi = Math.max(...nums);
    return (v) =>
      v === undefined || v === '' ? undefined : hi === lo ? 0.5 : (Number(v) - lo) / (hi - lo);
  }
  const levels = [...new Set(present.map(String))].sort();
  return (v) =>
    v === undefined
      ? undefined
      : levels.length < 2
        ? 0.5
        : levels.indexOf(String(v)) / (levels.length - 1);
}

/** Runs as lines across one vertical axis per param or metric (a parallel-coordinates plot). */
export function ParallelCoordinates({
  rows,
  keys,
}: {
  rows: readonly ParallelRow[];
  keys: readonly string[];
}) {
  if (keys.length < 2) return <p class="muted">Pick at least two params or metrics.</p>;
  const scales = keys.map((k) => scaler(rows, k));
  const x = (i: number) => PAD + i * W;
  const y = (t: number) => PAD + (1 - t) * (H - 2 * PAD);
  const width = PAD * 2 + (keys.length - 1) * W;
  return (
    <svg
      class="parallel"
      width={width}
      height={H + 20}
      viewBox={`0 0 ${width} ${H + 20}`}
      role="img"
      aria-label="parallel coordinates"
    >
      {keys.map((k, i) => (
        <g key={k}>
          <line x1={x(i)} x2={x(i)} y1={PAD} y2={H - PAD} class="axis" />
          <text x={x(i)} y={H - 4} text-anchor="middle">
            {k}
          </text>
        </g>
      ))}
      {rows.map((r, j) => {
        const points = keys
          .map((k, i) => {
            const t = scales[i](r.values[k]);
            return t === undefined ? undefined : `${x(i)},${y(t).toFixed(1)}`;
          })
          .filter((p) => p !== undefined);
        return (
          <polyline
            key={j}
            points={points.join(' ')}
            fill="none"
            stroke={seriesColour(j)}
            stroke-width={2}
          >
            <title>{r.label}</title>
          </polyline>
        );
      })}
    </svg>
  );
}
