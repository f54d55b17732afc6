import type { Experiment, MetricPoint, Run } from '@tideflow/core';
import { ApiError } from '../api-error.js';

/** A `{ key, value }` tag, as MLflow's REST API lists tags. */
export interface MlflowTag {
  /** The tag key. */
  key: string;
  /** The tag value. */
  value: string;
}

/** An experiment in MLflow's REST shape. */
export interface MlflowExperiment {
  /** The experiment id. */
  experiment_id: string;
  /** The unique name. */
  name: string;
  /** Where its runs' artifacts live. */
  artifact_location: string;
  /** `active` or `deleted`. */
  lifecycle_stage: string;
  /** Epoch ms. */
  creation_time: number;
  /** Epoch ms. */
  last_update_time: number;
  /** Its tags. */
  tags: MlflowTag[];
}

/** Record tags as MLflow's tag list. */
export function tagList(tags: Record<string, string>): MlflowTag[] {
  return Object.entries(tags).map(([key, value]) => ({ key, value }));
}

/** Converts an experiment to MLflow's REST shape. */
export function mlflowExperiment(e: Experiment): MlflowExperiment {
  return {
    experiment_id: e.experimentId,
    name: e.name,
    artifact_location: `tideflow-artifacts:/${e.experimentId}`,
    lifecycle_stage: e.lifecycleStage,
    creation_time: e.creationTime,
    last_update_time: e.lastUpdateTime,
    tags: tagList(e.tags),
  };
}

/** JSON schema of {@link MlflowTag}. */
export const TAG_SCHEMA = {
  type: 'object',
  required: ['key', 'value'],
  additionalProperties: false,
  properties: {
    key: { type: 'string', maxLength: 250 },
    value: { type: 'string', maxLength: 8000 },
  },
} as const;

/** JSON schema of {@link MlflowExperiment}. */
export const EXPERIMENT_SCHEMA = {
  type: 'object',
  properties: {
    experiment_id: { type: 'string' },
    name: { type: 'string' },
    artifact_location: { type: 'string' },
    lifecycle_stage: { type: 'string' },
    creation_time: { type: 'integer' },
    last_update_time: { type: 'integer' },
    tags: { type: 'array', items: TAG_SCHEMA },
  },
} as const;

/** JSON schema of the error body. */
export const ERROR_SCHEMA = {
  type: 'object',
  properties: { error_code: { type: 'string' }, message: { type: 'string' } },
} as const;

/**
 * A `{ key, value }` list as a record. A key given twice is refused (naming it), and keys such
 * as `__proto__` stay plain data.
 */
export function tagRecord(
  tags: readonly MlflowTag[] | undefined,
  what = 'Tag',
): Record<string, string> {
  const out = new Map<string, string>();
  for (const { key, value } of tags ?? []) {
    if (out.has(key))
      throw new ApiError(
        400,
        'INVALID_PARAMETER_VALUE',
        `${what} key ${JSON.stringify(key)} is given twice.`,
      );
    out.set(key, value);
  }
  return Object.fromEntries(out);
}

/** A run in MLflow's REST shape. */
export interface MlflowRun {
  /** Its attributes. */
  info: MlflowRunInfo;
  /** Its latest metrics, params and tags. */
  data: {
    metrics: { key: string; value: number }[];
    params: MlflowTag[];
    tags: MlflowTag[];
  };
}

/** A run's attributes in MLflow's REST shape. */
export interface MlflowRunInfo {
  /** The run id. */
  run_id: string;
  /** The run id again (older MLflow clients read this field). */
  run_uuid: string;
  /** The display name. */
  run_name: string;
  /** Its experiment. */
  experiment_id: string;
  /** `RUNNING`, `FINISHED`, ... */
  status: string;
  /** Epoch ms. */
  start_time: number;
  /** Epoch ms, absent while running. */
  end_time?: number;
  /** Where its artifacts live. */
  artifact_uri: string;
  /** `active` or `deleted`. */
  lifecycle_stage: string;
}

