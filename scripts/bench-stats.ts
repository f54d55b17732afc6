// Shared by every package's benchmarks (run with `npm run bench`): statistics, seeded random
// numbers and JSON result lines, declared once here rather than in each bench.
/** Median of a list of numbers (the mean of the two middle values for an even count). */
export function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/**
 * The `q`-quantile of a list of numbers by nearest rank: the value at index `floor(q · n)` of the
 * sorted list, the largest for `q = 1` (so `quantile(times, 0.95)` is a p95 and
 * `quantile(times, 1)` the maximum). The list is not changed.
 *
 * @param values at least one number
 * @param q from 0 to 1
 * @throws RangeError when `values` is empty or `q` is outside [0, 1]
 */
export function quantile(values: ArrayLike<number>, q: number): number {
  if (values.length === 0) throw new RangeError('quantile: no values');
  if (!(q >= 0 && q <= 1)) throw new RangeError(`quantile: q must be from 0 to 1, got ${q}`);
  const s = Float64Array.from(values).sort();
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
}

/**
 * A seeded generator of uniform numbers in [0, 1) (mulberry32): the same seed gives the same
 * sequence on every run, so a benchmark seeds and measures the same data each time.
 *
 * @param seed any 32-bit integer
 * @example
 * const random = seededRandom(42);
 * const metric = random(); // 0.6011037519201636, on every run
 */
export function seededRandom(seed: number): () => number {
  let state = seed | 0;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Prints one benchmark result as a JSON line. */
export function report(
  bench: string,
  value: number,
  unit: string,
  extra: Record<string, unknown> = {},
): void {
  process.stdout.write(
    JSON.stringify({ bench, value: Number(value.toPrecision(4)), unit, ...extra }) + '\n',
  );
}
