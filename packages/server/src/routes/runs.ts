import { RUN_STATUSES } from '@tideflow/core';
import type { RunStatus, RunViewType, Tracker } from '@tideflow/core';
import type { FastifyInstance } from 'fastify';
import {
  EMPTY_RESPONSE,
  METRIC_SCHEMA,
  MLFLOW_BASE,
  MLFLOW_ERRORS,
  ONE_RUN_ID,
  RUN_ID_PROPS,
  RUN_INFO_SCHEMA,
  RUN_SCHEMA,
  TAG_SCHEMA,
  mlflowMetric,
  mlflowRun,
  mlflowRunInfo,
  runIdOf,
  tagRecord,
} from './mlflow-shapes.js';
import type { MlflowTag, RunRef } from './mlflow-shapes.js';

const TIME = { type: 'integer', minimum: 0, maximum: 8.64e15 } as const;
const METRIC_INPUT = {
  type: 'object',
  required: ['key', 'value'],
  additionalProperties: false,
  properties: {
    key: { type: 'string', minLength: 1, maxLength: 250 },
    value: { type: 'number' },
    timestamp: TIME,
    step: { type: 'integer', minimum: -9007199254740991, maximum: 9007199254740991 },
  },
} as const;

interface MetricBody {
  key: string;
  value: number;
  timestamp?: number;
  step?: number;
}

/**
 * MLflow's run routes: `runs/create`, `runs/update`, `runs/get`, `runs/search`, `runs/log-batch`,
 * `runs/log-metric`, `runs/log-parameter`, `runs/set-tag` and `metrics/get-history`, with
 * MLflow's request and response shapes.
 */
