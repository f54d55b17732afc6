// Tasks of worker-pool.bench.ts, in a module of their own: a worker imports it to find them.
import { task } from '@tideflow/core';

/** The epoch time in ms with sub-ms precision, comparable across threads. */
export const now = (): number => performance.timeOrigin + performance.now();

export const trivial = task(function benchTrivial(i: number): number {
  return i;
});

/** Returns when the body started (the argument has arrived and been decoded by then). */
export const arrival = task(function benchArrival(data: Float64Array): number {
  if (data.length === 0) throw new Error('no data');
  return now();
});

/** Never yields for `ms` milliseconds. */
export const spin = task(function benchSpin(ms: number): number {
  const end = Date.now() + ms;
  let x = 0;
  while (Date.now() < end) x++;
  return x;
});
