/** The JSON shapes the UI reads (the server's `/api/flow-runs` and MLflow routes). */

// Types only (erased from the bundle): the records as core defines them.
import type {
  StateTransition,
  StateType,
  TAG_FLOW_NAME as CORE_TAG_FLOW_NAME,
  TAG_PARENT_RUN_ID as CORE_TAG_PARENT_RUN_ID,
} from '@tideflow/core';

export type { StateTransition, StateType } from '@tideflow/core';
// The MLflow shapes as the server writes them (types only, erased from the bundle).
export type { MlflowExperiment, MlflowRun } from '@tideflow/server';

export interface FlowRunSummary {
  runId: string;
  name: string;
  flowName: string;
  experimentId: string;
  parentRunId: string | null;
  state: StateType;
  startTime: number;
  endTime: number | null;
  durationMs: number | null;
  taskCounts: Partial<Record<StateType, number>>;
  taskRuns: number;
  cachedHits: number;
  retries: number;
}

export interface TaskRun {
  runId: string;
  taskRunId: string;
  taskName: string;
  taskRunName: string;
  state: StateType;
  stateHistory: StateTransition[];
  startTime: number | null;
  endTime: number | null;
  durationMs: number | null;
  attempts: number;
  cacheKey: string | null;
  cacheHit: boolean;
  error: string | null;
}

export interface ArtifactInfo {
  path: string;
  type: 'file' | 'model' | 'markdown' | 'table' | 'image' | 'link' | 'progress';
  key: string | null;
  version: number | null;
  size: number;
  mediaType: string;
  description: string | null;
  createdAt: number;
}

export interface FlowRunDetail {
  flowRun: FlowRunSummary & {
    stateHistory: StateTransition[];
    parameters: Record<string, unknown>;
  };
  taskRuns: TaskRun[];
  subflows: FlowRunSummary[];
  artifacts: ArtifactInfo[];
  report: string | null;
}

export interface LogLine {
  timestamp: number;
  level: 'debug' | 'info' | 'warn' | 'error';
  message: string;
  taskRunId?: string;
}

export interface KeyValue {
  key: string;
  value: string;
}

export interface MetricPoint {
  key: string;
  value: number;
  timestamp: number;
  step: number;
}

export interface ModelVersion {
  name: string;
  version: string;
  creation_timestamp: number;
  description?: string;
  source: string;
  run_id: string;
  aliases?: string[];
  tags?: KeyValue[];
}

export interface RegisteredModel {
  name: string;
  creation_timestamp: number;
  last_updated_timestamp: number;
  description?: string;
  latest_versions?: ModelVersion[];
  aliases?: { alias: string; version: string }[];
  tags?: KeyValue[];
}

/** A run flattened for the runs table: params, latest metrics and tags as records. */
export interface RunRow {
  id: string;
  name: string;
  status: string;
  startTime: number;
  endTime: number | null;
  parentId: string | null;
  params: Record<string, string>;
  metrics: Record<string, number>;
  tags: Record<string, string>;
}

// Core's system tags: the bundle cannot import core's values, so each is spelled here with the
// type of core's constant (its literal), which makes any other spelling a type error.
/** Core's `TAG_PARENT_RUN_ID`: the parent run id of a nested run. */
export const TAG_PARENT_RUN_ID: typeof CORE_TAG_PARENT_RUN_ID = 'tideflow.parentRunId';
/** Core's `TAG_FLOW_NAME`: on the tracking run of a flow run, the flow's name. */
export const TAG_FLOW_NAME: typeof CORE_TAG_FLOW_NAME = 'tideflow.flowName';
