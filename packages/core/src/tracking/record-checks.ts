import { codePointLength } from './code-points.js';
import { InvalidArtifactPathError, TrackingInputError } from './errors.js';
import { STATE_TYPES } from '../engine/state.js';
import { RUN_STATUSES } from './tracker.js';
import type {
  FlowRunRecord,
  LogLine,
  MetricInput,
  MetricPoint,
  ParamValue,
  RunStatus,
  TaskRunRecord,
} from './tracker.js';

/** Longest metric, param or tag key, as in MLflow. */
export const MAX_KEY_LENGTH = 250;
/** Longest param value, as in MLflow. */
export const MAX_PARAM_VALUE_LENGTH = 6000;
/** Longest tag value, as in MLflow. */
export const MAX_TAG_VALUE_LENGTH = 8000;
/** Longest artifact path segment in UTF-8 bytes: a file name on ext4, APFS, NTFS and most others. */
export const MAX_SEGMENT_BYTES = 255;

const utf8 = new TextEncoder();

// MLflow's rule for metric/param/tag names: these characters only, and no path tricks, because
// names may become file names in some stores.
const KEY_RE = /^[\w\-. /:]+$/;

/** Checks a metric, param or tag key; throws `TrackingInputError` naming it if invalid. */
export function validateKey(kind: 'metric' | 'param' | 'tag', key: unknown): asserts key is string {
  if (typeof key !== 'string' || key.length === 0) {
    throw new TrackingInputError(
      `A ${kind} key must be a non-empty string, got ${JSON.stringify(key)}.`,
    );
  }
  if (key.length > MAX_KEY_LENGTH && codePointLength(key) > MAX_KEY_LENGTH) {
    throw new TrackingInputError(
      `The ${kind} key "${key.slice(0, 40)}..." has ${codePointLength(key)} characters; the limit is ${MAX_KEY_LENGTH}.`,
    );
  }
  if (!KEY_RE.test(key)) {
    throw new TrackingInputError(
      `Invalid ${kind} key "${key}": use letters, digits, underscores, dashes, periods, spaces, colons and slashes.`,
    );
  }
  if (key.split('/').some((s) => s === '' || s === '.' || s === '..')) {
    throw new TrackingInputError(
      `Invalid ${kind} key "${key}": it must not start or end with "/", hold "//" or "." / ".." segments.`,
    );
  }
}

/** Converts a param value to its stored string and checks it. */
export function paramToString(key: string, value: ParamValue): string {
  if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') {
    throw new TrackingInputError(
      `Param "${key}" must be a string, number or boolean, got ${value === null ? 'null' : typeof value}.`,
    );
  }
  const s = String(value);
  if (s.length > MAX_PARAM_VALUE_LENGTH && codePointLength(s) > MAX_PARAM_VALUE_LENGTH) {
    throw new TrackingInputError(
      `Param "${key}" has a value of ${codePointLength(s)} characters; the limit is ${MAX_PARAM_VALUE_LENGTH}.`,
    );
  }
  return s;
}

/** Checks a tag value. */
export function validateTagValue(key: string, value: unknown): asserts value is string {
  if (typeof value !== 'string') {
    throw new TrackingInputError(`Tag "${key}" must be a string, got ${typeof value}.`);
  }
  if (value.length > MAX_TAG_VALUE_LENGTH && codePointLength(value) > MAX_TAG_VALUE_LENGTH) {
    throw new TrackingInputError(
      `Tag "${key}" has a value of ${codePointLength(value)} characters; the limit is ${MAX_TAG_VALUE_LENGTH}.`,
    );
  }
}

/** Checks a metric input and fills in its timestamp (now) and step (0). */
export function toMetricPoint(m: MetricInput, now: number): MetricPoint {
  validateKey('metric', m.key);
  if (typeof m.value !== 'number') {
    throw new TrackingInputError(`Metric "${m.key}" must be a number, got ${typeof m.value}.`);
  }
  const timestamp = m.timestamp ?? now;
  const step = m.step ?? 0;
  if (!Number.isFinite(timestamp)) {
    throw new TrackingInputError(`Metric "${m.key}" has a non-finite timestamp ${timestamp}.`);
  }
  if (!Number.isSafeInteger(step)) {
    throw new TrackingInputError(`Metric "${m.key}" has step ${step}; a step must be an integer.`);
  }
  return { key: m.key, value: m.value, timestamp: Math.trunc(timestamp), step };
}

