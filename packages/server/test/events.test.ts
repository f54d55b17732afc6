import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { ConsoleLogger, MemoryTracker } from '@tideflow/core';
import type { FlowRunRecord, TaskRunRecord } from '@tideflow/core';
import { createServer } from '@tideflow/server';
import type { ServerOptions, TideflowServer } from '@tideflow/server';
import { breakReadChanges } from './support/broken-changes.js';
import { data, openSse } from './support/sse.js';
import type { SseClient } from './support/sse.js';
import { startWorker } from './workers/spawn.js';

const dir = mkdtempSync(join(tmpdir(), 'tideflow-events-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const servers: TideflowServer[] = [];
const clients: SseClient[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function serve(options: Partial<ServerOptions> = {}): Promise<TideflowServer> {
  const s = await createServer({
    ...(options.trackingUri ? {} : { tracker: new MemoryTracker() }),
    port: 0,
    livePollMs: 20,
    ...options,
  });
  servers.push(s);
  await s.listen();
  return s;
}

async function sse(url: string, headers?: Record<string, string>): Promise<SseClient> {
  const c = await openSse(url, headers);
  clients.push(c);
  return c;
}

const flowRecord = (state: FlowRunRecord['state']): FlowRunRecord => ({
  flowName: 'demo',
  state,
  stateHistory: [{ type: state, timestamp: 1 }],
  parameters: { n: 1 },
});

const taskRecord: TaskRunRecord = {
  taskRunId: 't1',
  taskName: 'step',
  taskRunName: 'step',
  state: 'RUNNING',
  stateHistory: [{ type: 'RUNNING', timestamp: 2 }],
  startTime: 2,
  endTime: null,
  durationMs: null,
  attempts: 1,
  cacheKey: null,
  cacheHit: false,
  error: null,
};

describe('GET /api/events', () => {
  it('streams flow-run, task-run, log and metric events as the store records them', async () => {
    const s = await serve();
    const c = await sse(`${s.url}/api/events`);
    expect(c.status).toBe(200);
    expect(c.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(c.headers.get('x-frame-options')).toBe('DENY');
    await c.waitForComment((x) => x === 'connected');
    const id = (await s.tracker.createRun()).info.runId;
    await s.tracker.setFlowRun(id, flowRecord('RUNNING'));
    await s.tracker.upsertTaskRun(id, taskRecord);
    await s.tracker.logLines(id, [
      { timestamp: 3, level: 'info', message: 'hi <b>', taskRunId: 't1' },
    ]);
    await s.tracker.logBatch(id, {
      metrics: [
        { key: 'loss', value: 0.25, step: 4, timestamp: 5 },
        { key: 'loss', value: Number.POSITIVE_INFINITY, step: 5, timestamp: 6 },
      ],
    });
    const last = await c.waitFor((e) => e.event === 'metric' && data(e).step === 5);
    expect(data(last)).toEqual({
      runId: id,
      key: 'loss',
      value: 'Infinity',
      step: 5,
      timestamp: 6,
    });
    expect(c.events.map((e) => e.event)).toEqual([
      'flow-run',
      'task-run',
      'log',
      'metric',
      'metric',
    ]);
    expect(data(c.events[0])).toEqual({ runId: id, ...flowRecord('RUNNING') });
    expect(data(c.events[1])).toEqual({ runId: id, ...taskRecord });
    expect(data(c.events[2])).toEqual({
      runId: id,
      timestamp: 3,
      level: 'info',
      message: 'hi <b>',
      taskRunId: 't1',
    });
    expect(data(c.events[3])).toEqual({
      runId: id,
      key: 'loss',
      value: 0.25,
      step: 4,
      timestamp: 5,
    });
    // Every event carries the cursor to resume from.
    for (const e of c.events) expect(e.id).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('keeps one run with ?flowRunId= and refuses an unknown run before streaming', async () => {
    const s = await serve();
    const [a, b] = [
      (await s.tracker.createRun()).info.runId,
      (await s.tracker.createRun()).info.runId,
    ];
    const c = await sse(`${s.url}/api/events?flowRunId=${b}`);
    await c.waitForComment((x) => x === 'connected');
    await s.tracker.setFlowRun(a, flowRecord('RUNNING'));
    await s.tracker.setFlowRun(b, flowRecord('COMPLETED'));
    await s.tracker.logLines(a, [{ timestamp: 1, level: 'info', message: 'a' }]);
    await s.tracker.logLines(b, [{ timestamp: 1, level: 'info', message: 'b' }]);
    await c.waitFor((e) => e.event === 'log');
    expect(c.events.map((e) => [e.event, data(e).runId])).toEqual([
      ['flow-run', b],
      ['log', b],
    ]);
    const missing = await fetch(`${s.url}/api/events?flowRunId=nope`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ error_code: 'RESOURCE_DOES_NOT_EXIST' });
  });

  it('resumes after Last-Event-ID with what the client missed, and refuses a malformed one', async () => {
    const s = await serve();
    const id = (await s.tracker.createRun()).info.runId;
    const first = await sse(`${s.url}/api/events`);
    await first.waitForComment((x) => x === 'connected');
    await s.tracker.logLines(id, [{ timestamp: 1, level: 'info', message: 'one' }]);
    const seen = await first.waitFor((e) => e.event === 'log');
    first.close();
    await s.tracker.logLines(id, [{ timestamp: 2, level: 'warn', message: 'two' }]);
    await s.tracker.setFlowRun(id, flowRecord('COMPLETED'));
    const again = await sse(`${s.url}/api/events`, { 'last-event-id': seen.id! });
    await again.waitFor((e) => e.event === 'log');
    await again.waitFor((e) => e.event === 'flow-run');
    await s.tracker.logLines(id, [{ timestamp: 3, level: 'info', message: 'three' }]);
    await again.waitFor((e) => e.event === 'log' && data(e).message === 'three');
    expect(
      again.events.map((e) => `${e.event}:${String(data(e).message ?? data(e).state)}`),
    ).toEqual(['flow-run:COMPLETED', 'log:two', 'log:three']);
    const bad = await fetch(`${s.url}/api/events`, { headers: { 'last-event-id': 'x.1' } });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({
      error_code: 'INVALID_PARAMETER_VALUE',
      message: expect.stringContaining('"x.1"') as unknown,
    });
  });

  it('sends a resync event to a client whose missed changes the store no longer keeps', async () => {
    const s = await serve({ tracker: new MemoryTracker({ changeRetention: 5 }) });
    const id = (await s.tracker.createRun()).info.runId;
    const first = await sse(`${s.url}/api/events?flowRunId=${id}`);
    await first.waitForComment((x) => x === 'connected');
    await s.tracker.setFlowRun(id, flowRecord('RUNNING'));
    const seen = await first.waitFor((e) => e.event === 'flow-run');
    first.close();
    for (let i = 0; i < 8; i++) await s.tracker.setFlowRun(id, flowRecord('RUNNING'));
    const end = (await s.tracker.readChanges()).cursor;
    const again = await sse(`${s.url}/api/events?flowRunId=${id}`, { 'last-event-id': seen.id! });
    const resync = await again.waitFor((e) => e.event === 'resync');
    expect(resync.id).toBe(`${end.records}.${end.logs}.${end.metrics}`);
    expect(data(resync)).toEqual({});
    // Then the stream goes on from there.
    await s.tracker.setFlowRun(id, flowRecord('COMPLETED'));
    await again.waitFor((e) => e.event === 'flow-run');
    expect(again.events.map((e) => e.event)).toEqual(['resync', 'flow-run']);
    // The same answer over the JSON API that RestTracker reads.
    const r = await fetch(`${s.url}/api/tideflow/changes?after=${seen.id!}`);
    expect(await r.json()).toMatchObject({ changes: [], resync: true, more: false });
  });

  it('sends a ping comment while idle', async () => {
    const s = await serve({ livePingMs: 30 });
    const c = await sse(`${s.url}/api/events`);
    await c.waitForComment((x) => x === 'ping');
  });

  it('sends a store-error event when the store fails to read its changes, then goes on with a resync', async () => {
    const tracker = new MemoryTracker();
    const lines: string[] = [];
    const logger = new ConsoleLogger({ write: (l) => lines.push(l) });
    const s = await serve({ tracker, logger });
    const c = await sse(`${s.url}/api/events`);
    await c.waitForComment((x) => x === 'connected');
    const store = breakReadChanges(tracker, 'disk I/O error at /secret/path');
    try {
      const id = (await tracker.createRun()).info.runId;
      await tracker.setFlowRun(id, flowRecord('RUNNING'));
      const error = await c.waitFor((e) => e.event === 'store-error');
      expect(error.id).toBeUndefined();
      const body = JSON.parse(error.data) as { error_code: string; message: string };
      expect(body.error_code).toBe('INTERNAL_ERROR');
      expect(body.message).toMatch(/tracking store failed to read its changes/);
      // The store's own text stays on the server, as in a 500 answer.
      expect(body.message).not.toContain('/secret/path');
      // Told once per run of failures, not at every poll.
      await new Promise((r) => setTimeout(r, 200));
      expect(c.events.filter((e) => e.event === 'store-error')).toHaveLength(1);
      // A client that connects during the run of failures is told at the next failed poll.
      const late = await sse(`${s.url}/api/events`);
      await late.waitFor((e) => e.event === 'store-error');
      // ... and logged once, with the store's own text.
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(
        /WARN .*failed to read its changes \(disk I\/O error at \/secret\/path\)/,
      );
      // The store reads again: the change written meanwhile arrives, nothing lost, then a resync
      // (reload what the page shows, go on from its id) says that the store reads again.
      store.mend();
      for (const client of [c, late]) {
        const resync = await client.waitFor((e) => e.event === 'resync');
        const kinds = client.events.map((e) => e.event);
        expect(kinds.slice(kinds.indexOf('store-error'))).toEqual([
          'store-error',
          'flow-run',
          'resync',
        ]);
        const change = client.events[kinds.indexOf('flow-run')];
        expect(data(change)).toMatchObject({ runId: id, state: 'RUNNING' });
        expect(resync.id).toBe(change.id);
      }
      // Once: the polls after it read as usual.
      await tracker.setFlowRun(id, flowRecord('COMPLETED'));
      await c.waitFor((e) => e.event === 'flow-run' && data(e).state === 'COMPLETED');
      expect(c.events.filter((e) => e.event === 'resync')).toHaveLength(1);
      expect(lines).toHaveLength(1);
    } finally {
      store.restore();
    }
  });

  it('takes the token as ?token= on this route only', async () => {
    const s = await serve({ token: 's3cret' });
    expect((await fetch(`${s.url}/api/events`)).status).toBe(401);
    expect((await fetch(`${s.url}/api/events?token=wrong`)).status).toBe(401);
    const c = await sse(`${s.url}/api/events?token=s3cret`);
    expect(c.status).toBe(200);
    const header = await sse(`${s.url}/api/events`, { authorization: 'Bearer s3cret' });
    expect(header.status).toBe(200);
    expect((await fetch(`${s.url}/api/health?token=s3cret`)).status).toBe(401);
    expect((await fetch(`${s.url}/api/2.0/mlflow/experiments/search?token=s3cret`)).status).toBe(
      401,
    );
  });

  it('refuses another Host as every route does', async () => {
    const s = await serve();
    const r = await s.app.inject({ url: '/api/events', headers: { host: 'evil.example' } });
    expect(r.statusCode).toBe(403);
  });

  it('drops a stream when its client goes, and ends every stream when the server closes', async () => {
    const s = await serve();
    const a = await sse(`${s.url}/api/events`);
    const b = await sse(`${s.url}/api/events`);
    await a.waitForComment((x) => x === 'connected');
    await b.waitForComment((x) => x === 'connected');
    expect(s.liveConnections).toBe(2);
    a.close();
    for (let i = 0; i < 100 && s.liveConnections > 1; i++)
      await new Promise((r) => setTimeout(r, 10));
    expect(s.liveConnections).toBe(1);
    servers.splice(servers.indexOf(s), 1);
    await s.close();
    await b.ended;
    expect(s.liveConnections).toBe(0);
  });

  it('closes at once with a stream open and a connection that never sent a request', async () => {
    const s = await serve();
    servers.splice(servers.indexOf(s), 1);
    const { hostname, port } = new URL(s.url!);
    // A spare connection, as browsers and fetch open: Node's close would wait for its client.
    const spare = connect(Number(port), hostname);
    await once(spare, 'connect');
    const spareClosed = once(spare, 'close');
    // And a client that went away, after which fetch keeps such a spare one (the 4 s close).
    const gone = await sse(`${s.url}/api/events`);
    await gone.waitForComment((x) => x === 'connected');
    gone.close();
    const c = await sse(`${s.url}/api/events`);
    await c.waitForComment((x) => x === 'connected');
    const closed = s.close().then(() => 'closed');
    const late = new Promise((r) => setTimeout(r, 1_000, 'late'));
    // Well under 200 ms when idle; 1 s leaves room for a loaded machine.
    expect(await Promise.race([closed, late])).toBe('closed');
    await c.ended;
    await spareClosed;
  });

  it('shows a flow that another process runs against the same SQLite file', async () => {
    const uri = `sqlite:///${join(dir, 'live.db')}`;
    const s = await serve({ trackingUri: uri });
    const c = await sse(`${s.url}/api/events`);
    await c.waitForComment((x) => x === 'connected');
    const worker = startWorker('live-flow', [uri]);
    try {
      const done = await c.waitFor(
        (e) => e.event === 'flow-run' && data(e).state === 'COMPLETED',
        30_000,
      );
      const runId = data(done).runId as string;
      expect(await worker.exited).toBe(0);
      const mine = c.events.filter((e) => data(e).runId === runId);
      expect(mine.some((e) => e.event === 'flow-run' && data(e).state === 'RUNNING')).toBe(true);
      const tasks = mine.filter((e) => e.event === 'task-run' && data(e).state === 'COMPLETED');
      expect(tasks.map((e) => data(e).taskName)).toEqual(['step', 'step']);
      const logs = mine.filter((e) => e.event === 'log').map((e) => data(e).message);
      expect(logs).toEqual(expect.arrayContaining(['step 0', 'step 1']));
      const metrics = mine
        .filter((e) => e.event === 'metric')
        .map((e) => [data(e).key, data(e).step]);
      expect(metrics).toEqual(
        expect.arrayContaining([
          ['loss', 0],
          ['loss', 1],
        ]),
      );
      expect(worker.stdout()).toContain(`run ${runId}`);
    } finally {
      worker.child.kill();
    }
  }, 60_000);
});
