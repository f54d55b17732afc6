/**
 * The `experiments.experiment_id` a public experiment id names: a string of decimal digits as
 * its number, any other string as `-1`, which no experiment has (ids count from 0), so that a
 * lookup of a malformed id finds nothing instead of failing.
 */
export function experimentRowId(experimentId: string): number {
  return /^\d+$/.test(experimentId) ? Number(experimentId) : -1;
}
