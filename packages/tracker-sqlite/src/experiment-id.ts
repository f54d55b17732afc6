/**
 * The `experiments.experiment_id` a public experiment id names. Ids are the decimal strings the
 * store gave out, so only a canonical one (`"0"`, or digits without a leading zero, within
 * safe integers) names a row; any other string, such as `"00"` or `"1.0"`, which `Number` would
 * read as an existing id, is `-1`, which no experiment has (ids count from 0): a lookup finds
 * nothing, as in the memory store.
 */
export function experimentRowId(experimentId: string): number {
  if (!/^(?:0|[1-9]\d{0,15})$/.test(experimentId)) return -1;
  const id = Number(experimentId);
  return Number.isSafeInteger(id) ? id : -1;
}
