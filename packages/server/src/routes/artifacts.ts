import type { Tracker } from '@tideflow/core';
import type { FastifyInstance } from 'fastify';
import { confineArtifactPath } from '../artifact-path.js';
import { ERROR_SCHEMA, ONE_RUN_ID, RUN_ID_PROPS, runIdOf } from './mlflow-shapes.js';

/** One entry of MLflow's `artifacts/list` answer. */
interface FileInfo {
  path: string;
  is_dir: boolean;
  file_size?: number;
}

const RUN_QUERY = { ...RUN_ID_PROPS, path: { type: 'string', maxLength: 1000 } } as const;

/**
 * MLflow's artifact routes: `GET /api/2.0/mlflow/artifacts/list` (the direct children of `path`)
 * and `GET /get-artifact` (the bytes, as an attachment with its media type). Paths are checked
 * by {@link confineArtifactPath} before the store sees them.
 */
export function artifactRoutes(app: FastifyInstance, tracker: Tracker): void {
  app.get<{ Querystring: { run_id?: string; run_uuid?: string; path?: string } }>(
    '/api/2.0/mlflow/artifacts/list',
    {
      schema: {
        summary: "List a run's artifacts under a directory",
        tags: ['artifacts'],
        querystring: {
          type: 'object',
          properties: RUN_QUERY,
          anyOf: ONE_RUN_ID,
        },
        response: {
          200: {
            type: 'object',
            properties: {
              root_uri: { type: 'string' },
              files: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: {
                    path: { type: 'string' },
                    is_dir: { type: 'boolean' },
                    file_size: { type: 'integer' },
                  },
                },
              },
            },
          },
          400: ERROR_SCHEMA,
          404: ERROR_SCHEMA,
        },
      },
    },
    async (request) => {
      const runId = runIdOf(request.query);
      const dir = confineArtifactPath(request.query.path ?? '', { allowEmpty: true });
      await tracker.getRun(runId);
      const prefix = dir === '' ? '' : `${dir}/`;
      const entries = new Map<string, FileInfo>();
      for (const a of await tracker.listArtifacts(runId)) {
        if (!a.path.startsWith(prefix)) continue;
        const rest = a.path.slice(prefix.length);
        const slash = rest.indexOf('/');
        const path = prefix + (slash < 0 ? rest : rest.slice(0, slash));
        entries.set(
          path,
          slash < 0 ? { path, is_dir: false, file_size: a.size } : { path, is_dir: true },
        );
      }
      return {
        root_uri: `tideflow-artifacts:/runs/${runId}`,
        files: [...entries.values()].sort((a, b) => a.path.localeCompare(b.path)),
      };
    },
  );

  app.get<{ Querystring: { run_id?: string; run_uuid?: string; path: string } }>(
    '/get-artifact',
    {
      schema: {
        summary: "Download one of a run's artifacts",
        tags: ['artifacts'],
        querystring: {
          type: 'object',
          required: ['path'],
          properties: RUN_QUERY,
          anyOf: ONE_RUN_ID,
        },
      },
    },
    async (request, reply) => {
      const runId = runIdOf(request.query);
      const path = confineArtifactPath(request.query.path);
      const info = (await tracker.listArtifacts(runId, path)).find((a) => a.path === path);
      const bytes = await tracker.readArtifact(runId, path);
      const name = path.slice(path.lastIndexOf('/') + 1).replace(/[^\w.-]/g, '_');
      return reply
        .type(info?.mediaType ?? 'application/octet-stream')
        .header('content-disposition', `attachment; filename="${name}"`)
        .send(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    },
  );
}
