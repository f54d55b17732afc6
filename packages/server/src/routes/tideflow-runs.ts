import type {
  DatasetInputSpec,
  LifecycleStage,
  MetricInput,
  Run,
  RunViewType,
  SearchRunsOptions,
  Tracker,
  TrackingRunInfo,
  UpdateRunOptions,
} from '@tideflow/core';
import type { FastifyInstance } from 'fastify';
import { fromEntries, metricFromWire, metricToWire, runToWire, searchToWire } from '../wire.js';
import type { WireEntries } from '../wire.js';
import {
  TIDEFLOW_BASE,
  tideflowErrors,
  datasetInputSchema,
  experimentSchema,
  metricPointSchema,
  okSchema,
  runIdParams,
  runInfoSchema,
  runSchema,
  stringEntries,
} from './tideflow-schemas.js';

const B = TIDEFLOW_BASE;
const errors = tideflowErrors;
const tags = ['tideflow'];
const strings = { type: 'array', items: { type: 'string' } } as const;
const viewType = { type: 'string', enum: ['ACTIVE_ONLY', 'DELETED_ONLY', 'ALL'] } as const;

interface RunParams {
  Params: { runId: string };
}

/** Pages through a search: every run of the scope (what `TrackerStore.listRuns` returns). */
async function allRuns(
  tracker: Tracker,
  experimentIds: string[] | undefined,
  runViewType: RunViewType,
): Promise<Run[]> {
  const runs: Run[] = [];
  let pageToken: string | undefined;
  do {
    const page = await tracker.searchRuns({
      ...(experimentIds ? { experimentIds } : {}),
      runViewType,
      maxResults: 50_000,
      ...(pageToken ? { pageToken } : {}),
    });
    runs.push(...page.runs);
    pageToken = page.nextPageToken;
  } while (pageToken);
  return runs;
}

/**
 * tideflow's JSON routes for experiments and runs, in core's own shapes (camelCase, epoch-ms
 * numbers, `null` for absent values): what `RestTracker` calls. Each calls the served tracker,
 * which checks the input as it does in process.
 */