/**
 * Whether point `p` replaces `latest` as the latest value: a larger step, or the same step and a
 * timestamp at least as large (so the last logged wins a tie).
 */
export function isNewer(p: MetricPoint, latest: MetricPoint | undefined): boolean {
  return (
    latest === undefined ||
    p.step > latest.step ||
    (p.step === latest.step && p.timestamp >= latest.timestamp)
  );
}

const RUN_ID_RE = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * Checks an explicit run or task-run id: it names a directory, so only letters, digits, `-` and
 * `_`. The ids tideflow makes (32 lowercase hex digits) always pass.
 */
export function validateRunId(runId: unknown, what = 'run id'): asserts runId is string {
  if (typeof runId !== 'string' || !RUN_ID_RE.test(runId)) {
    throw new TrackingInputError(
      `Invalid ${what} ${JSON.stringify(runId)}: use 1 to 64 letters, digits, "-" or "_".`,
    );
  }
}

/** Checks a run status. */
export function validateStatus(status: unknown): asserts status is RunStatus {
  if (!RUN_STATUSES.includes(status as RunStatus)) {
    throw new TrackingInputError(
      `Invalid run status ${JSON.stringify(status)}; use one of ${RUN_STATUSES.join(', ')}.`,
    );
  }
}

/** Checks an epoch-ms time. */
export function validateTime(what: string, t: unknown): asserts t is number {
  if (typeof t !== 'number' || !Number.isFinite(t)) {
    throw new TrackingInputError(`${what} must be a finite epoch-ms number, got ${String(t)}.`);
  }
}

/** Checks an experiment or registered model name. */
export function validateName(what: string, name: unknown): asserts name is string {
  if (
    typeof name !== 'string' ||
    name.trim() === '' ||
    (name.length > MAX_KEY_LENGTH && codePointLength(name) > MAX_KEY_LENGTH)
  ) {
    throw new TrackingInputError(
      `${what} must be a non-empty string of at most ${MAX_KEY_LENGTH} characters, got ${JSON.stringify(name)}.`,
    );
  }
}

/**
 * Checks an artifact path: relative, `/`-separated, without `.`/`..`/empty segments, backslashes,
 * NUL or a drive letter, so that it can never resolve outside the run's artifact directory.
 */
export function validateArtifactPath(path: unknown): asserts path is string {
  if (typeof path !== 'string' || path.length === 0) {
    throw new InvalidArtifactPathError(String(path), 'it must be a non-empty string');
  }
  if (path.includes('\0')) throw new InvalidArtifactPathError(path, 'it contains a NUL character');
  if (/[\r\n]/.test(path)) throw new InvalidArtifactPathError(path, 'it contains a line break');
  if (path.includes('\\')) throw new InvalidArtifactPathError(path, 'it contains a backslash');
  if (path.startsWith('/') || /^[A-Za-z]:/.test(path)) {
    throw new InvalidArtifactPathError(path, 'it is absolute');
  }
  const segments = path.split('/');
  if (segments.includes('..')) throw new InvalidArtifactPathError(path, 'it contains ".."');
  if (segments.some((s) => s === '' || s === '.')) {
    throw new InvalidArtifactPathError(path, 'it has an empty or "." segment');
  }
  if (path.length > 1000)
    throw new InvalidArtifactPathError(path.slice(0, 60), 'it is longer than 1000 characters');
  const long = segments.find((s) => s.length > 85 && utf8.encode(s).length > MAX_SEGMENT_BYTES);
  if (long !== undefined) {
    throw new InvalidArtifactPathError(
      path.slice(0, 60),
      `its segment "${long.slice(0, 20)}…" is longer than ${MAX_SEGMENT_BYTES} bytes, too long for a file name`,
    );
  }
}

