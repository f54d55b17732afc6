import { ModelNotFoundError } from '@tideflow/core';
import type { ModelVersion, RegisteredModel, Tracker } from '@tideflow/core';
import type { FastifyInstance } from 'fastify';
import { ApiError } from '../api-error.js';
import { MLFLOW_BASE, MLFLOW_ERRORS, TAG_SCHEMA, tagList, tagRecord } from './mlflow-shapes.js';
import type { MlflowTag } from './mlflow-shapes.js';
import { parseRegistryFilter } from './registry-filter.js';

export const NAME = { type: 'string', minLength: 1, maxLength: 250 } as const;
export const VERSION = { type: 'string', pattern: '^[1-9][0-9]{0,8}$' } as const;

export const MODEL_VERSION_SCHEMA = {
  type: 'object',
  properties: {
    name: { type: 'string' },
    version: { type: 'string' },
    creation_timestamp: { type: 'integer' },
    last_updated_timestamp: { type: 'integer' },
    description: { type: 'string' },
    source: { type: 'string' },
    run_id: { type: 'string' },
    status: { type: 'string' },
    aliases: { type: 'array', items: { type: 'string' } },
    tags: { type: 'array', items: TAG_SCHEMA },
  },
} as const;
export const REGISTERED_MODEL_SCHEMA = {
  type: 'object',
  properties: {
    name: { type: 'string' },
    creation_timestamp: { type: 'integer' },
    last_updated_timestamp: { type: 'integer' },
    description: { type: 'string' },
    latest_versions: { type: 'array', items: MODEL_VERSION_SCHEMA },
    aliases: {
      type: 'array',
      items: {
        type: 'object',
        properties: { alias: { type: 'string' }, version: { type: 'string' } },
      },
    },
    tags: { type: 'array', items: TAG_SCHEMA },
  },
} as const;

/** A model version in MLflow's REST shape (versions are strings there). */
export function mlflowVersion(v: ModelVersion) {
  return {
    name: v.name,
    version: String(v.version),
    creation_timestamp: v.createdAt,
    last_updated_timestamp: v.updatedAt,
    ...(v.description === null ? {} : { description: v.description }),
    source: v.source,
    run_id: v.runId,
    status: 'READY',
    aliases: v.aliases,
    tags: tagList(v.tags),
  };
}

/** The latest version of a registered model, in a list: none for a model with no versions. */
async function latestVersions(tracker: Tracker, m: RegisteredModel) {
  return m.latestVersion === 0
    ? []
    : [mlflowVersion(await tracker.getModelVersion(m.name, m.latestVersion))];
}

/** A registered model in MLflow's REST shape, with its latest version (if it has one). */
export async function mlflowModel(tracker: Tracker, m: RegisteredModel) {
  return {
    name: m.name,
    creation_timestamp: m.createdAt,
    last_updated_timestamp: m.updatedAt,
    ...(m.description === null ? {} : { description: m.description }),
    latest_versions: await latestVersions(tracker, m),
    aliases: Object.entries(m.aliases).map(([alias, version]) => ({
      alias,
      version: String(version),
    })),
    tags: tagList(m.tags),
  };
}

/** The registered model of that name (read alone), or 404 `RESOURCE_DOES_NOT_EXIST`. */
export async function findModel(tracker: Tracker, name: string): Promise<RegisteredModel> {
  try {
    return await tracker.getRegisteredModel(name);
  } catch (error) {
    if (!(error instanceof ModelNotFoundError)) throw error;
    throw new ApiError(
      404,
      'RESOURCE_DOES_NOT_EXIST',
      `No registered model named ${JSON.stringify(name)}.`,
    );
  }
}

