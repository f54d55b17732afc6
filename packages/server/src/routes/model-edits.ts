import type { Tracker } from '@tideflow/core';
import type { FastifyInstance } from 'fastify';
import { bodySchema } from './body-schema.js';
import { EMPTY_RESPONSE, MLFLOW_BASE, MLFLOW_ERRORS, TAG_SCHEMA } from './mlflow-shapes.js';
import type { MlflowTag } from './mlflow-shapes.js';
import { MODEL_VERSION_SCHEMA, NAME, VERSION, mlflowVersion } from './models.js';

const KEY = TAG_SCHEMA.properties.key;
const ALIAS = { type: 'string', minLength: 1, maxLength: 255 } as const;

/**
 * MLflow's registry edits, with its methods (`DELETE` takes a JSON body, as MLflow's clients
 * send it): `registered-models/delete-tag`, `DELETE registered-models/alias`, and
 * `model-versions/update` (description), `set-tag` and `delete-tag`. A missing model or version
 * is 404 `RESOURCE_DOES_NOT_EXIST`; deleting a tag or alias that is not there is a no-op.
 */
export function modelEditRoutes(app: FastifyInstance, tracker: Tracker): void {
  const tags = ['model registry'];
  app.delete<{ Body: { name: string; key: string } }>(
    `${MLFLOW_BASE}/registered-models/delete-tag`,
    {
      schema: {
        summary: 'Delete a tag of a registered model',
        tags,
        body: bodySchema({ name: NAME, key: KEY }),
        response: EMPTY_RESPONSE,
      },
    },
    async (request) => {
      await tracker.deleteRegisteredModelTag(request.body.name, request.body.key);
      return {};
    },
  );

  app.delete<{ Body: { name: string; alias: string } }>(
    `${MLFLOW_BASE}/registered-models/alias`,
    {
      schema: {
        summary: 'Delete an alias',
        tags,
        body: bodySchema({ name: NAME, alias: ALIAS }),
        response: EMPTY_RESPONSE,
      },
    },
    async (request) => {
      await tracker.deleteModelAlias(request.body.name, request.body.alias);
      return {};
    },
  );

  app.patch<{ Body: { name: string; version: string; description?: string } }>(
    `${MLFLOW_BASE}/model-versions/update`,
    {
      schema: {
        summary: "Update a model version's description",
        tags,
        body: bodySchema(
          { name: NAME, version: VERSION, description: { type: 'string', maxLength: 5000 } },
          ['description'],
        ),
        response: {
          200: { type: 'object', properties: { model_version: MODEL_VERSION_SCHEMA } },
          ...MLFLOW_ERRORS,
        },
      },
    },
    async (request) => {
      const { name, description } = request.body;
      const version = Number(request.body.version);
      await tracker.updateModelVersion(name, version, { description: description ?? null });
      return { model_version: mlflowVersion(await tracker.getModelVersion(name, version)) };
    },
  );

  app.post<{ Body: { name: string; version: string } & MlflowTag }>(
    `${MLFLOW_BASE}/model-versions/set-tag`,
    {
      schema: {
        summary: 'Set a tag on a model version',
        tags,
        body: bodySchema({ name: NAME, version: VERSION, ...TAG_SCHEMA.properties }),
        response: EMPTY_RESPONSE,
      },
    },
    async (request) => {
      const { name, version, key, value } = request.body;
      await tracker.setModelVersionTag(name, Number(version), key, value);
      return {};
    },
  );

  app.delete<{ Body: { name: string; version: string; key: string } }>(
    `${MLFLOW_BASE}/model-versions/delete-tag`,
    {
      schema: {
        summary: 'Delete a tag of a model version',
        tags,
        body: bodySchema({ name: NAME, version: VERSION, key: KEY }),
        response: EMPTY_RESPONSE,
      },
    },
    async (request) => {
      const { name, version, key } = request.body;
      await tracker.deleteModelVersionTag(name, Number(version), key);
      return {};
    },
  );
}
