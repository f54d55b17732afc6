import type { Tracker } from '@tideflow/core';
import type { FastifyInstance } from 'fastify';
import { ApiError } from '../api-error.js';
import {
  EMPTY_RESPONSE,
  EXPERIMENT_SCHEMA,
  MLFLOW_BASE,
  MLFLOW_ERRORS,
  TAG_SCHEMA,
  mlflowExperiment,
  tagRecord,
} from './mlflow-shapes.js';
import type { MlflowTag } from './mlflow-shapes.js';

const BASE = `${MLFLOW_BASE}/experiments`;

/**
 * MLflow's experiment routes: `create`, `update` (rename), `delete` and `restore` (soft, with
 * their runs), `set-experiment-tag`, `get`, `get-by-name`, `search` (GET and POST).
 */
export function experimentRoutes(app: FastifyInstance, tracker: Tracker): void {
  app.post<{ Body: { name: string; artifact_location?: string; tags?: MlflowTag[] } }>(
    `${BASE}/create`,
    {
      schema: {
        summary: 'Create an experiment',
        tags: ['experiments'],
        body: {
          type: 'object',
          required: ['name'],
          additionalProperties: false,
          properties: {
            name: { type: 'string', minLength: 1, maxLength: 500 },
            artifact_location: { type: 'string' },
            tags: { type: 'array', items: TAG_SCHEMA, maxItems: 1000 },
          },
        },
        response: {
          200: { type: 'object', properties: { experiment_id: { type: 'string' } } },
          ...MLFLOW_ERRORS,
        },
      },
    },
    async (request) => {
      const { name, tags } = request.body;
      const experimentId = await tracker.createExperiment(name, { tags: tagRecord(tags) });
      return { experiment_id: experimentId };
    },
  );

  const EXPERIMENT_ID = { type: 'string', minLength: 1, maxLength: 32 } as const;
  app.post<{ Body: { experiment_id: string; new_name: string } }>(
    `${BASE}/update`,
    {
      schema: {
        summary: 'Rename an experiment',
        tags: ['experiments'],
        body: {
          type: 'object',
          required: ['experiment_id', 'new_name'],
          additionalProperties: false,
          properties: {
            experiment_id: EXPERIMENT_ID,
            new_name: { type: 'string', minLength: 1, maxLength: 500 },
          },
        },
        response: EMPTY_RESPONSE,
      },
    },
    async (request) => {
      await tracker.renameExperiment(request.body.experiment_id, request.body.new_name);
      return {};
    },
  );

  const experimentOnly = (summary: string) => ({
    summary,
    tags: ['experiments'],
    body: {
      type: 'object',
      required: ['experiment_id'],
      additionalProperties: false,
      properties: { experiment_id: EXPERIMENT_ID },
    },
    response: EMPTY_RESPONSE,
  });
  app.post<{ Body: { experiment_id: string } }>(
    `${BASE}/delete`,
    { schema: experimentOnly('Delete an experiment and its runs (they can be restored)') },
    async (request) => {
      await tracker.deleteExperiment(request.body.experiment_id);
      return {};
    },
  );
  app.post<{ Body: { experiment_id: string } }>(
    `${BASE}/restore`,
    { schema: experimentOnly('Restore a deleted experiment and its runs') },
    async (request) => {
      await tracker.restoreExperiment(request.body.experiment_id);
      return {};
    },
  );

  app.post<{ Body: { experiment_id: string } & MlflowTag }>(
    `${BASE}/set-experiment-tag`,
    {
      schema: {
        summary: 'Set a tag on an experiment',
        tags: ['experiments'],
        body: {
          type: 'object',
          required: ['experiment_id', 'key', 'value'],
          additionalProperties: false,
          properties: { experiment_id: EXPERIMENT_ID, ...TAG_SCHEMA.properties },
        },
        response: EMPTY_RESPONSE,
      },
    },
    async (request) => {
      const { experiment_id, key, value } = request.body;
      await tracker.setExperimentTag(experiment_id, key, value);
      return {};
    },
  );

  app.get<{ Querystring: { experiment_id: string } }>(
    `${BASE}/get`,
    {
      schema: {
        summary: 'Get an experiment by id',
        tags: ['experiments'],
        querystring: {
          type: 'object',
          required: ['experiment_id'],
          properties: { experiment_id: { type: 'string', minLength: 1 } },
        },
        response: {
          200: { type: 'object', properties: { experiment: EXPERIMENT_SCHEMA } },
          ...MLFLOW_ERRORS,
        },
      },
    },
    async (request) => ({
      experiment: mlflowExperiment(await tracker.getExperiment(request.query.experiment_id)),
    }),
  );

  app.get<{ Querystring: { experiment_name: string } }>(
    `${BASE}/get-by-name`,
    {
      schema: {
        summary: 'Get an experiment by name',
        tags: ['experiments'],
        querystring: {
          type: 'object',
          required: ['experiment_name'],
          properties: { experiment_name: { type: 'string', minLength: 1 } },
        },
        response: {
          200: { type: 'object', properties: { experiment: EXPERIMENT_SCHEMA } },
          ...MLFLOW_ERRORS,
        },
      },
    },
    async (request) => {
      const name = request.query.experiment_name;
      const experiment = await tracker.getExperimentByName(name);
      if (!experiment)
        throw new ApiError(
          404,
          'RESOURCE_DOES_NOT_EXIST',
          `No experiment named ${JSON.stringify(name)}.`,
        );
      return { experiment: mlflowExperiment(experiment) };
    },
  );

  const searchSchema = {
    type: 'object',
    additionalProperties: false,
    properties: {
      max_results: { type: 'integer', minimum: 1, maximum: 50000 },
      view_type: { type: 'string', enum: ['ACTIVE_ONLY', 'DELETED_ONLY', 'ALL'] },
    },
  } as const;
  type Search = { max_results?: number; view_type?: 'ACTIVE_ONLY' | 'DELETED_ONLY' | 'ALL' };
  const search = async ({ max_results = 1000, view_type = 'ACTIVE_ONLY' }: Search) => {
    const all = await tracker.listExperiments();
    const kept = all.filter((e) =>
      view_type === 'ALL'
        ? true
        : view_type === 'ACTIVE_ONLY'
          ? e.lifecycleStage === 'active'
          : e.lifecycleStage === 'deleted',
    );
    return { experiments: kept.slice(0, max_results).map(mlflowExperiment) };
  };
  const searchResponse = {
    200: {
      type: 'object',
      properties: { experiments: { type: 'array', items: EXPERIMENT_SCHEMA } },
    },
    ...MLFLOW_ERRORS,
  };
  app.get<{ Querystring: Search }>(
    `${BASE}/search`,
    {
      schema: {
        summary: 'Search experiments',
        tags: ['experiments'],
        querystring: searchSchema,
        response: searchResponse,
      },
    },
    async (request) => search(request.query),
  );
  app.post<{ Body: Search }>(
    `${BASE}/search`,
    {
      schema: {
        summary: 'Search experiments',
        tags: ['experiments'],
        body: searchSchema,
        response: searchResponse,
      },
    },
    async (request) => search(request.body ?? {}),
  );
}
