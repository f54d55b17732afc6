/** Display formats: times, durations, numbers. */

const pad = (n: number) => String(n).padStart(2, '0');

/** Epoch ms as local `YYYY-MM-DD HH:MM:SS`. */
export function formatTime(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '—';
  const d = new Date(ms);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** A duration in ms as `350 ms`, `4.2 s`, `3m 12s`, `2h 05m`. */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(1)} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${pad(Math.floor(s % 60))}s`;
  return `${Math.floor(m / 60)}h ${pad(m % 60)}m`;
}

/**
 * How long a run took (`endTime - startTime`), or has taken so far while it has no end: the
 * one duration every page shows for a flow run or a tracking run.
 */
export function runDuration(
  run: { startTime: number; endTime: number | null },
  now: number = Date.now(),
): number {
  return (run.endTime ?? now) - run.startTime;
}

/** A metric value with at most 4 significant digits (integers as they are). */
export function formatNumber(v: number | undefined): string {
  if (v === undefined) return '';
  if (Number.isInteger(v) && Math.abs(v) < 1e15) return String(v);
  if (!Number.isFinite(v)) return String(v);
  return Math.abs(v) >= 1e-3 && Math.abs(v) < 1e6
    ? String(Number(v.toPrecision(4)))
    : v.toExponential(3);
}

/** A byte count as `512 B`, `3.1 kB`, `2.0 MB`. */
export function formatBytes(n: number): string {
  if (n < 1000) return `${n} B`;
  if (n < 1e6) return `${(n / 1000).toFixed(1)} kB`;
  return `${(n / 1e6).toFixed(1)} MB`;
}
