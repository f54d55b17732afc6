import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryTracker, TAG_FLOW_NAME } from '@tideflow/core';
import { createServer } from '@tideflow/server';
import type { TideflowServer } from '@tideflow/server';
import { seedDemo } from './fixtures/demo-store.js';
import type { DemoRuns } from './fixtures/demo-store.js';

let server: TideflowServer;
let demo: DemoRuns;
beforeAll(async () => {
  const tracker = new MemoryTracker();
  demo = await seedDemo(tracker);
  server = await createServer({ tracker, port: 0 });
});
afterAll(() => server.close());

const get = async (url: string) => {
  const r = await server.app.inject({ url });
  return { status: r.statusCode, body: r.json(), headers: r.headers };
};

describe('GET /api/flow-runs', () => {
  it('lists top-level flow runs newest first with task counts, cache hits and retries', async () => {
    const { status, body } = await get('/api/flow-runs');
    expect(status).toBe(200);
    expect(body.flowRuns.map((r: { flowName: string }) => r.flowName)).toEqual(['broken', 'etl']);
    const etl = body.flowRuns[1];
    expect(etl).toMatchObject({
      runId: demo.etl,
      state: 'COMPLETED',
      taskRuns: 3,
      taskCounts: { COMPLETED: 2, CACHED: 1 },
      cachedHits: 1,
      retries: 1,
      parentRunId: null,
    });
    expect(etl.durationMs).toBe(etl.endTime - etl.startTime);
    expect(body.nextPageToken).toBeUndefined();
  });

  it('filters by flow, state and start date, and includes subflows on request', async () => {
    const names = async (q: string) =>
      (await get(`/api/flow-runs?${q}`)).body.flowRuns.map((r: { flowName: string }) => r.flowName);
    expect(await names('flow=etl')).toEqual(['etl']);
    expect(await names('state=FAILED')).toEqual(['broken']);
    expect(await names('state=CACHED')).toEqual([]);
    expect(await names('subflows=true&flow=publish')).toEqual(['publish']);
    expect(await names('subflows=true')).toHaveLength(3);
    const etl = (await get('/api/flow-runs?flow=etl')).body.flowRuns[0];
    expect(await names(`flow=etl&since=${etl.startTime}`)).toEqual(['etl']);
    expect(await names(`flow=etl&since=${etl.startTime + 1}`)).toEqual([]);
    expect(await names(`flow=etl&until=${etl.startTime}`)).toEqual([]);
    expect(await names(`flow=it's`)).toEqual([]);
  });

  it('pages with limit and pageToken', async () => {
    const first = (await get('/api/flow-runs?limit=1')).body;
    expect(first.flowRuns).toHaveLength(1);
    expect(first.nextPageToken).toEqual(expect.any(String));
    const second = (
      await get(`/api/flow-runs?limit=1&pageToken=${encodeURIComponent(first.nextPageToken)}`)
    ).body;
    expect(second.flowRuns.map((r: { runId: string }) => r.runId)).toEqual([demo.etl]);
  });

  it('refuses bad filters with a message naming the parameter', async () => {
    for (const [q, word] of [
      ['state=DONE', 'state'],
      ['limit=0', 'limit'],
      ['since=-1', 'since'],
      ['colour=red', 'unknown parameter "colour"'],
    ]) {
      const r = await get(`/api/flow-runs?${q}`);
      expect(r.status, q).toBe(400);
      expect(r.body.error_code).toBe('INVALID_PARAMETER_VALUE');
      expect(r.body.message).toContain(word);
    }
    const r = await get('/api/flow-runs?since=20&until=10');
    expect(r.body.message).toContain('"until" (10) must be after "since" (20)');
  });
});

describe('GET /api/flow-runs/:runId', () => {
  it('returns the run with its task runs, subflows, state history, parameters and artifacts', async () => {
    const { status, body } = await get(`/api/flow-runs/${demo.etl}`);
    expect(status).toBe(200);
    expect(body.flowRun).toMatchObject({
      flowName: 'etl',
      state: 'COMPLETED',
      parameters: { 'cfg.source': 'warehouse', 'cfg.limit': '3' },
    });
    expect(body.flowRun.stateHistory.map((s: { type: string }) => s.type)).toEqual([
      'PENDING',
      'RUNNING',
      'COMPLETED',
    ]);
    const tasks = body.taskRuns.map((t: { taskName: string; state: string; runId: string }) => [
      t.taskName,
      t.state,
      t.runId === demo.etl ? 'etl' : 'other',
    ]);
    expect(tasks).toEqual([
      ['extract', 'COMPLETED', 'etl'],
      ['transform', 'COMPLETED', 'etl'],
      ['transform', 'CACHED', 'etl'],
    ]);
    const extract = body.taskRuns[0];
    expect(extract.attempts).toBe(2);
    expect(extract.stateHistory.map((s: { type: string }) => s.type)).toContain('RETRYING');
    expect(body.subflows).toEqual([
      expect.objectContaining({ runId: demo.publish, flowName: 'publish', parentRunId: demo.etl }),
    ]);
    expect(body.artifacts.map((a: { path: string }) => a.path)).toEqual(['report.html']);
    expect(body.report).toBe(`/api/flow-runs/${demo.etl}/report`);
    const child = (await get(`/api/flow-runs/${demo.publish}`)).body;
    expect(child.artifacts.map((a: { type: string }) => a.type).sort()).toEqual([
      'image',
      'image',
      'link',
      'markdown',
      'progress',
      'table',
    ]);
    expect(child.report).toBeNull();
  });

  it('answers 404 for an unknown run and for a run that is not a flow run', async () => {
    const missing = await get('/api/flow-runs/nope');
    expect(missing.status).toBe(404);
    expect(missing.body.error_code).toBe('RESOURCE_DOES_NOT_EXIST');
    const plain = await get(`/api/flow-runs/${demo.sweep[0]}`);
    expect(plain.status).toBe(404);
    expect(plain.body.message).toContain('is not a flow run');
  });
});

