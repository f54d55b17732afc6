import type { Tracker } from '@tideflow/core';
import type { FastifyInstance } from 'fastify';
import { bodySchema } from './body-schema.js';
import {
  EMPTY_RESPONSE,
  MLFLOW_BASE,
  MLFLOW_ERRORS,
  TAG_SCHEMA,
  tagRecord,
} from './mlflow-shapes.js';
import type { MlflowTag } from './mlflow-shapes.js';
import { NAME, REGISTERED_MODEL_SCHEMA, VERSION, findModel, mlflowModel } from './models.js';

const ONE_MODEL = {
  200: { type: 'object', properties: { registered_model: REGISTERED_MODEL_SCHEMA } },
  ...MLFLOW_ERRORS,
};

/**
 * MLflow's registry create, rename and delete routes: `registered-models/create` (an empty
 * model; a taken name is 400 `RESOURCE_ALREADY_EXISTS`), `rename`, `DELETE registered-models/delete`
 * (with its versions and aliases), `DELETE model-versions/delete` (with the aliases pointing at
 * it) and `model-versions/get-download-uri`. A missing model or version is 404
 * `RESOURCE_DOES_NOT_EXIST`.
 */
export function registryEditRoutes(app: FastifyInstance, tracker: Tracker): void {
  const tags = ['model registry'];

  app.post<{ Body: { name: string; tags?: MlflowTag[]; description?: string } }>(
    `${MLFLOW_BASE}/registered-models/create`,
    {
      schema: {
        summary: 'Create a registered model with no versions',
        tags,
        body: bodySchema(
          {
            name: NAME,
            tags: { type: 'array', items: TAG_SCHEMA, maxItems: 100 },
            description: { type: 'string', maxLength: 5000 },
          },
          ['tags', 'description'],
        ),
        response: ONE_MODEL,
      },
    },
    async (request) => {
      const { name, tags: t, description } = request.body;
      const model = await tracker.createRegisteredModel(name, {
        description: description ?? null,
        tags: tagRecord(t),
      });
      return { registered_model: await mlflowModel(tracker, model) };
    },
  );

  app.post<{ Body: { name: string; new_name: string } }>(
    `${MLFLOW_BASE}/registered-models/rename`,
    {
      schema: {
        summary: 'Rename a registered model (its versions, aliases and tags move with it)',
        tags,
        body: bodySchema({ name: NAME, new_name: NAME }),
        response: ONE_MODEL,
      },
    },
    async (request) => {
      const { name, new_name } = request.body;
      await tracker.renameRegisteredModel(name, new_name);
      return { registered_model: await mlflowModel(tracker, await findModel(tracker, new_name)) };
    },
  );

  app.delete<{ Body: { name: string } }>(
    `${MLFLOW_BASE}/registered-models/delete`,
    {
      schema: {
        summary: 'Delete a registered model with its versions and aliases',
        tags,
        body: bodySchema({ name: NAME }),
        response: EMPTY_RESPONSE,
      },
    },
    async (request) => {
      await tracker.deleteRegisteredModel(request.body.name);
      return {};
    },
  );

  app.delete<{ Body: { name: string; version: string } }>(
    `${MLFLOW_BASE}/model-versions/delete`,
    {
      schema: {
        summary: 'Delete a model version (and the aliases pointing at it)',
        tags,
        body: bodySchema({ name: NAME, version: VERSION }),
        response: EMPTY_RESPONSE,
      },
    },
    async (request) => {
      await tracker.deleteModelVersion(request.body.name, Number(request.body.version));
      return {};
    },
  );

  app.get<{ Querystring: { name: string; version: string } }>(
    `${MLFLOW_BASE}/model-versions/get-download-uri`,
    {
      schema: {
        summary:
          "Where a model version's files are (read them with `artifacts/list` and `get-artifact`)",
        tags,
        querystring: {
          type: 'object',
          required: ['name', 'version'],
          properties: { name: NAME, version: VERSION },
        },
        response: {
          200: { type: 'object', properties: { artifact_uri: { type: 'string' } } },
          ...MLFLOW_ERRORS,
        },
      },
    },
    async (request) => {
      const v = await tracker.getModelVersion(request.query.name, Number(request.query.version));
      return { artifact_uri: `tideflow-artifacts:/runs/${v.runId}/models/${v.modelName}` };
    },
  );
}
