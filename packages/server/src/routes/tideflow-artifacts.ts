import { ModelNotFoundError } from '@tideflow/core';
import type { Tracker, TypedArtifactInput } from '@tideflow/core';
import { decodeTypedArtifact } from '@tideflow/core/store';
import type { FastifyInstance } from 'fastify';
import { ApiError } from '../api-error.js';
import { bytesFromWire, fromEntries, fromWireNumber, modelToWire } from '../wire.js';
import type { WireArtifact, WireEntries, WireLoggedModel } from '../wire.js';
import {
  TIDEFLOW_BASE,
  tideflowErrors,
  artifactInfoSchema,
  loggedModelRequestSchema,
  loggedModelSchema,
  modelVersionSchema,
  okSchema,
  registeredModelSchema,
  runIdParams,
  stringEntries,
  wireArtifactSchema,
} from './tideflow-schemas.js';

const B = TIDEFLOW_BASE;
const errors = tideflowErrors;
const tags = ['tideflow'];
const str = { type: 'string' } as const;
const nullableStr = { type: 'string', nullable: true } as const;
const nullableInt = { type: 'integer', nullable: true } as const;

interface RunParams {
  Params: { runId: string };
}

/** The typed content of an encoded artifact, checked again by the tracker when logged. */
function typedContent(a: WireArtifact): TypedArtifactInput {
  const content = decodeTypedArtifact(a.info.type, a.info.mediaType, bytesFromWire(a.data));
  return a.info.description === null ? content : { ...content, description: a.info.description };
}

/** Stores one encoded artifact through the tracker's public API (files by path, typed ones by content). */
async function logEncoded(tracker: Tracker, runId: string, a: WireArtifact) {
  if (a.info.type === 'file') return tracker.logArtifact(runId, a.info.path, bytesFromWire(a.data));
  if (a.info.type === 'model')
    throw new ApiError(
      400,
      'INVALID_PARAMETER_VALUE',
      `Artifact "${a.info.path}" is a model file; log models with ${B}/runs/{runId}/models.`,
    );
  return tracker.logTypedArtifact(runId, typedContent(a));
}

/**
 * tideflow's JSON routes for artifacts (bytes as base64 in JSON: mutations take JSON only),
 * logged models and the model registry: what `RestTracker` calls. Bodies of the upload routes
 * may be as large as the server's `uploadLimit`.
 */
