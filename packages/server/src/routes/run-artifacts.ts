import type { Tracker } from '@tideflow/core';
import type { FastifyInstance } from 'fastify';
import { SIGNED_URL_ROUTE } from '../security.js';
import { confineArtifactPath } from '../artifact-path.js';
import { artifactUrl } from '../signed-urls.js';
import type { LinkMaker } from '../signed-urls.js';
import { REPORT_CSP } from './flow-runs.js';
import { artifactInfoSchema } from './tideflow-schemas.js';
import { ERROR_SCHEMA } from './mlflow-shapes.js';

const RUN_ID = { type: 'string', minLength: 1, maxLength: 64 } as const;

/**
 * `GET /api/runs/:runId/artifacts`: every artifact record of a run (kind, key, version, media
 * type, and the `url` that opens it), which the UI needs to render a typed artifact; MLflow's
 * `artifacts/list` has paths only. `GET /api/runs/:runId/artifacts/<path>`: the bytes, with their
 * media type, sandboxed like the report; on a server with a token it also opens by the signed
 * `url` (a plain link or `<img src>` cannot send the token).
 */
export function runArtifactRoutes(app: FastifyInstance, tracker: Tracker, link: LinkMaker): void {
  app.get<{ Params: { runId: string } }>(
    '/api/runs/:runId/artifacts',
    {
      schema: {
        summary: "A run's artifact records, with their kinds and versions",
        tags: ['artifacts'],
        params: {
          type: 'object',
          required: ['runId'],
          properties: { runId: RUN_ID },
        },
        response: {
          200: {
            type: 'object',
            properties: {
              artifacts: {
                type: 'array',
                items: {
                  ...artifactInfoSchema,
                  properties: {
                    ...artifactInfoSchema.properties,
                    url: {
                      type: 'string',
                      description:
                        'Where its bytes open (GET); on a server with a token, signed (`?exp=&sig=`) for 15 minutes.',
                    },
                  },
                },
              },
            },
          },
          404: ERROR_SCHEMA,
        },
      },
    },
    async (request) => {
      const { runId } = request.params;
      await tracker.getRun(runId);
      const artifacts = await tracker.listArtifacts(runId);
      return { artifacts: artifacts.map((a) => ({ ...a, url: link(artifactUrl(runId, a.path)) })) };
    },
  );

  app.get<{ Params: { runId: string; '*': string }; Querystring: { exp?: string; sig?: string } }>(
    '/api/runs/:runId/artifacts/*',
    {
      config: SIGNED_URL_ROUTE,
      schema: {
        summary: "One of a run's artifacts, inline with its media type (sandboxed)",
        tags: ['artifacts'],
        params: {
          type: 'object',
          required: ['runId', '*'],
          properties: { runId: RUN_ID, '*': { type: 'string', maxLength: 1000 } },
        },
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            exp: { type: 'string', maxLength: 20 },
            sig: { type: 'string', maxLength: 100 },
          },
        },
        response: { 400: ERROR_SCHEMA, 404: ERROR_SCHEMA },
      },
    },
    async (request, reply) => {
      const { runId } = request.params;
      const path = confineArtifactPath(request.params['*']);
      await tracker.getRun(runId);
      const info = (await tracker.listArtifacts(runId, path)).find((a) => a.path === path);
      const bytes = await tracker.readArtifact(runId, path);
      const name = path.slice(path.lastIndexOf('/') + 1).replace(/[^\w.-]/g, '_');
      return reply
        .type(info?.mediaType ?? 'application/octet-stream')
        .header('content-security-policy', REPORT_CSP)
        .header('content-disposition', `inline; filename="${name}"`)
        .send(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    },
  );
}
