import type { Experiment, Run } from '@tideflow/core';

/** A JSON value as the CLI prints it. */
export type JsonValue =
  string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** A map with its keys sorted, so that output does not depend on insertion order. */
export function sortedRecord<T>(
  record: Record<string, T>,
  map: (v: T) => JsonValue = (v) => v as JsonValue,
): Record<string, JsonValue> {
  const out: Record<string, JsonValue> = {};
  for (const k of Object.keys(record).sort()) out[k] = map(record[k]);
  return out;
}

/** JSON has no NaN or Infinity: such metric values print as the strings "NaN", "Infinity", "-Infinity". */
export function jsonNumber(v: number): JsonValue {
  return Number.isFinite(v) ? v : String(v);
}

/**
 * The stable JSON shape of a run (the `--json` contract of `runs ls/show/compare`): fixed key
 * order, maps sorted by key, times as epoch ms.
 */
export function runJson(run: Run, experiment?: Experiment): { [key: string]: JsonValue } {
  return {
    runId: run.info.runId,
    name: run.info.name,
    experimentId: run.info.experimentId,
    experimentName: experiment?.name ?? null,
    status: run.info.status,
    lifecycleStage: run.info.lifecycleStage,
    startTime: run.info.startTime,
    endTime: run.info.endTime,
    parentRunId: run.info.parentRunId,
    params: sortedRecord(run.data.params),
    metrics: sortedRecord(run.data.metrics, jsonNumber),
    tags: sortedRecord(run.data.tags),
  };
}

/** Two-space indented JSON with a final newline. */
export function printJson(value: JsonValue): string {
  return JSON.stringify(value, null, 2) + '\n';
}