describe('GET /api/flow-runs/:runId/logs', () => {
  it('returns log lines oldest first, at or above a level', async () => {
    const all = (await get(`/api/flow-runs/${demo.etl}/logs`)).body.logs;
    expect(all.map((l: { level: string; message: string }) => [l.level, l.message])).toEqual([
      ['info', 'etl from warehouse'],
      ['debug', 'connecting'],
      ['debug', 'connecting'],
      ['warn', 'extracted after 2 attempts'],
    ]);
    const warn = (await get(`/api/flow-runs/${demo.etl}/logs?level=warn`)).body.logs;
    expect(warn.map((l: { message: string }) => l.message)).toEqual(['extracted after 2 attempts']);
    expect((await get(`/api/flow-runs/${demo.etl}/logs?limit=1`)).body.logs).toHaveLength(1);
    const bad = await get(`/api/flow-runs/${demo.etl}/logs?level=loud`);
    expect(bad.status).toBe(400);
    expect(bad.body.message).toContain('level');
    expect((await get('/api/flow-runs/nope/logs')).status).toBe(404);
  });
});

describe('GET /api/flow-runs/:runId/report', () => {
  it('serves report.html sandboxed: an opaque origin where its scripts do not run', async () => {
    const r = await server.app.inject({ url: `/api/flow-runs/${demo.etl}/report` });
    expect(r.statusCode).toBe(200);
    expect(r.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(r.headers['content-security-policy']).toMatch(/^sandbox; default-src 'none'/);
    expect(r.body).toContain('<h1>ETL report</h1>');
    expect((await get(`/api/flow-runs/${demo.publish}/report`)).status).toBe(404);
  });
});

describe('OpenAPI', () => {
  it('documents the flow-run routes from their schemas', async () => {
    const doc = (await get('/api/openapi.json')).body;
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/api/flow-runs',
        '/api/flow-runs/{runId}',
        '/api/flow-runs/{runId}/logs',
        '/api/flow-runs/{runId}/report',
      ]),
    );
    const params = doc.paths['/api/flow-runs'].get.parameters.map((p: { name: string }) => p.name);
    expect(params).toEqual(
      expect.arrayContaining(['flow', 'state', 'since', 'until', 'limit', 'pageToken']),
    );
  });
});

describe('flow-run records as the store keeps them', () => {
  it('answers transitions, task runs and log lines with their times exact (epoch ms may be fractional)', async () => {
    const tracker = new MemoryTracker();
    const own = await createServer({ tracker, port: 0 });
    try {
      const at = 1_700_000_000_000.25;
      const { info } = await tracker.createRun({ tags: { [TAG_FLOW_NAME]: 'exact' } });
      await tracker.setFlowRun(info.runId, {
        flowName: 'exact',
        state: 'RUNNING',
        stateHistory: [{ type: 'RUNNING', timestamp: at }],
        parameters: {},
      });
      await tracker.upsertTaskRun(info.runId, {
        taskRunId: 't',
        taskName: 'step',
        taskRunName: 'step',
        state: 'COMPLETED',
        stateHistory: [
          { type: 'RUNNING', timestamp: at },
          { type: 'COMPLETED', timestamp: at + 1.5 },
        ],
        startTime: at,
        endTime: at + 1.5,
        durationMs: 1.5,
        attempts: 1,
        cacheKey: null,
        cacheHit: false,
        error: null,
      });
      await tracker.logLines(info.runId, [{ timestamp: at, level: 'info', message: 'hi' }]);
      const run = (await own.app.inject({ url: `/api/flow-runs/${info.runId}` })).json();
      expect(run.flowRun.stateHistory).toEqual(
        (await tracker.getFlowRun(info.runId))!.stateHistory,
      );
      const [task] = await tracker.listTaskRuns(info.runId);
      expect(run.taskRuns).toEqual([{ ...task, runId: info.runId }]);
      const logs = (await own.app.inject({ url: `/api/flow-runs/${info.runId}/logs` })).json();
      expect(logs.logs).toEqual(await tracker.getLogs(info.runId));
    } finally {
      await own.close();
    }
  });
});