/** Checks a typed-artifact key or a logged model name: one path segment of safe characters. */
export function validateSegmentName(what: string, name: unknown): asserts name is string {
  if (typeof name !== 'string' || !/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,99}$/.test(name)) {
    throw new TrackingInputError(
      `Invalid ${what} ${JSON.stringify(name)}: use up to 100 letters, digits, "_", "-" or "." (not first).`,
    );
  }
}

/** Checks a model alias: not `latest`, not `v<digits>` (those name versions). */
export function validateAlias(alias: unknown): asserts alias is string {
  if (typeof alias !== 'string' || !/^[A-Za-z0-9_-]{1,100}$/.test(alias)) {
    throw new TrackingInputError(
      `Invalid model alias ${JSON.stringify(alias)}: use letters, digits, "_" and "-".`,
    );
  }
  if (alias.toLowerCase() === 'latest' || /^v\d+$/i.test(alias) || /^\d+$/.test(alias)) {
    throw new TrackingInputError(
      `The alias "${alias}" is reserved (it would shadow a version); pick another name.`,
    );
  }
}

/** Checks a record's state and state history; `what` names the record (built only for an error). */
function validateHistory<R extends { state: unknown; stateHistory: unknown }>(
  what: (record: R) => string,
  record: R,
): void {
  if (!STATE_TYPES.includes(record.state as never)) {
    throw new TrackingInputError(
      `${what(record)} has an invalid state ${JSON.stringify(record.state)}.`,
    );
  }
  if (!Array.isArray(record.stateHistory)) {
    throw new TrackingInputError(`${what(record)} needs a stateHistory array.`);
  }
  for (const s of record.stateHistory as { type: unknown; timestamp: unknown }[]) {
    if (!STATE_TYPES.includes(s.type as never)) {
      throw new TrackingInputError(
        `${what(record)} has an invalid state ${JSON.stringify(s.type)} in its history.`,
      );
    }
    if (typeof s.timestamp !== 'number' || !Number.isFinite(s.timestamp))
      validateTime(`A state timestamp of ${what(record)}`, s.timestamp);
  }
}

const flowRunLabel = (record: FlowRunRecord): string => `Flow run "${record.flowName}"`;
const taskRunLabel = (record: TaskRunRecord): string =>
  `Task run "${record.taskName}" (${record.taskRunId})`;

/** Checks a flow-run record. */
export function validateFlowRun(record: FlowRunRecord): void {
  validateName('A flow name', record.flowName);
  validateHistory(flowRunLabel, record);
}

/** The task names {@link validateTaskRun} saw last, valid (the task runs of a flow share a few). */
let validTaskName: string | undefined;
let validTaskRunName: string | undefined;

/** Checks a task-run record. */
export function validateTaskRun(record: TaskRunRecord): void {
  validateRunId(record.taskRunId, 'task run id');
  if (record.taskName !== validTaskName) {
    validateName('A task name', record.taskName);
    validTaskName = record.taskName;
  }
  if (record.taskRunName !== validTaskRunName && record.taskRunName !== validTaskName) {
    validateName('A task run name', record.taskRunName);
    validTaskRunName = record.taskRunName;
  }
  validateHistory(taskRunLabel, record);
  if (!Number.isSafeInteger(record.attempts) || record.attempts < 0) {
    throw new TrackingInputError(
      `Task run ${record.taskRunId} has invalid attempts ${record.attempts}.`,
    );
  }
}

const LEVELS = new Set(['debug', 'info', 'warn', 'error']);

/** Checks log lines. */
export function validateLogLines(lines: readonly LogLine[]): void {
  for (const l of lines) {
    validateTime('A log line timestamp', l.timestamp);
    if (!LEVELS.has(l.level))
      throw new TrackingInputError(`Invalid log level ${JSON.stringify(l.level)}.`);
    if (typeof l.message !== 'string')
      throw new TrackingInputError('A log line message must be a string.');
  }
}
