// The trivial task of the throughput bench, in a module of its own so that workers can import it.
import { task } from '@tideflow/core';

export const trivial = task(function benchTrivial(x: number): number {
  return x + 1;
});
