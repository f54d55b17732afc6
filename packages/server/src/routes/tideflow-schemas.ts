/**
 * JSON schemas of tideflow's own records as its JSON routes (`/api/tideflow/...`) carry them:
 * core's types field for field, non-finite numbers as strings and bytes as base64 (see wire.ts).
 * They validate requests and document the routes in the OpenAPI document.
 */

export const TIDEFLOW_BASE = '/api/tideflow';

const str = { type: 'string' } as const;
const int = { type: 'integer' } as const;
const nullable = <T extends object>(s: T) => ({ ...s, nullable: true });
export const wireNumber = {
  anyOf: [{ type: 'number' }, { type: 'string', enum: ['NaN', 'Infinity', '-Infinity'] }],
} as const;
export const stringMap = { type: 'object', additionalProperties: str } as const;
/** A map with user keys in a request: `[key, value]` pairs (a `__proto__` key is a valid tag). */
export const stringEntries = {
  type: 'array',
  items: { type: 'array', items: str, minItems: 2, maxItems: 2 },
} as const;
const numberEntries = {
  type: 'array',
  items: { type: 'array', items: [str, wireNumber], minItems: 2, maxItems: 2 },
} as const;
const numberMap = { type: 'object', additionalProperties: wireNumber } as const;
/** Any JSON value (flow parameters). */
const anyObject = { type: 'object', additionalProperties: true } as const;

export const runIdParams = {
  type: 'object',
  required: ['runId'],
  properties: { runId: { type: 'string', minLength: 1, maxLength: 256 } },
} as const;

export const experimentSchema = {
  type: 'object',
  properties: {
    experimentId: str,
    name: str,
    lifecycleStage: str,
    creationTime: int,
    lastUpdateTime: int,
    tags: stringMap,
  },
} as const;

export const runInfoSchema = {
  type: 'object',
  properties: {
    runId: str,
    experimentId: str,
    name: str,
    status: str,
    startTime: int,
    endTime: nullable(int),
    lifecycleStage: str,
    parentRunId: nullable(str),
  },
} as const;

export const runSchema = {
  type: 'object',
  properties: {
    info: runInfoSchema,
    data: {
      type: 'object',
      properties: { params: stringMap, metrics: numberMap, tags: stringMap },
    },
  },
} as const;

export const metricPointSchema = {
  type: 'object',
  required: ['key', 'value', 'timestamp', 'step'],
  properties: { key: str, value: wireNumber, timestamp: int, step: int },
} as const;

const artifactInfoProperties = {
  path: str,
  type: str,
  key: nullable(str),
  version: nullable(int),
  size: int,
  mediaType: str,
  description: nullable(str),
} as const;

export const artifactInfoSchema = {
  type: 'object',
  properties: { ...artifactInfoProperties, createdAt: int },
} as const;

/** An encoded artifact as sent (wire.ts `WireArtifact`). */
export const wireArtifactSchema = {
  type: 'object',
  required: ['info', 'data'],
  properties: {
    info: {
      type: 'object',
      required: ['path', 'type', 'key', 'version', 'size', 'mediaType', 'description'],
      properties: artifactInfoProperties,
    },
    data: { type: 'string', description: 'The bytes, base64' },
  },
} as const;

const signatureSchema = nullable({
  type: 'object',
  properties: {
    inputs: { type: 'array', items: anyObject },
    outputs: { type: 'array', items: anyObject },
  },
});

export const loggedModelSchema = {
  type: 'object',
  required: [
    'runId',
    'name',
    'artifactPath',
    'flavor',
    'signature',
    'metrics',
    'size',
    'createdAt',
  ],
  properties: {
    runId: str,
    name: str,
    artifactPath: str,
    flavor: str,
    signature: signatureSchema,
    metrics: numberMap,
    size: int,
    createdAt: int,
  },
} as const;