/** `runs:/<run id>/<model name>`, the source MLflow clients register a logged model from. */
function parseRunsSource(
  source: string,
  runId: string | undefined,
): { runId: string; modelName: string } {
  const m = /^runs:\/([A-Za-z0-9_-]{1,64})\/([A-Za-z0-9_.-]{1,250})\/?$/.exec(source);
  if (!m)
    throw new ApiError(
      400,
      'INVALID_PARAMETER_VALUE',
      `Model version source ${JSON.stringify(source)} is not "runs:/<run id>/<model name>" (a model logged to a run).`,
    );
  if (runId !== undefined && runId !== m[1])
    throw new ApiError(
      400,
      'INVALID_PARAMETER_VALUE',
      `run_id "${runId}" does not match the source's run "${m[1]}".`,
    );
  return { runId: m[1], modelName: m[2] };
}

/**
 * MLflow's model registry routes over the store's registry: `registered-models/get`, `search`,
 * `update`, `set-tag`, `alias` (set and get), `get-latest-versions`, and `model-versions/create`
 * (from a `runs:/` source) and `get`.
 */
export function modelRoutes(app: FastifyInstance, tracker: Tracker): void {
  const oneModel = {
    200: { type: 'object', properties: { registered_model: REGISTERED_MODEL_SCHEMA } },
    ...MLFLOW_ERRORS,
  };
  const oneVersion = {
    200: { type: 'object', properties: { model_version: MODEL_VERSION_SCHEMA } },
    ...MLFLOW_ERRORS,
  };
  const tags = ['model registry'];

  app.get<{ Querystring: { name: string } }>(
    `${MLFLOW_BASE}/registered-models/get`,
    {
      schema: {
        summary: 'Get a registered model',
        tags,
        querystring: { type: 'object', required: ['name'], properties: { name: NAME } },
        response: oneModel,
      },
    },
    async (request) => ({
      registered_model: await mlflowModel(tracker, await findModel(tracker, request.query.name)),
    }),
  );

  app.get<{ Querystring: { filter?: string; max_results?: number } }>(
    `${MLFLOW_BASE}/registered-models/search`,
    {
      schema: {
        summary: 'Search registered models (`filter` on `name`: =, !=, LIKE, ILIKE, IN)',
        tags,
        querystring: {
          type: 'object',
          properties: {
            filter: { type: 'string', maxLength: 5000 },
            max_results: { type: 'integer', minimum: 1, maximum: 1000 },
          },
        },
        response: {
          200: {
            type: 'object',
            properties: { registered_models: { type: 'array', items: REGISTERED_MODEL_SCHEMA } },
          },
          ...MLFLOW_ERRORS,
        },
      },
    },
    async (request) => {
      const matches = parseRegistryFilter(request.query.filter ?? '', ['name']);
      const models = (await tracker.listRegisteredModels())
        .filter((m) => matches({ name: m.name }))
        .slice(0, request.query.max_results ?? 100);
      return { registered_models: await Promise.all(models.map((m) => mlflowModel(tracker, m))) };
    },
  );

  app.patch<{ Body: { name: string; description?: string } }>(
    `${MLFLOW_BASE}/registered-models/update`,
    {
      schema: {
        summary: "Update a registered model's description",
        tags,
        body: {
          type: 'object',
          required: ['name'],
          additionalProperties: false,
          properties: { name: NAME, description: { type: 'string', maxLength: 5000 } },
        },
        response: oneModel,
      },
    },
    async (request) => {
      const { name, description } = request.body;
      await tracker.updateRegisteredModel(name, { description: description ?? null });
      return { registered_model: await mlflowModel(tracker, await findModel(tracker, name)) };
    },
  );

  app.post<{ Body: { name: string } & MlflowTag }>(
    `${MLFLOW_BASE}/registered-models/set-tag`,
    {
      schema: {
        summary: 'Set a tag on a registered model',
        tags,
        body: {
          type: 'object',
          required: ['name', 'key', 'value'],
          additionalProperties: false,
          properties: { name: NAME, ...TAG_SCHEMA.properties },
        },
        response: { 200: { type: 'object', properties: {} }, ...MLFLOW_ERRORS },
      },
    },
    async (request) => {
      await tracker.setRegisteredModelTag(request.body.name, request.body.key, request.body.value);
      return {};
    },
  );

  app.post<{ Body: { name: string; alias: string; version: string } }>(
    `${MLFLOW_BASE}/registered-models/alias`,
    {
      schema: {
        summary: 'Point an alias at a version',
        tags,
        body: {
          type: 'object',
          required: ['name', 'alias', 'version'],
          additionalProperties: false,
          properties: {
            name: NAME,
            alias: { type: 'string', minLength: 1, maxLength: 255 },
            version: VERSION,
          },
        },
        response: { 200: { type: 'object', properties: {} }, ...MLFLOW_ERRORS },
      },
    },
    async (request) => {
      await tracker.setModelAlias(
        request.body.name,
        request.body.alias,
        Number(request.body.version),
      );
      return {};
    },
  );

  app.get<{ Querystring: { name: string; alias: string } }>(
    `${MLFLOW_BASE}/registered-models/alias`,
    {
      schema: {
        summary: 'Get the version an alias points at',
        tags,
        querystring: {
          type: 'object',
          required: ['name', 'alias'],
          properties: { name: NAME, alias: { type: 'string', minLength: 1, maxLength: 255 } },
        },
        response: oneVersion,
      },
    },
    async (request) => {
      const { name, alias } = request.query;
      const model = await findModel(tracker, name);
      if (!Object.hasOwn(model.aliases, alias))
        throw new ApiError(
          404,
          'RESOURCE_DOES_NOT_EXIST',
          `Registered model ${JSON.stringify(name)} has no alias ${JSON.stringify(alias)}.`,
        );
      return {
        model_version: mlflowVersion(await tracker.getModelVersion(name, model.aliases[alias])),
      };
    },
  );

  app.post<{ Body: { name: string } }>(
    `${MLFLOW_BASE}/registered-models/get-latest-versions`,
    {
      schema: {
        summary: 'The latest version of a registered model',
        tags,
        body: {
          type: 'object',
          required: ['name'],
          properties: { name: NAME, stages: { type: 'array', items: { type: 'string' } } },
        },
        response: {
          200: {
            type: 'object',
            properties: { model_versions: { type: 'array', items: MODEL_VERSION_SCHEMA } },
          },
          ...MLFLOW_ERRORS,
        },
      },
    },
    async (request) => {
      const model = await findModel(tracker, request.body.name);
      return { model_versions: await latestVersions(tracker, model) };
    },
  );

  app.post<{
    Body: {
      name: string;
      source: string;
      run_id?: string;
      description?: string;
      tags?: MlflowTag[];
    };
  }>(
    `${MLFLOW_BASE}/model-versions/create`,
    {
      schema: {
        summary: 'Register a new version from a model logged to a run',
        tags,
        body: {
          type: 'object',
          required: ['name', 'source'],
          additionalProperties: false,
          properties: {
            name: NAME,
            source: { type: 'string', minLength: 1, maxLength: 1000 },
            run_id: { type: 'string', minLength: 1, maxLength: 64 },
            description: { type: 'string', maxLength: 5000 },
            tags: { type: 'array', items: TAG_SCHEMA, maxItems: 100 },
            run_link: { type: 'string' },
          },
        },
        response: oneVersion,
      },
    },
    async (request) => {
      const { name, source, run_id, description, tags: t } = request.body;
      const { runId, modelName } = parseRunsSource(source, run_id);
      const version = await tracker.registerModel(name, {
        runId,
        modelName,
        ...(description === undefined ? {} : { description }),
        tags: tagRecord(t),
      });
      return { model_version: mlflowVersion(version) };
    },
  );

  app.get<{ Querystring: { name: string; version: string } }>(
    `${MLFLOW_BASE}/model-versions/get`,
    {
      schema: {
        summary: 'Get a model version',
        tags,
        querystring: {
          type: 'object',
          required: ['name', 'version'],
          properties: { name: NAME, version: VERSION },
        },
        response: oneVersion,
      },
    },
    async (request) => ({
      model_version: mlflowVersion(
        await tracker.getModelVersion(request.query.name, Number(request.query.version)),
      ),
    }),
  );
}
