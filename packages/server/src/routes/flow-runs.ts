import { RUN_STATUS_OF_STATE, STATE_TYPES, TAG_FLOW_NAME, TAG_PARENT_RUN_ID } from '@tideflow/core';
import type {
  FlowRunRecord,
  Run,
  RunLogLevel,
  StateType,
  TaskRunRecord,
  Tracker,
} from '@tideflow/core';
import type { FastifyInstance } from 'fastify';
import { SIGNED_URL_ROUTE } from '../security.js';
import type { LinkMaker } from '../signed-urls.js';
import { ApiError } from '../api-error.js';
import { ERROR_SCHEMA, MLFLOW_ERRORS } from './mlflow-shapes.js';
import {
  artifactInfoSchema,
  logLineSchema,
  runIdParams,
  taskRunSchema,
  transitionSchema,
} from './tideflow-schemas.js';

/** The artifact a pipeline writes its HTML report to. */
const REPORT_PATH = 'report.html';
const LEVELS: readonly RunLogLevel[] = ['debug', 'info', 'warn', 'error'];
/** How many store pages one list request reads at most while a state filter thins them out. */
const MAX_SCANS = 20;
/** The report (and any artifact opened by its URL) is a run's own content: shown in an opaque origin, no scripts, no requests out. */
export const REPORT_CSP =
  "sandbox; default-src 'none'; img-src data:; style-src 'unsafe-inline'; frame-ancestors 'none'";

const quote = (s: string): string => `'${s.replaceAll("'", "''")}'`;

const TIME = { type: 'integer', minimum: 0, maximum: 8.64e15 } as const;
const NULLABLE_TIME = { type: 'integer', nullable: true } as const;
const STATE = { type: 'string', enum: [...STATE_TYPES] } as const;
const COUNTS_SCHEMA = {
  type: 'object',
  description: 'Task runs by current state (only states with at least one).',
  additionalProperties: { type: 'integer' },
} as const;
const SUMMARY_PROPERTIES = {
  runId: { type: 'string' },
  name: { type: 'string' },
  flowName: { type: 'string' },
  experimentId: { type: 'string' },
  parentRunId: { type: 'string', nullable: true },
  state: STATE,
  startTime: { type: 'integer' },
  endTime: NULLABLE_TIME,
  durationMs: NULLABLE_TIME,
  taskCounts: COUNTS_SCHEMA,
  taskRuns: { type: 'integer' },
  cachedHits: { type: 'integer' },
  retries: { type: 'integer', description: 'Attempts beyond the first, over all task runs.' },
} as const;
const SUMMARY_SCHEMA = { type: 'object', properties: SUMMARY_PROPERTIES } as const;
/** A task run as the tideflow routes carry it, plus the (sub)flow run it ran in. */
const TASK_RUN_SCHEMA = {
  ...taskRunSchema,
  properties: {
    runId: { type: 'string', description: 'The flow run (or subflow run) it ran in.' },
    ...taskRunSchema.properties,
  },
} as const;

/** Ajv's first complaint, naming the parameter (Ajv's own text leaves unknown ones unnamed). */
function schemaErrorFormatter(
  errors: readonly { instancePath: string; message?: string; params: Record<string, unknown> }[],
  dataVar: string,
): Error {
  const e = errors[0];
  const extra = e.params.additionalProperty;
  const error = new Error(
    typeof extra === 'string'
      ? `${dataVar} has an unknown parameter "${extra}".`
      : `${dataVar}${e.instancePath.replaceAll('/', '.')} ${e.message ?? 'is invalid'}.`,
  );
  return Object.assign(error, { code: 'FST_ERR_VALIDATION', statusCode: 400 });
}

/** A flow run as the list shows it. */
interface FlowRunSummary {
  runId: string;
  name: string;
  flowName: string;
  experimentId: string;
  parentRunId: string | null;
  state: StateType;
  startTime: number;
  endTime: number | null;
  durationMs: number | null;
  taskCounts: Partial<Record<StateType, number>>;
  taskRuns: number;
  cachedHits: number;
  retries: number;
}

function summarize(run: Run, record: FlowRunRecord, tasks: readonly TaskRunRecord[]) {
  const taskCounts: Partial<Record<StateType, number>> = {};
  let cachedHits = 0;
  let retries = 0;
  for (const t of tasks) {
    taskCounts[t.state] = (taskCounts[t.state] ?? 0) + 1;
    if (t.cacheHit) cachedHits++;
    retries += Math.max(0, t.attempts - 1);
  }
  const { info } = run;
  return {
    runId: info.runId,
    name: info.name,
    flowName: record.flowName,
    experimentId: info.experimentId,
    parentRunId: info.parentRunId,
    state: record.state,
    startTime: info.startTime,
    endTime: info.endTime,
    durationMs: info.endTime === null ? null : info.endTime - info.startTime,
    taskCounts,
    taskRuns: tasks.length,
    cachedHits,
    retries,
  } satisfies FlowRunSummary;
}

