/**
 * How tideflow's own JSON routes (`/api/tideflow/...`) carry what JSON cannot: NaN and ±Infinity
 * as the strings `"NaN"`, `"Infinity"`, `"-Infinity"` (protobuf's JSON mapping, as MLflow's REST
 * API), bytes as base64. Both the routes and `RestTracker` use these, so they agree.
 */
import type {
  ChangePage,
  FlowRunRecord,
  LoggedModel,
  MetricPoint,
  Run,
  SearchRunsResult,
  TrackerChange,
} from '@tideflow/core';
import { TrackingInputError } from '@tideflow/core';
import type { EncodedArtifact } from '@tideflow/core/store';
import { jsonNumber } from './json-number.js';

/** A number as sent: finite, or one of the non-finite names. */
export type WireNumber = number | 'NaN' | 'Infinity' | '-Infinity';

/** Reads a {@link WireNumber}; anything else is `undefined`. */
export function fromWireNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (value === 'NaN') return Number.NaN;
  if (value === 'Infinity') return Number.POSITIVE_INFINITY;
  if (value === '-Infinity') return Number.NEGATIVE_INFINITY;
  return undefined;
}

// Object.fromEntries defines own keys, so a `__proto__` key stays a key.
function mapValues<A, B>(o: Record<string, A>, f: (a: A) => B): Record<string, B> {
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, f(v)]));
}

/**
 * A map with user keys as a request carries it: a list of `[key, value]` pairs, since the server
 * refuses JSON bodies with `__proto__` keys (prototype poisoning) and such a key is a valid tag.
 */
export type WireEntries<V = string> = [string, V][];

/** A map as {@link WireEntries}. */
export function toEntries<V>(map: Record<string, V>): WireEntries<V> {
  return Object.entries(map);
}

/** {@link WireEntries} as a map (own keys, `__proto__` included). */
export function fromEntries<V>(entries: WireEntries<V>): Record<string, V> {
  return Object.fromEntries(entries);
}

/** A flow-run record as a request carries it: its parameters (any JSON) as JSON text. */
export interface WireFlowRun extends Omit<FlowRunRecord, 'parameters'> {
  /** The parameters, as JSON text. */
  parameters: string;
}

/** A flow-run record as sent in a request. */
export function flowRunToWire(record: FlowRunRecord): WireFlowRun {
  return { ...record, parameters: JSON.stringify(record.parameters) };
}

/**
 * A flow-run record as received in a request.
 *
 * @throws TrackingInputError when `parameters` is not JSON text of an object.
 */
export function flowRunFromWire(record: WireFlowRun): FlowRunRecord {
  let parameters: unknown;
  try {
    parameters = JSON.parse(record.parameters);
  } catch {
    parameters = undefined;
  }
  if (typeof parameters !== 'object' || parameters === null || Array.isArray(parameters))
    throw new TrackingInputError(
      `The parameters of flow "${record.flowName}" must be JSON text of an object.`,
    );
  return { ...record, parameters: parameters as Record<string, unknown> };
}

/** A logged model as a request carries it: its metrics as `[key, value]` pairs. */
export interface WireLoggedModel extends Omit<LoggedModel, 'metrics'> {
  /** The metrics, values as {@link WireNumber}. */
  metrics: WireEntries<WireNumber>;
}

/** A logged model as sent in a request. */
export function modelToRequest(m: LoggedModel): WireLoggedModel {
  return { ...m, metrics: toEntries(mapValues(m.metrics, (v) => jsonNumber(v) as WireNumber)) };
}

const toNumber = (v: unknown) => fromWireNumber(v) ?? Number.NaN;

/** A metric point as sent. */
export function metricToWire(p: MetricPoint): Omit<MetricPoint, 'value'> & { value: WireNumber } {
  return { ...p, value: jsonNumber(p.value) as WireNumber };
}

/** A metric point as received. */
export function metricFromWire(p: { value: unknown } & Omit<MetricPoint, 'value'>): MetricPoint {
  return { key: p.key, value: toNumber(p.value), timestamp: p.timestamp, step: p.step };
}

/** A run as sent (latest metric values encoded). */
export function runToWire(run: Run): unknown {
  return {
    info: run.info,
    data: { ...run.data, metrics: mapValues(run.data.metrics, jsonNumber) },
  };
}

/** A run as received. */
export function runFromWire(run: Run): Run {
  return { info: run.info, data: { ...run.data, metrics: mapValues(run.data.metrics, toNumber) } };
}

/** A page of runs as sent. */
export function searchToWire(page: SearchRunsResult): unknown {
  return { ...page, runs: page.runs.map(runToWire) };
}

/** A page of runs as received. */
export function searchFromWire(page: SearchRunsResult): SearchRunsResult {
  return { ...page, runs: page.runs.map(runFromWire) };
}

/** A logged model as sent (its metrics encoded). */
export function modelToWire(m: LoggedModel): unknown {
  return { ...m, metrics: mapValues(m.metrics, jsonNumber) };
}

/** A logged model as received. */
export function modelFromWire(m: LoggedModel): LoggedModel {
  return { ...m, metrics: mapValues(m.metrics, toNumber) };
}

/** An encoded artifact as sent: its record and its bytes in base64. */
export interface WireArtifact {
  /** The record (without `createdAt`). */
  info: EncodedArtifact['info'];
  /** The bytes, base64. */
  data: string;
}

/** An encoded artifact as sent. */
export function artifactToWire(a: EncodedArtifact): WireArtifact {
  return { info: a.info, data: Buffer.from(a.bytes).toString('base64') };
}

/** The bytes of an artifact as received. */
export function bytesFromWire(data: string): Uint8Array {
  return new Uint8Array(Buffer.from(data, 'base64'));
}

/** A page of the change feed as sent (metric values encoded). */
export function changesToWire(page: ChangePage): unknown {
  return {
    ...page,
    changes: page.changes.map((c) =>
      c.kind === 'metric' ? { ...c, point: metricToWire(c.point) } : c,
    ),
  };
}

/** A page of the change feed as received. */
export function changesFromWire(page: ChangePage): ChangePage {
  return {
    ...page,
    changes: page.changes.map((c): TrackerChange =>
      c.kind === 'metric' ? { ...c, point: metricFromWire(c.point) } : c,
    ),
  };
}