export function runRoutes(app: FastifyInstance, tracker: Tracker): void {
  app.post<{
    Body: {
      experiment_id?: string;
      run_name?: string;
      start_time?: number;
      tags?: MlflowTag[];
      user_id?: string;
    };
  }>(
    `${MLFLOW_BASE}/runs/create`,
    {
      schema: {
        summary: 'Create a run',
        tags: ['runs'],
        body: {
          type: 'object',
          additionalProperties: false,
          properties: {
            experiment_id: { type: 'string', minLength: 1 },
            run_name: { type: 'string', minLength: 1, maxLength: 250 },
            start_time: TIME,
            user_id: { type: 'string', maxLength: 250 },
            tags: { type: 'array', items: TAG_SCHEMA, maxItems: 1000 },
          },
        },
        response: { 200: { type: 'object', properties: { run: RUN_SCHEMA } }, ...MLFLOW_ERRORS },
      },
    },
    async (request) => {
      const { experiment_id, run_name, start_time, tags, user_id } = request.body;
      const tagMap = tagRecord(tags);
      if (user_id !== undefined && tagMap['mlflow.user'] === undefined)
        tagMap['mlflow.user'] = user_id;
      // MLflow keeps the name in both places: older clients send only the `mlflow.runName` tag.
      const name = run_name ?? tagMap['mlflow.runName'];
      if (name !== undefined) tagMap['mlflow.runName'] = name;
      const run = await tracker.createRun({
        ...(experiment_id === undefined ? {} : { experimentId: experiment_id }),
        ...(name === undefined ? {} : { name }),
        ...(start_time === undefined ? {} : { startTime: start_time }),
        tags: tagMap,
        // The server's own process is not where the run comes from.
        systemTags: false,
      });
      return { run: mlflowRun(run) };
    },
  );

  app.post<{ Body: RunRef & { status?: RunStatus; end_time?: number; run_name?: string } }>(
    `${MLFLOW_BASE}/runs/update`,
    {
      schema: {
        summary: "Update a run's status, end time or name",
        tags: ['runs'],
        body: {
          type: 'object',
          additionalProperties: false,
          anyOf: ONE_RUN_ID,
          properties: {
            ...RUN_ID_PROPS,
            status: { type: 'string', enum: [...RUN_STATUSES] },
            end_time: TIME,
            run_name: { type: 'string', minLength: 1, maxLength: 250 },
          },
        },
        response: {
          200: { type: 'object', properties: { run_info: RUN_INFO_SCHEMA } },
          ...MLFLOW_ERRORS,
        },
      },
    },
    async (request) => {
      const { status, end_time, run_name } = request.body;
      const info = await tracker.updateRun(runIdOf(request.body), {
        ...(status === undefined ? {} : { status }),
        ...(end_time === undefined ? {} : { endTime: end_time }),
        ...(run_name === undefined ? {} : { name: run_name }),
      });
      return { run_info: mlflowRunInfo(info) };
    },
  );

  app.get<{ Querystring: RunRef }>(
    `${MLFLOW_BASE}/runs/get`,
    {
      schema: {
        summary: 'Get a run',
        tags: ['runs'],
        querystring: { type: 'object', properties: RUN_ID_PROPS, anyOf: ONE_RUN_ID },
        response: { 200: { type: 'object', properties: { run: RUN_SCHEMA } }, ...MLFLOW_ERRORS },
      },
    },
    async (request) => ({ run: mlflowRun(await tracker.getRun(runIdOf(request.query))) }),
  );

  app.post<{
    Body: {
      experiment_ids?: string[];
      filter?: string;
      run_view_type?: RunViewType;
      max_results?: number;
      order_by?: string[];
      page_token?: string;
    };
  }>(
    `${MLFLOW_BASE}/runs/search`,
    {
      schema: {
        summary: 'Search runs with MLflow filter syntax',
        tags: ['runs'],
        body: {
          type: 'object',
          additionalProperties: false,
          properties: {
            experiment_ids: { type: 'array', items: { type: 'string' }, maxItems: 1000 },
            filter: { type: 'string', maxLength: 10000 },
            run_view_type: { type: 'string', enum: ['ACTIVE_ONLY', 'DELETED_ONLY', 'ALL'] },
            max_results: { type: 'integer', minimum: 1, maximum: 50000 },
            order_by: { type: 'array', items: { type: 'string', maxLength: 500 }, maxItems: 100 },
            page_token: { type: 'string', maxLength: 1000 },
          },
        },
        response: {
          200: {
            type: 'object',
            properties: {
              runs: { type: 'array', items: RUN_SCHEMA },
              next_page_token: { type: 'string' },
            },
          },
          ...MLFLOW_ERRORS,
        },
      },
    },
    async (request) => {
      const b = request.body;
      const result = await tracker.searchRuns({
        ...(b.experiment_ids === undefined ? {} : { experimentIds: b.experiment_ids }),
        ...(b.filter === undefined || b.filter === '' ? {} : { filter: b.filter }),
        ...(b.run_view_type === undefined ? {} : { runViewType: b.run_view_type }),
        ...(b.max_results === undefined ? {} : { maxResults: b.max_results }),
        ...(b.order_by === undefined ? {} : { orderBy: b.order_by }),
        ...(b.page_token === undefined || b.page_token === '' ? {} : { pageToken: b.page_token }),
      });
      return {
        runs: result.runs.map(mlflowRun),
        ...(result.nextPageToken === undefined ? {} : { next_page_token: result.nextPageToken }),
      };
    },
  );

  app.post<{ Body: RunRef & { metrics?: MetricBody[]; params?: MlflowTag[]; tags?: MlflowTag[] } }>(
    `${MLFLOW_BASE}/runs/log-batch`,
    {
      schema: {
        summary: 'Log metrics, params and tags in one call',
        tags: ['runs'],
        body: {
          type: 'object',
          additionalProperties: false,
          anyOf: ONE_RUN_ID,
          properties: {
            ...RUN_ID_PROPS,
            metrics: { type: 'array', items: METRIC_INPUT, maxItems: 1000 },
            params: { type: 'array', items: TAG_SCHEMA, maxItems: 100 },
            tags: { type: 'array', items: TAG_SCHEMA, maxItems: 100 },
          },
        },
        response: EMPTY_RESPONSE,
      },
    },
    async (request) => {
      const { metrics, params, tags } = request.body;
      await tracker.logBatch(runIdOf(request.body), {
        metrics: metrics ?? [],
        params: tagRecord(params, 'Param'),
        tags: tagRecord(tags),
      });
      return {};
    },
  );

  app.post<{ Body: RunRef & MetricBody }>(
    `${MLFLOW_BASE}/runs/log-metric`,
    {
      schema: {
        summary: 'Log one metric value',
        tags: ['runs'],
        body: {
          type: 'object',
          additionalProperties: false,
          anyOf: ONE_RUN_ID,
          required: ['key', 'value'],
          properties: { ...RUN_ID_PROPS, ...METRIC_INPUT.properties },
        },
        response: EMPTY_RESPONSE,
      },
    },
    async (request) => {
      const { key, value, timestamp, step } = request.body;
      await tracker.logMetric(runIdOf(request.body), key, value, {
        ...(timestamp === undefined ? {} : { timestamp }),
        ...(step === undefined ? {} : { step }),
      });
      return {};
    },
  );

  const keyValue = (summary: string) => ({
    summary,
    tags: ['runs'],
    body: {
      type: 'object',
      additionalProperties: false,
      anyOf: ONE_RUN_ID,
      required: ['key', 'value'],
      properties: { ...RUN_ID_PROPS, ...TAG_SCHEMA.properties },
    },
    response: EMPTY_RESPONSE,
  });
  app.post<{ Body: RunRef & MlflowTag }>(
    `${MLFLOW_BASE}/runs/log-parameter`,
    { schema: keyValue('Log a param (write-once)') },
    async (request) => {
      await tracker.logParam(runIdOf(request.body), request.body.key, request.body.value);
      return {};
    },
  );
  app.post<{ Body: RunRef & MlflowTag }>(
    `${MLFLOW_BASE}/runs/set-tag`,
    { schema: keyValue('Set a tag') },
    async (request) => {
      await tracker.setTag(runIdOf(request.body), request.body.key, request.body.value);
      return {};
    },
  );

  app.get<{ Querystring: RunRef & { metric_key: string } }>(
    `${MLFLOW_BASE}/metrics/get-history`,
    {
      schema: {
        summary: "A metric's every logged value",
        tags: ['runs'],
        querystring: {
          type: 'object',
          anyOf: ONE_RUN_ID,
          required: ['metric_key'],
          properties: {
            ...RUN_ID_PROPS,
            metric_key: { type: 'string', minLength: 1, maxLength: 250 },
          },
        },
        response: {
          200: { type: 'object', properties: { metrics: { type: 'array', items: METRIC_SCHEMA } } },
          ...MLFLOW_ERRORS,
        },
      },
    },
    async (request) => {
      const runId = runIdOf(request.query);
      await tracker.getRun(runId);
      const points = await tracker.getMetricHistory(runId, request.query.metric_key);
      return { metrics: points.map(mlflowMetric) };
    },
  );
}
