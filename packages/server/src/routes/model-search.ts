import type { ModelVersion, Tracker } from '@tideflow/core';
import type { FastifyInstance } from 'fastify';
import { ERROR_SCHEMA, MLFLOW_BASE } from './mlflow-shapes.js';
import { MODEL_VERSION_SCHEMA, mlflowVersion } from './models.js';
import { parseRegistryFilter } from './registry-filter.js';

/**
 * MLflow's `GET model-versions/search`: the versions of every registered model matching
 * `filter` (`name`, `run_id` and `source` with `=`, `!=`, `LIKE`, `ILIKE`, `IN`, joined by
 * `AND`), by name, newest version first, at most `max_results`.
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
      // Every model's versions read at once (the tracker has no call for all of them).
      const models = await tracker.listRegisteredModels();
      const versions = await Promise.all(models.map((m) => tracker.listModelVersions(m.name)));
      const found: ModelVersion[] = [];
      for (const own of versions)
        for (const version of own.reverse()) {
          if (found.length >= max_results) break;
          if (matches({ name: version.name, run_id: version.runId, source: version.source }))
            found.push(version);
        }
      return { model_versions: found.map(mlflowVersion) };
    },
  );
}