export function tideflowRunRoutes(app: FastifyInstance, tracker: Tracker): void {
  app.post<{ Body: { name: string; tags?: WireEntries } }>(
    `${B}/experiments`,
    {
      schema: {
        summary: 'Create an experiment',
        tags,
        body: {
          type: 'object',
          required: ['name'],
          additionalProperties: false,
          properties: { name: { type: 'string' }, tags: stringEntries },
        },
        response: {
          200: { type: 'object', properties: { experimentId: { type: 'string' } } },
          ...errors,
        },
      },
    },
    async (req) => ({
      experimentId: await tracker.createExperiment(req.body.name, {
        tags: fromEntries(req.body.tags ?? []),
      }),
    }),
  );

  app.post<{ Body: { name: string } }>(
    `${B}/experiments/get-or-create`,
    {
      schema: {
        summary: 'The id of the experiment of a name, created if absent',
        tags,
        body: {
          type: 'object',
          required: ['name'],
          additionalProperties: false,
          properties: { name: { type: 'string' } },
        },
        response: {
          200: { type: 'object', properties: { experimentId: { type: 'string' } } },
          ...errors,
        },
      },
    },
    async (req) => ({ experimentId: await tracker.getOrCreateExperiment(req.body.name) }),
  );

  app.get<{ Querystring: { name?: string } }>(
    `${B}/experiments`,
    {
      schema: {
        summary: 'Active experiments by id, or the one of a name (`?name=`, `[]` if none)',
        tags,
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { name: { type: 'string' } },
        },
        response: {
          200: {
            type: 'object',
            properties: { experiments: { type: 'array', items: experimentSchema } },
          },
          ...errors,
        },
      },
    },
    async (req) => {
      if (req.query.name === undefined) return { experiments: await tracker.listExperiments() };
      const found = await tracker.getExperimentByName(req.query.name);
      return { experiments: found ? [found] : [] };
    },
  );

  app.get<{ Params: { experimentId: string } }>(
    `${B}/experiments/:experimentId`,
    {
      schema: {
        summary: 'An experiment by id',
        tags,
        params: {
          type: 'object',
          required: ['experimentId'],
          properties: { experimentId: { type: 'string' } },
        },
        response: { 200: experimentSchema, ...errors },
      },
    },
    async (req) => tracker.getExperiment(req.params.experimentId),
  );

  app.post<{ Params: { experimentId: string }; Body: { stage: 'active' | 'deleted' } }>(
    `${B}/experiments/:experimentId/lifecycle`,
    {
      schema: {
        summary: 'Delete (soft) or restore an experiment and its runs',
        tags,
        params: {
          type: 'object',
          required: ['experimentId'],
          properties: { experimentId: { type: 'string' } },
        },
        body: {
          type: 'object',
          required: ['stage'],
          additionalProperties: false,
          properties: { stage: { type: 'string', enum: ['active', 'deleted'] } },
        },
        response: { 200: { type: 'object', properties: {} }, ...errors },
      },
    },
    async (req) => {
      const { experimentId } = req.params;
      if (req.body.stage === 'deleted') await tracker.deleteExperiment(experimentId);
      else await tracker.restoreExperiment(experimentId);
      return {};
    },
  );

  app.post<{ Params: { experimentId: string }; Body: { name?: string; tags?: WireEntries } }>(
    `${B}/experiments/:experimentId/update`,
    {
      schema: {
        summary: 'Rename an experiment and/or set its tags',
        tags,
        params: {
          type: 'object',
          required: ['experimentId'],
          properties: { experimentId: { type: 'string' } },
        },
        body: {
          type: 'object',
          additionalProperties: false,
          properties: { name: { type: 'string' }, tags: stringEntries },
        },
        response: { 200: { type: 'object', properties: {} }, ...errors },
      },
    },
    async (req) => {
      const { experimentId } = req.params;
      if (req.body.name !== undefined) await tracker.renameExperiment(experimentId, req.body.name);
      for (const [key, value] of req.body.tags ?? [])
        await tracker.setExperimentTag(experimentId, key, value);
      return {};
    },
  );

  app.post<{ Body: { info: TrackingRunInfo; tags: WireEntries } }>(
    `${B}/runs`,
    {
      schema: {
        summary: 'Create a run from its complete info and tags (as the client computed them)',
        tags,
        body: {
          type: 'object',
          required: ['info', 'tags'],
          additionalProperties: false,
          properties: {
            info: { ...runInfoSchema, required: ['runId', 'name'] },
            tags: stringEntries,
          },
        },
        response: { 200: runSchema, ...errors },
      },
    },
    async (req) => {
      const { info, tags: runTags } = req.body;
      const run = await tracker.createRun({
        runId: info.runId,
        experimentId: info.experimentId,
        name: info.name,
        startTime: info.startTime,
        status: info.status,
        ...(info.parentRunId ? { parentRunId: info.parentRunId } : {}),
        tags: fromEntries(runTags),
        // The client sent the tags of its own process; this one's would be wrong.
        systemTags: false,
      });
      return runToWire(run);
    },
  );

  app.get<RunParams>(
    `${B}/runs/:runId`,
    {
      schema: {
        summary: 'A run (deleted ones too) with its params, latest metrics and tags',
        tags,
        params: runIdParams,
        response: { 200: runSchema, ...errors },
      },
    },
    async (req) => runToWire(await tracker.getRun(req.params.runId)),
  );

  app.post<RunParams & { Body: UpdateRunOptions }>(
    `${B}/runs/:runId/update`,
    {
      schema: {
        summary: "Change a run's status, end time or name",
        tags,
        params: runIdParams,
        body: {
          type: 'object',
          additionalProperties: false,
          properties: {
            status: { type: 'string' },
            endTime: { type: 'integer' },
            name: { type: 'string' },
          },
        },
        response: { 200: runInfoSchema, ...errors },
      },
    },
    async (req) => tracker.updateRun(req.params.runId, req.body),
  );

  app.post<RunParams & { Body: { stage: LifecycleStage } }>(
    `${B}/runs/:runId/lifecycle`,
    {
      schema: {
        summary: 'Delete (soft) or restore a run',
        tags,
        params: runIdParams,
        body: {
          type: 'object',
          required: ['stage'],
          additionalProperties: false,
          properties: { stage: { type: 'string', enum: ['active', 'deleted'] } },
        },
        response: { 200: okSchema, ...errors },
      },
    },
    async (req) => {
      if (req.body.stage === 'deleted') await tracker.deleteRun(req.params.runId);
      else await tracker.restoreRun(req.params.runId);
      return {};
    },
  );

  app.post<{ Body: SearchRunsOptions & { experimentIds?: string[] } }>(
    `${B}/runs/search`,
    {
      schema: {
        summary: 'Search runs with an MLflow filter, ordered and paged (as Tracker.searchRuns)',
        tags,
        body: {
          type: 'object',
          additionalProperties: false,
          properties: {
            experimentIds: strings,
            filter: { type: 'string' },
            orderBy: strings,
            maxResults: { type: 'integer' },
            pageToken: { type: 'string' },
            runViewType: viewType,
          },
        },
        response: {
          200: {
            type: 'object',
            properties: {
              runs: { type: 'array', items: runSchema },
              nextPageToken: { type: 'string' },
            },
          },
          ...errors,
        },
      },
    },
    async (req) => searchToWire(await tracker.searchRuns(req.body)),
  );

  app.post<{ Body: { experimentIds?: string[]; runViewType: RunViewType } }>(
    `${B}/runs/list`,
    {
      schema: {
        summary: 'Every run of some experiments (or all), unordered',
        tags,
        body: {
          type: 'object',
          required: ['runViewType'],
          additionalProperties: false,
          properties: { experimentIds: strings, runViewType: viewType },
        },
        response: {
          200: { type: 'object', properties: { runs: { type: 'array', items: runSchema } } },
          ...errors,
        },
      },
    },
    async (req) => ({
      runs: (await allRuns(tracker, req.body.experimentIds, req.body.runViewType)).map(runToWire),
    }),
  );

  app.post<{ Body: { runIds: string[] } }>(
    `${B}/runs/count-children`,
    {
      schema: {
        summary: 'How many active child runs each run has',
        tags,
        body: {
          type: 'object',
          required: ['runIds'],
          additionalProperties: false,
          properties: { runIds: { ...strings, maxItems: 50_000 } },
        },
        response: {
          200: {
            type: 'object',
            properties: { counts: { type: 'object', additionalProperties: { type: 'integer' } } },
          },
          ...errors,
        },
      },
    },
    async (req) => ({
      counts: Object.fromEntries(await tracker.countChildRuns(req.body.runIds)),
    }),
  );

  app.post<
    RunParams & {
      Body: {
        metrics: (Omit<MetricInput, 'value'> & { value: unknown })[];
        params: [string, string][];
        tags: [string, string][];
      };
    }
  >(
    `${B}/runs/:runId/batch`,
    {
      schema: {
        summary: 'Log metrics, params and tags atomically',
        tags,
        params: runIdParams,
        body: {
          type: 'object',
          required: ['metrics', 'params', 'tags'],
          additionalProperties: false,
          properties: {
            metrics: { type: 'array', items: metricPointSchema },
            params: { type: 'array', items: { ...strings, minItems: 2, maxItems: 2 } },
            tags: { type: 'array', items: { ...strings, minItems: 2, maxItems: 2 } },
          },
        },
        response: { 200: okSchema, ...errors },
      },
    },
    async (req) => {
      const { metrics, params, tags: batchTags } = req.body;
      await tracker.logBatch(req.params.runId, {
        metrics: metrics.map((m) => metricFromWire(m as never)),
        params: Object.fromEntries(params),
        tags: Object.fromEntries(batchTags),
      });
      return {};
    },
  );

  app.post<RunParams & { Body: { key: string } }>(
    `${B}/runs/:runId/tags/delete`,
    {
      schema: {
        summary: 'Remove a tag of a run',
        tags,
        params: runIdParams,
        body: {
          type: 'object',
          required: ['key'],
          additionalProperties: false,
          properties: { key: { type: 'string' } },
        },
        response: { 200: okSchema, ...errors },
      },
    },
    async (req) => {
      await tracker.deleteTag(req.params.runId, req.body.key);
      return {};
    },
  );

  app.get<RunParams & { Querystring: { key: string } }>(
    `${B}/runs/:runId/metrics/history`,
    {
      schema: {
        summary: "Every point of one of a run's metrics",
        tags,
        params: runIdParams,
        querystring: {
          type: 'object',
          required: ['key'],
          additionalProperties: false,
          properties: { key: { type: 'string' } },
        },
        response: {
          200: {
            type: 'object',
            properties: { metrics: { type: 'array', items: metricPointSchema } },
          },
          ...errors,
        },
      },
    },
    async (req) => ({
      metrics: (await tracker.getMetricHistory(req.params.runId, req.query.key)).map(metricToWire),
    }),
  );

  app.post<RunParams & { Body: { inputs: DatasetInputSpec[] } }>(
    `${B}/runs/:runId/inputs`,
    {
      schema: {
        summary: 'Record the datasets a run used',
        tags,
        params: runIdParams,
        body: {
          type: 'object',
          required: ['inputs'],
          additionalProperties: false,
          properties: { inputs: { type: 'array', items: { type: 'object' } } },
        },
        response: { 200: okSchema, ...errors },
      },
    },
    async (req) => {
      await tracker.logInputs(req.params.runId, req.body.inputs);
      return {};
    },
  );

  app.get<RunParams>(
    `${B}/runs/:runId/inputs`,
    {
      schema: {
        summary: "A run's dataset inputs",
        tags,
        params: runIdParams,
        response: {
          200: {
            type: 'object',
            properties: { inputs: { type: 'array', items: datasetInputSchema } },
          },
          ...errors,
        },
      },
    },
    async (req) => ({ inputs: await tracker.getRunInputs(req.params.runId) }),
  );
}