/** The flow-run record of a run, or 404 when the run is not a flow run. */
async function flowRunOf(tracker: Tracker, runId: string): Promise<[Run, FlowRunRecord]> {
  const run = await tracker.getRun(runId);
  const record = await tracker.getFlowRun(runId);
  if (record === undefined)
    throw new ApiError(
      404,
      'RESOURCE_DOES_NOT_EXIST',
      `Run ${runId} is not a flow run (it has no flow-run record); see it at /api/2.0/mlflow/runs/get.`,
    );
  return [run, record];
}

/** Every run nested under `runId` (subflows, theirs, ...), parents before children. */
async function subflowRuns(tracker: Tracker, runId: string): Promise<Run[]> {
  const out: Run[] = [];
  let level = [runId];
  while (level.length) {
    const pages = await Promise.all(
      level.map((parent) =>
        tracker.searchRuns({
          filter: `tags.\`${TAG_PARENT_RUN_ID}\` = ${quote(parent)}`,
          orderBy: ['attributes.start_time ASC'],
          maxResults: 50_000,
        }),
      ),
    );
    const next = pages.flatMap((p) => p.runs);
    out.push(...next);
    level = next.map((r) => r.info.runId);
  }
  return out;
}

interface ListQuery {
  flow?: string;
  state?: StateType;
  since?: number;
  until?: number;
  subflows?: boolean;
  limit?: number;
  pageToken?: string;
}

/**
 * The flow-run routes the web UI reads (Prefect's flow-run views over the tracking store):
 * `GET /api/flow-runs` (filter by flow, state and start date, paged), `GET /api/flow-runs/:runId`
 * (the run with its task runs, subflows, state history, parameters and artifacts),
 * `GET /api/flow-runs/:runId/logs` (level filter) and `GET /api/flow-runs/:runId/report`
 * (the pipeline's `report.html`, sandboxed).
 */
