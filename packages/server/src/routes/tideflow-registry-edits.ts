import type { Tracker } from '@tideflow/core';
import type { FastifyInstance } from 'fastify';
import { bodySchema } from './body-schema.js';
import { fromEntries } from '../wire.js';
import type { WireEntries } from '../wire.js';
import {
  TIDEFLOW_BASE,
  okSchema,
  registeredModelSchema,
  stringEntries,
  tideflowErrors,
} from './tideflow-schemas.js';

const B = `${TIDEFLOW_BASE}/registered-models`;
const tags = ['tideflow'];
const str = { type: 'string' } as const;
const errors = tideflowErrors;

/**
 * The registry edits of `RestTracker` (`TrackerStore.insertRegisteredModel`,
 * `renameRegisteredModel`, `deleteRegisteredModel`, `deleteModelVersion`) over the server's
 * tracker, which checks every input and answers tracker errors with their `tideflow_code`.
 */
export function tideflowRegistryEditRoutes(app: FastifyInstance, tracker: Tracker): void {
  app.post<{
    Body: { name: string; description: string | null; tags: WireEntries<string> };
  }>(
    B,
    {
      schema: {
        summary: 'Create a registered model with no versions',
        tags,
        body: bodySchema({
          name: str,
          description: { type: 'string', nullable: true },
          tags: stringEntries,
        }),
        response: { 200: registeredModelSchema, ...errors },
      },
    },
    async (req) => {
      const { name, description, tags: modelTags } = req.body;
      return tracker.createRegisteredModel(name, { description, tags: fromEntries(modelTags) });
    },
  );

  app.post<{ Body: { name: string; newName: string } }>(
    `${B}/rename`,
    {
      schema: {
        summary: 'Rename a registered model (its versions, aliases and tags move with it)',
        tags,
        body: bodySchema({ name: str, newName: str }),
        response: { 200: okSchema, ...errors },
      },
    },
    async (req) => {
      await tracker.renameRegisteredModel(req.body.name, req.body.newName);
      return {};
    },
  );

  app.post<{ Body: { name: string } }>(
    `${B}/delete`,
    {
      schema: {
        summary: 'Delete a registered model with its versions, aliases and tags',
        tags,
        body: bodySchema({ name: str }),
        response: { 200: okSchema, ...errors },
      },
    },
    async (req) => {
      await tracker.deleteRegisteredModel(req.body.name);
      return {};
    },
  );

  app.post<{ Body: { name: string; version: number } }>(
    `${B}/versions/delete`,
    {
      schema: {
        summary: 'Delete one version of a registered model (and the aliases pointing at it)',
        tags,
        body: bodySchema({ name: str, version: { type: 'integer' } }),
        response: { 200: okSchema, ...errors },
      },
    },
    async (req) => {
      await tracker.deleteModelVersion(req.body.name, req.body.version);
      return {};
    },
  );
}