/** A logged model in a request: its metrics as `[key, value]` pairs. */
export const loggedModelRequestSchema = {
  ...loggedModelSchema,
  properties: { ...loggedModelSchema.properties, metrics: numberEntries },
} as const;

export const modelVersionSchema = {
  type: 'object',
  properties: {
    name: str,
    version: int,
    runId: str,
    modelName: str,
    source: str,
    aliases: { type: 'array', items: str },
    description: nullable(str),
    tags: stringMap,
    createdAt: int,
    updatedAt: int,
  },
} as const;

export const registeredModelSchema = {
  type: 'object',
  properties: {
    name: str,
    createdAt: int,
    updatedAt: int,
    latestVersion: int,
    aliases: { type: 'object', additionalProperties: int },
    description: nullable(str),
    tags: stringMap,
  },
} as const;

/** A state transition (core's `StateTransition`). */
export const transitionSchema = {
  type: 'object',
  required: ['type', 'timestamp'],
  properties: { type: str, name: str, timestamp: { type: 'number' }, message: str },
} as const;

export const flowRunSchema = {
  type: 'object',
  required: ['flowName', 'state', 'stateHistory', 'parameters'],
  properties: {
    flowName: str,
    state: str,
    stateHistory: { type: 'array', items: transitionSchema },
    parameters: anyObject,
  },
} as const;

/** A flow-run record in a request: its parameters as JSON text. */
export const flowRunRequestSchema = {
  type: 'object',
  required: ['flowName', 'state', 'stateHistory', 'parameters'],
  additionalProperties: false,
  properties: {
    flowName: str,
    state: str,
    stateHistory: { type: 'array', items: transitionSchema },
    parameters: { type: 'string', description: 'The parameters as JSON text' },
  },
} as const;

export const taskRunSchema = {
  type: 'object',
  required: [
    'taskRunId',
    'taskName',
    'taskRunName',
    'state',
    'stateHistory',
    'startTime',
    'endTime',
    'durationMs',
    'attempts',
    'cacheKey',
    'cacheHit',
    'error',
  ],
  properties: {
    taskRunId: str,
    taskName: str,
    taskRunName: str,
    state: str,
    stateHistory: { type: 'array', items: transitionSchema },
    startTime: nullable({ type: 'number' }),
    endTime: nullable({ type: 'number' }),
    durationMs: nullable({ type: 'number' }),
    attempts: int,
    cacheKey: nullable(str),
    cacheHit: { type: 'boolean' },
    error: nullable(str),
  },
} as const;

export const logLineSchema = {
  type: 'object',
  required: ['timestamp', 'level', 'message'],
  properties: { timestamp: { type: 'number' }, level: str, message: str, taskRunId: str },
} as const;

export const datasetInputSchema = {
  type: 'object',
  properties: { dataset: anyObject, context: nullable(str) },
} as const;

/** A change of the feed (`Tracker.readChanges`), metric values encoded. */
export const changeSchema = {
  type: 'object',
  required: ['kind', 'seq', 'runId'],
  properties: {
    kind: { type: 'string', enum: ['flow-run', 'task-run', 'log', 'metric'] },
    seq: int,
    runId: str,
    record: anyObject,
    line: logLineSchema,
    point: metricPointSchema,
  },
} as const;

export const cursorSchema = {
  type: 'object',
  required: ['records', 'logs', 'metrics'],
  properties: { records: int, logs: int, metrics: int },
} as const;

/** An empty success answer. */
export const okSchema = { type: 'object', properties: {} } as const;

/** MLflow's error JSON plus the tracker's error code and fields, for RestTracker to raise it again. */
export const tideflowErrorSchema = {
  type: 'object',
  properties: {
    error_code: str,
    message: str,
    tideflow_code: str,
    details: { type: 'object', additionalProperties: { anyOf: [str, { type: 'number' }] } },
  },
} as const;

/** The error answers of every tideflow route. */
export const tideflowErrors = { 400: tideflowErrorSchema, 404: tideflowErrorSchema } as const;
