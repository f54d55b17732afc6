import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  MemoryTracker,
  ModelAlreadyExistsError,
  RunNotFoundError,
  openTracker,
} from '@tideflow/core';
import { trackerConformance } from '@tideflow/core/testing';
import { createServer } from '@tideflow/server';
import type { TideflowServer } from '@tideflow/server';
import { RestTracker } from '@tideflow/server/client';

// One live server on a free loopback port; each conformance test gets a fresh store behind it.
let server: TideflowServer;
let backing: MemoryTracker;
const proxied = new Proxy({} as MemoryTracker, {
  get(_target, key) {
    const value: unknown = Reflect.get(backing, key, backing);
    return typeof value === 'function'
      ? (value as (...a: unknown[]) => unknown).bind(backing)
      : value;
  },
});

beforeAll(async () => {
  backing = new MemoryTracker();
  server = await createServer({ tracker: proxied, port: 0 });
  await server.listen();
});
afterAll(async () => {
  await server.close();
});

describe('RestTracker against a live server', () => {
  trackerConformance(
    { describe, it, expect },
    () => {
      backing = new MemoryTracker({ changeRetention: 100 });
      return new RestTracker(server.url!);
    },
    { changeRetention: 110 },
  );
});

describe('RestTracker', () => {
  it('opens through openTracker for http: and https: URIs', async () => {
    const tracker = await openTracker(server.url!);
    expect(tracker).toBeInstanceOf(RestTracker);
    expect((tracker as RestTracker).url).toBe(server.url);
    expect((await tracker.getExperiment('0')).name).toBe('Default');
    await tracker.close();
    const secure = await openTracker('https://tracking.example:4200/');
    expect((secure as RestTracker).url).toBe('https://tracking.example:4200');
    await secure.close();
  });

  it('raises the server errors as the tracker error classes, with their fields', async () => {
    backing = new MemoryTracker();
    const tracker = new RestTracker(server.url!);
    const missing = await tracker.getRun('nope').catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(RunNotFoundError);
    expect(missing).toMatchObject({
      code: 'RUN_NOT_FOUND',
      message: expect.stringContaining('"nope"') as unknown,
    });
    const filter = await tracker.searchRuns({ filter: 'metrics.acc >' }).catch((e: unknown) => e);
    expect(filter).toMatchObject({
      name: 'FilterSyntaxError',
      code: 'FILTER_SYNTAX',
      input: 'metrics.acc >',
    });
    expect(typeof (filter as { position: unknown }).position).toBe('number');
    await tracker.createRegisteredModel('clf');
    const taken = await tracker.createRegisteredModel('clf').catch((e: unknown) => e);
    expect(taken).toBeInstanceOf(ModelAlreadyExistsError);
    expect(taken).toMatchObject({ code: 'MODEL_ALREADY_EXISTS', modelName: 'clf' });
    await tracker.close();
  });

  it("lists a model's versions in one request", async () => {
    backing = new MemoryTracker();
    const tracker = new RestTracker(server.url!);
    const runId = (await tracker.createRun()).info.runId;
    for (const name of ['a', 'b'])
      await tracker.logModel(runId, { name, bytes: new TextEncoder().encode(name), flavor: 'f' });
    for (let v = 1; v <= 8; v++)
      await tracker.registerModel('clf', { runId, modelName: v % 2 ? 'a' : 'b' });
    const requests = vi.spyOn(globalThis, 'fetch');
    try {
      const versions = await tracker.listModelVersions('clf');
      expect(versions.map((v) => v.version)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
      expect(versions).toEqual(await backing.listModelVersions('clf'));
      expect(requests.mock.calls.map(([url]) => new URL(url as string).pathname)).toEqual([
        '/api/tideflow/registered-models/versions',
      ]);
    } finally {
      requests.mockRestore();
    }
    await expect(tracker.listModelVersions('nope')).rejects.toMatchObject({
      code: 'MODEL_NOT_FOUND',
    });
    await tracker.close();
  });

  it('keeps __proto__ keys and any JSON parameters as data', async () => {
    backing = new MemoryTracker();
    const tracker = new RestTracker(server.url!);
    const run = await tracker.createRun({ tags: { ['__proto__']: 'tag' } });
    const id = run.info.runId;
    const parameters = JSON.parse('{"__proto__": {"polluted": 1}, "n": [1, 2]}') as Record<
      string,
      unknown
    >;
    await tracker.setFlowRun(id, { flowName: 'f', state: 'RUNNING', stateHistory: [], parameters });
    expect((await tracker.getFlowRun(id))?.parameters).toEqual(parameters);
    expect(Object.keys((await tracker.getRun(id)).data.tags)).toContain('__proto__');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    await tracker.close();
  });

  it('refuses URIs that are not a server address, before any request', () => {
    for (const uri of ['http://', 'ftp://x', 'http://a:4200/?x=1', 'http://user:pw@a:4200'])
      expect(() => new RestTracker(uri)).toThrow(
        expect.objectContaining({ code: 'INVALID_OPTION' }) as unknown,
      );
    expect(() => new RestTracker('http://a:1', { token: 'has space' })).toThrow(/white space/);
  });

  it('says which server it cannot reach, and what a refusing server answered', async () => {
    const down = new RestTracker('http://127.0.0.1:9', { timeoutMs: 2000 });
    await expect(down.listExperiments()).rejects.toMatchObject({
      code: 'TRACKING_STORE',
      message: expect.stringContaining(
        'Cannot reach the tracking server http://127.0.0.1:9',
      ) as unknown,
    });
    const guarded = await createServer({ tracker: new MemoryTracker(), port: 0, token: 't0k' });
    try {
      const url = await guarded.listen();
      await expect(
        new RestTracker(url, { token: 'wrong' }).listExperiments(),
      ).rejects.toMatchObject({
        code: 'TRACKING_STORE',
        message: expect.stringContaining('401 UNAUTHENTICATED') as unknown,
      });
      const previous = process.env.TIDEFLOW_TOKEN;
      process.env.TIDEFLOW_TOKEN = 't0k';
      try {
        expect(await new RestTracker(url).listExperiments()).toHaveLength(1);
      } finally {
        if (previous === undefined) delete process.env.TIDEFLOW_TOKEN;
        else process.env.TIDEFLOW_TOKEN = previous;
      }
    } finally {
      await guarded.close();
    }
  });
});