/** Converts a run's attributes to MLflow's REST shape. */
export function mlflowRunInfo(info: Run['info']): MlflowRunInfo {
  return {
    run_id: info.runId,
    run_uuid: info.runId,
    run_name: info.name,
    experiment_id: info.experimentId,
    status: info.status,
    start_time: info.startTime,
    ...(info.endTime === null ? {} : { end_time: info.endTime }),
    artifact_uri: `tideflow-artifacts:/runs/${info.runId}`,
    lifecycle_stage: info.lifecycleStage,
  };
}

/** Converts a run to MLflow's REST shape. */
export function mlflowRun(run: Run): MlflowRun {
  return {
    info: mlflowRunInfo(run.info),
    data: {
      metrics: Object.entries(run.data.metrics).map(([key, value]) => ({ key, value })),
      params: tagList(run.data.params),
      tags: tagList(run.data.tags),
    },
  };
}

/** Converts a metric point to MLflow's REST shape. */
export function mlflowMetric(p: MetricPoint): {
  key: string;
  value: number;
  timestamp: number;
  step: number;
} {
  return { key: p.key, value: p.value, timestamp: p.timestamp, step: p.step };
}

/** JSON schema of {@link MlflowRunInfo}. */
export const RUN_INFO_SCHEMA = {
  type: 'object',
  properties: {
    run_id: { type: 'string' },
    run_uuid: { type: 'string' },
    run_name: { type: 'string' },
    experiment_id: { type: 'string' },
    status: { type: 'string' },
    start_time: { type: 'integer' },
    end_time: { type: 'integer' },
    artifact_uri: { type: 'string' },
    lifecycle_stage: { type: 'string' },
  },
} as const;

/** JSON schema of a metric point. */
export const METRIC_SCHEMA = {
  type: 'object',
  properties: {
    key: { type: 'string' },
    value: { type: 'number' },
    timestamp: { type: 'integer' },
    step: { type: 'integer' },
  },
} as const;

/** JSON schema of {@link MlflowRun}. */
export const RUN_SCHEMA = {
  type: 'object',
  properties: {
    info: RUN_INFO_SCHEMA,
    data: {
      type: 'object',
      properties: {
        metrics: { type: 'array', items: METRIC_SCHEMA },
        params: { type: 'array', items: TAG_SCHEMA },
        tags: { type: 'array', items: TAG_SCHEMA },
      },
    },
  },
} as const;

/** Where MLflow's REST routes live. */
export const MLFLOW_BASE = '/api/2.0/mlflow';

/** The error answers of every MLflow route. */
export const MLFLOW_ERRORS = { 400: ERROR_SCHEMA, 404: ERROR_SCHEMA } as const;

/** The answers of an MLflow route whose success is an empty object. */
export const EMPTY_RESPONSE = {
  200: { type: 'object', properties: {} },
  ...MLFLOW_ERRORS,
} as const;

/** A run id as MLflow clients send it. */
const RUN_ID = { type: 'string', minLength: 1, maxLength: 64 } as const;
/** The run id fields of a request: `run_id`, or `run_uuid` from older clients. */
export const RUN_ID_PROPS = { run_id: RUN_ID, run_uuid: RUN_ID } as const;
/** The schema clause asking for one of {@link RUN_ID_PROPS}. */
export const ONE_RUN_ID = [{ required: ['run_id'] }, { required: ['run_uuid'] }];

/** A request naming a run as `run_id` or (older clients) `run_uuid`. */
export interface RunRef {
  /** The run id. */
  run_id?: string;
  /** The run id, as older clients name it. */
  run_uuid?: string;
}

/** The run id of a request that may name it `run_id` or (older clients) `run_uuid`. */
export const runIdOf = (r: RunRef): string => r.run_id ?? r.run_uuid ?? '';