export function tideflowArtifactRoutes(
  app: FastifyInstance,
  tracker: Tracker,
  uploadLimit: number,
): void {
  app.post<RunParams & { Body: { artifacts: WireArtifact[] } }>(
    `${B}/runs/:runId/artifacts`,
    {
      bodyLimit: uploadLimit,
      schema: {
        summary: 'Store files and typed artifacts (bytes in base64)',
        tags,
        params: runIdParams,
        body: {
          type: 'object',
          required: ['artifacts'],
          additionalProperties: false,
          properties: { artifacts: { type: 'array', items: wireArtifactSchema, maxItems: 1000 } },
        },
        response: {
          200: {
            type: 'object',
            properties: { artifacts: { type: 'array', items: artifactInfoSchema } },
          },
          ...errors,
        },
      },
    },
    async (req) => {
      const out = [];
      for (const a of req.body.artifacts) out.push(await logEncoded(tracker, req.params.runId, a));
      return { artifacts: out };
    },
  );

  app.post<RunParams & { Body: { key: string; artifact: WireArtifact } }>(
    `${B}/runs/:runId/artifacts/versioned`,
    {
      bodyLimit: uploadLimit,
      schema: {
        summary: 'Store a typed artifact as the next version of a key',
        tags,
        params: runIdParams,
        body: {
          type: 'object',
          required: ['key', 'artifact'],
          additionalProperties: false,
          properties: { key: str, artifact: wireArtifactSchema },
        },
        response: { 200: artifactInfoSchema, ...errors },
      },
    },
    async (req) =>
      tracker.logTypedArtifact(req.params.runId, {
        ...typedContent(req.body.artifact),
        key: req.body.key,
      }),
  );

  app.get<RunParams & { Querystring: { prefix?: string } }>(
    `${B}/runs/:runId/artifacts`,
    {
      schema: {
        summary: "A run's artifact records, sorted by path",
        tags,
        params: runIdParams,
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { prefix: str },
        },
        response: {
          200: {
            type: 'object',
            properties: { artifacts: { type: 'array', items: artifactInfoSchema } },
          },
          ...errors,
        },
      },
    },
    async (req) => ({ artifacts: await tracker.listArtifacts(req.params.runId, req.query.prefix) }),
  );

  app.get<RunParams & { Querystring: { path: string } }>(
    `${B}/runs/:runId/artifacts/content`,
    {
      schema: {
        summary: "An artifact's bytes (application/octet-stream)",
        tags,
        params: runIdParams,
        querystring: {
          type: 'object',
          required: ['path'],
          additionalProperties: false,
          properties: { path: str },
        },
        response: {
          200: {
            description: 'The bytes',
            content: {
              'application/octet-stream': { schema: { type: 'string', format: 'binary' } },
            },
          },
          ...errors,
        },
      },
    },
    async (req, reply) => {
      const bytes = await tracker.readArtifact(req.params.runId, req.query.path);
      return reply.type('application/octet-stream').send(Buffer.from(bytes));
    },
  );

  app.post<
    RunParams & {
      Body: { model: WireLoggedModel; files: WireArtifact[] };
    }
  >(
    `${B}/runs/:runId/models`,
    {
      bodyLimit: uploadLimit,
      schema: {
        summary:
          'Store a logged model and its files; `logged: false` if the run has one of that name',
        tags,
        params: runIdParams,
        body: {
          type: 'object',
          required: ['model', 'files'],
          additionalProperties: false,
          properties: {
            model: loggedModelRequestSchema,
            files: { type: 'array', items: wireArtifactSchema, maxItems: 10 },
          },
        },
        response: {
          200: { type: 'object', properties: { logged: { type: 'boolean' } } },
          ...errors,
        },
      },
    },
    async (req) => {
      const { runId } = req.params;
      const { model, files } = req.body;
      if ((await tracker.listLoggedModels(runId)).some((m) => m.name === model.name))
        return { logged: false };
      const file = files.find((f) => f.info.path === model.artifactPath);
      if (!file)
        throw new ApiError(
          400,
          'INVALID_PARAMETER_VALUE',
          `Model "${model.name}": no file at its artifactPath "${model.artifactPath}" among the files sent.`,
        );
      const metrics = fromEntries(
        model.metrics.map(([k, v]): [string, number] => [k, fromWireNumber(v) ?? Number.NaN]),
      );
      await tracker.logModel(runId, {
        name: model.name,
        bytes: bytesFromWire(file.data),
        flavor: model.flavor,
        ...(model.signature ? { signature: model.signature } : {}),
        metrics,
      });
      return { logged: true };
    },
  );

  app.get<RunParams>(
    `${B}/runs/:runId/models`,
    {
      schema: {
        summary: 'The models a run logged',
        tags,
        params: runIdParams,
        response: {
          200: {
            type: 'object',
            properties: { models: { type: 'array', items: loggedModelSchema } },
          },
          ...errors,
        },
      },
    },
    async (req) => ({
      models: (await tracker.listLoggedModels(req.params.runId)).map(modelToWire),
    }),
  );

  app.post<{
    Body: {
      name: string;
      runId: string;
      modelName: string;
      description: string | null;
      tags: WireEntries;
    };
  }>(
    `${B}/registered-models/versions`,
    {
      schema: {
        summary: "Register a run's logged model as the next version of a name",
        tags,
        body: {
          type: 'object',
          required: ['name', 'runId', 'modelName', 'description', 'tags'],
          additionalProperties: false,
          properties: {
            name: str,
            runId: str,
            modelName: str,
            description: nullableStr,
            tags: stringEntries,
          },
        },
        response: { 200: modelVersionSchema, ...errors },
      },
    },
    async (req) => {
      const { name, runId, modelName, description, tags: versionTags } = req.body;
      return tracker.registerModel(name, {
        runId,
        modelName,
        ...(description === null ? {} : { description }),
        tags: fromEntries(versionTags),
      });
    },
  );

  app.get<{ Querystring: { name: string } }>(
    `${B}/registered-models/versions`,
    {
      schema: {
        summary: 'Every version of a registered model, oldest first',
        tags,
        querystring: {
          type: 'object',
          required: ['name'],
          additionalProperties: false,
          properties: { name: str },
        },
        response: {
          200: {
            type: 'object',
            properties: { versions: { type: 'array', items: modelVersionSchema } },
          },
          ...errors,
        },
      },
    },
    async (req) => ({ versions: await tracker.listModelVersions(req.query.name) }),
  );

  app.get<{ Querystring: { name: string; version?: number; alias?: string; latest?: boolean } }>(
    `${B}/registered-models/version`,
    {
      schema: {
        summary: 'A model version by number, alias or latest',
        tags,
        querystring: {
          type: 'object',
          required: ['name'],
          additionalProperties: false,
          properties: {
            name: str,
            version: { type: 'integer' },
            alias: str,
            latest: { type: 'boolean' },
          },
        },
        response: { 200: modelVersionSchema, ...errors },
      },
    },
    async (req) => {
      const { name, version, alias, latest } = req.query;
      const ref = version ?? alias ?? (latest ? 'latest' : undefined);
      if (ref === undefined) throw new ModelNotFoundError(name, '(none given)');
      return tracker.getModelVersion(name, ref);
    },
  );

  app.get<{ Querystring: { name: string } }>(
    `${B}/registered-models/model`,
    {
      schema: {
        summary: 'One registered model, as the listing gives it',
        tags,
        querystring: {
          type: 'object',
          required: ['name'],
          additionalProperties: false,
          properties: { name: str },
        },
        response: { 200: registeredModelSchema, ...errors },
      },
    },
    async (req) => tracker.getRegisteredModel(req.query.name),
  );

  app.get(
    `${B}/registered-models`,
    {
      schema: {
        summary: 'Every registered model, sorted by name',
        tags,
        response: {
          200: {
            type: 'object',
            properties: { models: { type: 'array', items: registeredModelSchema } },
          },
          ...errors,
        },
      },
    },
    async () => ({ models: await tracker.listRegisteredModels() }),
  );

  app.post<{ Body: { name: string; alias: string; version?: number; delete?: boolean } }>(
    `${B}/registered-models/alias`,
    {
      schema: {
        summary: 'Point an alias at a version, or remove it (`delete: true`)',
        tags,
        body: {
          type: 'object',
          required: ['name', 'alias'],
          additionalProperties: false,
          properties: {
            name: str,
            alias: str,
            version: { type: 'integer' },
            delete: { type: 'boolean' },
          },
        },
        response: { 200: okSchema, ...errors },
      },
    },
    async (req) => {
      const { name, alias, version } = req.body;
      if (req.body.delete) await tracker.deleteModelAlias(name, alias);
      else await tracker.setModelAlias(name, alias, version as number);
      return {};
    },
  );

  app.post<{
    Body: {
      name: string;
      version: number | null;
      key?: string;
      value?: string;
      delete?: boolean;
      description?: string | null;
    };
  }>(
    `${B}/registered-models/metadata`,
    {
      schema: {
        summary:
          'Set or delete a tag (`key`, `value` / `delete`), or set the description, of a registered model (`version: null`) or a version',
        tags,
        body: {
          type: 'object',
          required: ['name', 'version'],
          additionalProperties: false,
          properties: {
            name: str,
            version: nullableInt,
            key: str,
            value: str,
            delete: { type: 'boolean' },
            description: nullableStr,
          },
        },
        response: { 200: okSchema, ...errors },
      },
    },
    async (req) => {
      const { name, version, key, value } = req.body;
      if (key === undefined) {
        const update = { description: req.body.description ?? null };
        if (version === null) await tracker.updateRegisteredModel(name, update);
        else await tracker.updateModelVersion(name, version, update);
      } else if (req.body.delete) {
        if (version === null) await tracker.deleteRegisteredModelTag(name, key);
        else await tracker.deleteModelVersionTag(name, version, key);
      } else if (version === null) await tracker.setRegisteredModelTag(name, key, value as string);
      else await tracker.setModelVersionTag(name, version, key, value as string);
      return {};
    },
  );
}
