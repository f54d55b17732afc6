import type { Tracker } from '@tideflow/core';
import type { FastifyInstance } from 'fastify';
import { ERROR_SCHEMA, TAG_SCHEMA } from './mlflow-shapes.js';
import type { MlflowTag } from './mlflow-shapes.js';
import { MODEL_VERSION_SCHEMA, NAME, VERSION, mlflowVersion } from './models.js';

const BASE = '/api/2.0/mlflow';
const ERRORS = { 400: ERROR_SCHEMA, 404: ERROR_SCHEMA };
const EMPTY = { 200: { type: 'object', properties: {} }, ...ERRORS };
const KEY = TAG_SCHEMA.properties.key;
const ALIAS = { type: 'string', minLength: 1, maxLength: 255 } as const;

/** A body schema: these properties, all required, nothing else. */
const body = (properties: Record<string, unknown>, optional: readonly string[] = []) => ({
  type: 'object',
  additionalProperties: false,
  required: Object.keys(properties).filter((k) => !optional.includes(k)),
  properties,
});

/**
 * MLflow's registry edits, with its methods (`DELETE` takes a JSON body, as MLflow's clients
 * send it): `registered-models/delete-tag`, `DELETE registered-models/alias`, and
 * `model-versions/update` (description), `set-tag` and `delete-tag`. A missing model or version
 * is 404 `RESOURCE_DOES_NOT_EXIST`; deleting a tag or alias that is not there is a no-op.
 */
export function modelEditRoutes(app: FastifyInstance, tracker: Tracker): void {
  const tags = ['model registry'];
  app.delete<{ Body: { name: string; key: string } }>(
    `${BASE}/registered-models/delete-tag`,
    {
      schema: {
        summary: 'Delete a tag of a registered model',
        tags,
        body: body({ name: NAME, key: KEY }),
        response: EMPTY,
      },
    },
    async (request) => {
      await tracker.deleteRegisteredModelTag(request.body.name, request.body.key);
      return {};
    },
  );

  app.delete<{ Body: { name: string; alias: string } }>(
    `${BASE}/registered-models/alias`,
    {
      schema: {
        summary: 'Delete an alias',
        tags,
        body: body({ name: NAME, alias: ALIAS }),
        response: EMPTY,
      },
    },
    async (request) => {
      await tracker.deleteModelAlias(request.body.name, request.body.alias);
      return {};
    },
  );

  app.patch<{ Body: { name: string; version: string; description?: string } }>(
    `${BASE}/model-versions/update`,
    {
      schema: {
        summary: "Update a model version's description",
        tags,
        body: body(
          { name: NAME, version: VERSION, description: { type: 'string', maxLength: 5000 } },
          ['description'],
        ),
        response: {
          200: { type: 'object', properties: { model_version: MODEL_VERSION_SCHEMA } },
          ...ERRORS,
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
    `${BASE}/model-versions/set-tag`,
    {
      schema: {
        summary: 'Set a tag on a model version',
        tags,
        body: body({ name: NAME, version: VERSION, ...TAG_SCHEMA.properties }),
        response: EMPTY,
      },
    },
    async (request) => {
      const { name, version, key, value } = request.body;
      await tracker.setModelVersionTag(name, Number(version), key, value);
      return {};
    },
  );

  app.delete<{ Body: { name: string; version: string; key: string } }>(
    `${BASE}/model-versions/delete-tag`,
    {
      schema: {
        summary: 'Delete a tag of a model version',
        tags,
        body: body({ name: NAME, version: VERSION, key: KEY }),
        response: EMPTY,
      },
    },
    async (request) => {
      const { name, version, key } = request.body;
      await tracker.deleteModelVersionTag(name, Number(version), key);
      return {};
    },
  );
}
