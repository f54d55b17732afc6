import { parseChangeCursor } from '@tideflow/core';
import type { LogLine, TaskRunRecord, Tracker } from '@tideflow/core';
import type { FastifyInstance } from 'fastify';
import { changesToWire, flowRunFromWire } from '../wire.js';
import type { WireFlowRun } from '../wire.js';
import {
  TIDEFLOW_BASE,
  tideflowErrors,
  changeSchema,
  cursorSchema,
  flowRunRequestSchema,
  flowRunSchema,
  logLineSchema,
  okSchema,
  runIdParams,
  taskRunSchema,
} from './tideflow-schemas.js';

const B = TIDEFLOW_BASE;
const errors = tideflowErrors;
const tags = ['tideflow'];

interface RunParams {
  Params: { runId: string };
}

/**
 * tideflow's JSON routes for the orchestration records (flow runs, task runs, logs) and the
 * change feed: what `RestTracker` calls to record a flow that runs on another machine.
 */
export function tideflowRecordRoutes(app: FastifyInstance, tracker: Tracker): void {
  app.post<RunParams & { Body: WireFlowRun }>(
    `${B}/runs/:runId/flow-run`,
    {
      schema: {
        summary: "Store or replace a run's flow-run record",
        tags,
        params: runIdParams,
        body: flowRunRequestSchema,
        response: { 200: okSchema, ...errors },
      },
    },
    async (req) => {
      await tracker.setFlowRun(req.params.runId, flowRunFromWire(req.body));
      return {};
    },
  );

  app.get<RunParams>(
    `${B}/runs/:runId/flow-run`,
    {
      schema: {
        summary: "A run's flow-run record (`record: null` if none)",
        tags,
        params: runIdParams,
        response: {
          200: {
            type: 'object',
            properties: { record: { ...flowRunSchema, nullable: true } },
          },
          ...errors,
        },
      },
    },
    async (req) => ({ record: (await tracker.getFlowRun(req.params.runId)) ?? null }),
  );

  app.post<RunParams & { Body: { records: TaskRunRecord[] } }>(
    `${B}/runs/:runId/task-runs`,
    {
      schema: {
        summary: 'Store or replace task-run records, atomically, in order',
        tags,
        params: runIdParams,
        body: {
          type: 'object',
          required: ['records'],
          additionalProperties: false,
          properties: { records: { type: 'array', items: taskRunSchema, maxItems: 100_000 } },
        },
        response: { 200: okSchema, ...errors },
      },
    },
    async (req) => {
      await tracker.upsertTaskRuns(req.params.runId, req.body.records);
      return {};
    },
  );

  app.get<RunParams>(
    `${B}/runs/:runId/task-runs`,
    {
      schema: {
        summary: "A run's task runs in the order first recorded",
        tags,
        params: runIdParams,
        response: {
          200: { type: 'object', properties: { records: { type: 'array', items: taskRunSchema } } },
          ...errors,
        },
      },
    },
    async (req) => ({ records: await tracker.listTaskRuns(req.params.runId) }),
  );

  app.post<RunParams & { Body: { lines: LogLine[] } }>(
    `${B}/runs/:runId/logs`,
    {
      schema: {
        summary: "Append lines to a run's log, atomically",
        tags,
        params: runIdParams,
        body: {
          type: 'object',
          required: ['lines'],
          additionalProperties: false,
          properties: { lines: { type: 'array', items: logLineSchema, maxItems: 100_000 } },
        },
        response: { 200: okSchema, ...errors },
      },
    },
    async (req) => {
      await tracker.logLines(req.params.runId, req.body.lines);
      return {};
    },
  );

  app.get<RunParams & { Querystring: { taskRunId?: string; limit?: number } }>(
    `${B}/runs/:runId/logs`,
    {
      schema: {
        summary: "A run's log lines in append order",
        tags,
        params: runIdParams,
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { taskRunId: { type: 'string' }, limit: { type: 'integer', minimum: 0 } },
        },
        response: {
          200: { type: 'object', properties: { lines: { type: 'array', items: logLineSchema } } },
          ...errors,
        },
      },
    },
    async (req) => ({ lines: await tracker.getLogs(req.params.runId, req.query) }),
  );

  app.get<{ Querystring: { after?: string; limit?: number } }>(
    `${B}/changes`,
    {
      schema: {
        summary:
          'The change feed: records, log lines and metric points written after a cursor (`records.logs.metrics`); without one, the end',
        tags,
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { after: { type: 'string', maxLength: 60 }, limit: { type: 'integer' } },
        },
        response: {
          200: {
            type: 'object',
            properties: {
              changes: { type: 'array', items: changeSchema },
              cursor: cursorSchema,
              more: { type: 'boolean' },
              resync: {
                type: 'boolean',
                enum: [true],
                description:
                  'Present when the store no longer keeps changes after `after`: `cursor` is the end; reload, then read on from it.',
              },
            },
          },
          ...errors,
        },
      },
    },
    async (req) => {
      const { after, limit } = req.query;
      const page = await tracker.readChanges(
        after === undefined ? undefined : parseChangeCursor(after),
        limit === undefined ? {} : { limit },
      );
      return changesToWire(page);
    },
  );
}
