import type { Tracker } from '@tideflow/core';
import type { FastifyInstance } from 'fastify';
import { ApiError } from '../api-error.js';
import { EMPTY_RESPONSE, MLFLOW_BASE, ONE_RUN_ID, RUN_ID_PROPS, runIdOf } from './mlflow-shapes.js';
import type { RunRef } from './mlflow-shapes.js';

/**
 * MLflow's run edits: `runs/delete` and `runs/restore` (soft delete: a deleted run leaves
 * searches, as MLflow's `lifecycle_stage`), and `runs/delete-tag`, which, as in MLflow, is 404
 * `RESOURCE_DOES_NOT_EXIST` for a tag the run does not have.
 */
export function runEditRoutes(app: FastifyInstance, tracker: Tracker): void {
  const tags = ['runs'];
  const runOnly = (summary: string) => ({
    summary,
    tags,
    body: {
      type: 'object',
      additionalProperties: false,
      anyOf: ONE_RUN_ID,
      properties: RUN_ID_PROPS,
    },
    response: EMPTY_RESPONSE,
  });
  app.post<{ Body: RunRef }>(
    `${MLFLOW_BASE}/runs/delete`,
    { schema: runOnly('Delete a run (it can be restored)') },
    async (request) => {
      await tracker.deleteRun(runIdOf(request.body));
      return {};
    },
  );
  app.post<{ Body: RunRef }>(
    `${MLFLOW_BASE}/runs/restore`,
    { schema: runOnly('Restore a deleted run') },
    async (request) => {
      await tracker.restoreRun(runIdOf(request.body));
      return {};
    },
  );
  app.post<{ Body: RunRef & { key: string } }>(
    `${MLFLOW_BASE}/runs/delete-tag`,
    {
      schema: {
        summary: 'Delete a tag of a run',
        tags,
        body: {
          type: 'object',
          additionalProperties: false,
          anyOf: ONE_RUN_ID,
          required: ['key'],
          properties: { ...RUN_ID_PROPS, key: { type: 'string', minLength: 1, maxLength: 250 } },
        },
        response: EMPTY_RESPONSE,
      },
    },
    async (request) => {
      const runId = runIdOf(request.body);
      const { key } = request.body;
      const run = await tracker.getRun(runId);
      if (!Object.hasOwn(run.data.tags, key))
        throw new ApiError(
          404,
          'RESOURCE_DOES_NOT_EXIST',
          `No tag with name ${JSON.stringify(key)} in run ${runId}.`,
        );
      await tracker.deleteTag(runId, key);
      return {};
    },
  );
}
