import type { Tracker } from '@tideflow/core';
import type { FastifyInstance } from 'fastify';
import { ARTIFACT_SCHEMA } from './flow-runs.js';
import { ERROR_SCHEMA } from './mlflow-shapes.js';

/**
 * `GET /api/runs/:runId/artifacts`: every artifact record of a run (kind, key, version, media
 * type), which the UI needs to render a typed artifact; MLflow's `artifacts/list` has paths only.
 */
export function runArtifactRoutes(app: FastifyInstance, tracker: Tracker): void {
  app.get<{ Params: { runId: string } }>(
    '/api/runs/:runId/artifacts',
    {
      schema: {
        summary: "A run's artifact records, with their kinds and versions",
        tags: ['artifacts'],
        params: {
          type: 'object',
          required: ['runId'],
          properties: { runId: { type: 'string', minLength: 1, maxLength: 64 } },
        },
        response: {
          200: {
            type: 'object',
            properties: { artifacts: { type: 'array', items: ARTIFACT_SCHEMA } },
          },
          404: ERROR_SCHEMA,
        },
      },
    },
    async (request) => {
      await tracker.getRun(request.params.runId);
      return { artifacts: await tracker.listArtifacts(request.params.runId) };
    },
  );
}
