// Shared by every package's benchmarks (run with `npm run bench`): medians and JSON result lines.
/** Median of a list of numbers. */
export function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
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
