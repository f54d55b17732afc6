import type { Experiment } from '@tideflow/core';

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
