import type { ModelVersion, Tracker } from '@tideflow/core';
import type { FastifyInstance } from 'fastify';
import { ERROR_SCHEMA, MLFLOW_BASE } from './mlflow-shapes.js';
import { MODEL_VERSION_SCHEMA, mlflowVersion } from './models.js';
import { parseRegistryFilter } from './registry-filter.js';

/** No versions for a model deleted since the listing (the search shows the registry as listed). */
function deletedSince(error: unknown): ModelVersion[] {
  if ((error as { code?: unknown }).code === 'MODEL_NOT_FOUND') return [];
  throw error;
}

/**
 * MLflow's `GET model-versions/search`: the versions of every registered model matching
 * `filter` (`name`, `run_id` and `source` with `=`, `!=`, `LIKE`, `ILIKE`, `IN`, joined by
 * `AND`), by name, newest version first, at most `max_results` (no page tokens: one page).
 */
export function modelSearchRoutes(app: FastifyInstance, tracker: Tracker): void {
  app.get<{ Querystring: { filter?: string; max_results?: number } }>(
    `${MLFLOW_BASE}/model-versions/search`,
    {
      schema: {
        summary: 'Search model versions',
        tags: ['model registry'],
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            filter: { type: 'string', maxLength: 5000 },
            max_results: { type: 'integer', minimum: 1, maximum: 10_000 },
          },
        },
        response: {
          200: {
            type: 'object',
            properties: { model_versions: { type: 'array', items: MODEL_VERSION_SCHEMA } },
          },
          400: ERROR_SCHEMA,
        },
      },
    },
    async (request) => {
      const { filter = '', max_results = 10_000 } = request.query;
      const matches = parseRegistryFilter(filter, ['name', 'run_id', 'source']);
      const found: ModelVersion[] = [];
      // Model by model, in name order, until max_results are found: one read per model, and
      // none for a model with no versions or a name the filter rules out (its versions have it).
      for (const model of await tracker.listRegisteredModels()) {
        if (found.length >= max_results) break;
        if (model.latestVersion === 0 || !matches.allows('name', model.name)) continue;
        const versions = await tracker.listModelVersions(model.name).catch(deletedSince);
        for (let i = versions.length - 1; i >= 0 && found.length < max_results; i--) {
          const v = versions[i];
          if (matches({ name: v.name, run_id: v.runId, source: v.source })) found.push(v);
        }
      }
      return { model_versions: found.map(mlflowVersion) };
    },
  );
}