export function flowRunRoutes(app: FastifyInstance, tracker: Tracker, link: LinkMaker): void {
  app.get<{ Querystring: ListQuery }>(
    '/api/flow-runs',
    {
      schemaErrorFormatter,
      schema: {
        summary: 'List flow runs, newest first',
        tags: ['flow runs'],
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            flow: { type: 'string', minLength: 1, maxLength: 250, description: 'Flow name.' },
            state: { ...STATE, description: 'Current state of the flow run.' },
            since: { ...TIME, description: 'Started at or after, epoch ms.' },
            until: { ...TIME, description: 'Started before, epoch ms.' },
            subflows: { type: 'boolean', description: 'Include subflow runs (default false).' },
            limit: { type: 'integer', minimum: 1, maximum: 1000, default: 100 },
            pageToken: { type: 'string', maxLength: 2000 },
          },
        },
        response: {
          200: {
            type: 'object',
            properties: {
              flowRuns: { type: 'array', items: SUMMARY_SCHEMA },
              nextPageToken: { type: 'string' },
            },
          },
          ...MLFLOW_ERRORS,
        },
      },
    },
    async (request) => {
      const { flow, state, since, until, subflows, pageToken } = request.query;
      const limit = request.query.limit ?? 100;
      if (since !== undefined && until !== undefined && until <= since)
        throw new ApiError(
          400,
          'INVALID_PARAMETER_VALUE',
          `"until" (${until}) must be after "since" (${since}).`,
        );
      const clauses = [
        flow === undefined
          ? `tags.\`${TAG_FLOW_NAME}\` IS NOT NULL`
          : `tags.\`${TAG_FLOW_NAME}\` = ${quote(flow)}`,
      ];
      if (!subflows) clauses.push(`tags.\`${TAG_PARENT_RUN_ID}\` IS NULL`);
      if (state !== undefined) clauses.push(`attributes.status = '${RUN_STATUS_OF_STATE[state]}'`);
      if (since !== undefined) clauses.push(`attributes.start_time >= ${since}`);
      if (until !== undefined) clauses.push(`attributes.start_time < ${until}`);
      const filter = clauses.join(' and ');
      // A run's status is coarser than its flow state: read pages of exactly the number still
      // missing, so the next page token always points just past the last run looked at.
      const flowRuns: FlowRunSummary[] = [];
      let token = pageToken;
      for (let scan = 0; scan < MAX_SCANS && flowRuns.length < limit; scan++) {
        const page = await tracker.searchRuns({
          filter,
          orderBy: ['attributes.start_time DESC'],
          maxResults: limit - flowRuns.length,
          ...(token === undefined ? {} : { pageToken: token }),
        });
        const found = await Promise.all(
          page.runs.map(async (run) => {
            const record = await tracker.getFlowRun(run.info.runId);
            if (record === undefined || (state !== undefined && record.state !== state))
              return undefined;
            return summarize(run, record, await tracker.listTaskRuns(run.info.runId));
          }),
        );
        for (const s of found) if (s) flowRuns.push(s);
        token = page.nextPageToken;
        if (token === undefined) break;
      }
      return token === undefined ? { flowRuns } : { flowRuns, nextPageToken: token };
    },
  );

  app.get<{ Params: { runId: string } }>(
    '/api/flow-runs/:runId',
    {
      schema: {
        summary: 'One flow run: task runs, subflows, state history, parameters, artifacts',
        tags: ['flow runs'],
        params: runIdParams,
        response: {
          200: {
            type: 'object',
            properties: {
              flowRun: {
                type: 'object',
                properties: {
                  ...SUMMARY_PROPERTIES,
                  stateHistory: { type: 'array', items: transitionSchema },
                  parameters: { type: 'object', additionalProperties: true },
                },
              },
              taskRuns: {
                type: 'array',
                description: "The flow's own task runs and those of its subflows.",
                items: TASK_RUN_SCHEMA,
              },
              subflows: { type: 'array', items: SUMMARY_SCHEMA },
              artifacts: { type: 'array', items: artifactInfoSchema },
              report: {
                type: 'string',
                nullable: true,
                description:
                  'Where its HTML report is served, when it wrote one; on a server with a token, a signed link (`?exp=&sig=`) that opens without the token for 15 minutes.',
              },
            },
          },
          ...MLFLOW_ERRORS,
        },
      },
    },
    async (request) => {
      const { runId } = request.params;
      const [run, record] = await flowRunOf(tracker, runId);
      const [own, artifacts, children] = await Promise.all([
        tracker.listTaskRuns(runId),
        tracker.listArtifacts(runId),
        subflowRuns(tracker, runId),
      ]);
      const taskRuns = own.map((t) => ({ ...t, runId }));
      const subflows: FlowRunSummary[] = [];
      const read = await Promise.all(
        children.map((c) =>
          Promise.all([tracker.getFlowRun(c.info.runId), tracker.listTaskRuns(c.info.runId)]),
        ),
      );
      children.forEach((child, i) => {
        const [childRecord, tasks] = read[i];
        taskRuns.push(...tasks.map((t) => ({ ...t, runId: child.info.runId })));
        if (childRecord) subflows.push(summarize(child, childRecord, tasks));
      });
      const hasReport = artifacts.some((a) => a.path === REPORT_PATH);
      return {
        flowRun: {
          ...summarize(run, record, own),
          stateHistory: record.stateHistory,
          parameters: record.parameters,
        },
        taskRuns,
        subflows,
        artifacts,
        report: hasReport ? link(`/api/flow-runs/${encodeURIComponent(runId)}/report`) : null,
      };
    },
  );

  app.get<{
    Params: { runId: string };
    Querystring: { level?: RunLogLevel; taskRunId?: string; limit?: number };
  }>(
    '/api/flow-runs/:runId/logs',
    {
      schemaErrorFormatter,
      schema: {
        summary: "A flow run's log lines, oldest first, at or above a level",
        tags: ['flow runs'],
        params: runIdParams,
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            level: { type: 'string', enum: [...LEVELS], description: 'The lowest level shown.' },
            taskRunId: { type: 'string', minLength: 1, maxLength: 200 },
            limit: { type: 'integer', minimum: 1, maximum: 100_000, default: 10_000 },
          },
        },
        response: {
          200: { type: 'object', properties: { logs: { type: 'array', items: logLineSchema } } },
          ...MLFLOW_ERRORS,
        },
      },
    },
    async (request) => {
      const { runId } = request.params;
      const { level = 'debug', taskRunId, limit = 10_000 } = request.query;
      await tracker.getRun(runId);
      const lowest = LEVELS.indexOf(level);
      const lines = await tracker.getLogs(runId, taskRunId === undefined ? {} : { taskRunId });
      const logs = lines.filter((l) => LEVELS.indexOf(l.level) >= lowest).slice(0, limit);
      return { logs };
    },
  );

  app.get<{ Params: { runId: string } }>(
    '/api/flow-runs/:runId/report',
    {
      config: SIGNED_URL_ROUTE,
      schema: {
        summary: "The flow run's HTML report, sandboxed (no scripts, no outside requests)",
        tags: ['flow runs'],
        params: runIdParams,
        response: { 404: ERROR_SCHEMA },
      },
    },
    async (request, reply) => {
      const { runId } = request.params;
      await flowRunOf(tracker, runId);
      const bytes = await tracker.readArtifact(runId, REPORT_PATH);
      return reply
        .type('text/html; charset=utf-8')
        .header('content-security-policy', REPORT_CSP)
        .send(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    },
  );
}
