/**
 * A number as JSON can carry it: finite numbers as themselves, NaN and ±Infinity as the strings
 * `"NaN"`, `"Infinity"`, `"-Infinity"` (protobuf's JSON mapping, which MLflow's REST API uses),
 * since `JSON.stringify` would turn them into `null`.
 */
export function jsonNumber(value: number): number | string {
  return Number.isFinite(value) ? value : String(value);
}
