import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryTracker } from '@tideflow/core';
import { createServer } from '@tideflow/server';
import type { TideflowServer } from '@tideflow/server';

// The `mlflow` npm client has no registry calls: these are raw requests, as MLflow's Python
// client sends them (DELETE with a JSON body).
const base = '/api/2.0/mlflow';
let server: TideflowServer;
let tracker: MemoryTracker;
beforeAll(async () => {
  tracker = new MemoryTracker();
  server = await createServer({ tracker, port: 0 });
});
afterAll(() => server.close());

type Body = Record<string, unknown> & {
  registered_model?: Record<string, unknown>;
  model_versions?: { version: string }[];
};

async function call(method: 'GET' | 'POST' | 'PATCH' | 'DELETE', route: string, payload?: object) {
  const r = await server.app.inject({
    method,
    url: `${base}/${route}`,
    ...(payload ? { headers: { 'content-type': 'application/json' }, payload } : {}),
  });
  return { status: r.statusCode, body: r.json<Body>() };
}

/** Registers `count` new versions of `name` from fresh runs (different bytes each). */
async function register(name: string, count: number): Promise<string[]> {
  const runIds: string[] = [];
  for (let i = 0; i < count; i++) {
    const runId = (await tracker.createRun()).info.runId;
    await tracker.logModel(runId, { name: 'm', bytes: new Uint8Array([i, 7]), flavor: 'f' });
    const r = await call('POST', 'model-versions/create', { name, source: `runs:/${runId}/m` });
    expect(r.status).toBe(200);
    runIds.push(runId);
  }
  return runIds;
}

const q = encodeURIComponent;

describe('MLflow registry create, rename and delete', () => {
  it('creates an empty registered model (registered-models/create), then registers versions to it', async () => {
    const created = await call('POST', 'registered-models/create', {
      name: 'empty',
      description: 'to be trained',
      tags: [{ key: 'team', value: 'ml' }],
    });
    expect(created.status).toBe(200);
    expect(created.body.registered_model).toMatchObject({
      name: 'empty',
      description: 'to be trained',
      latest_versions: [],
      aliases: [],
      tags: [{ key: 'team', value: 'ml' }],
    });
    const got = await call('GET', 'registered-models/get?name=empty');
    expect(got.body.registered_model).toMatchObject({ name: 'empty', latest_versions: [] });
    const search = await call('GET', `registered-models/search?filter=${q("name = 'empty'")}`);
    expect(search.body.registered_models).toHaveLength(1);
    const latest = await call('POST', 'registered-models/get-latest-versions', { name: 'empty' });
    expect(latest).toEqual({ status: 200, body: { model_versions: [] } });
    const versions = await call('GET', `model-versions/search?filter=${q("name = 'empty'")}`);
    expect(versions.body.model_versions).toEqual([]);

    const again = await call('POST', 'registered-models/create', { name: 'empty' });
    expect(again).toEqual({
      status: 400,
      body: {
        error_code: 'RESOURCE_ALREADY_EXISTS',
        message:
          'A registered model named "empty" already exists; choose another name or register a version of it.',
      },
    });
    await register('empty', 1);
    const after = await call('GET', 'registered-models/get?name=empty');
    expect(after.body.registered_model).toMatchObject({
      description: 'to be trained',
      latest_versions: [{ name: 'empty', version: '1' }],
    });
  });

  it('renames a registered model (registered-models/rename), keeping versions, aliases and tags', async () => {
    await register('before', 2);
    await call('POST', 'registered-models/alias', {
      name: 'before',
      alias: 'champion',
      version: '1',
    });
    await call('POST', 'registered-models/set-tag', { name: 'before', key: 'team', value: 'ml' });
    await call('POST', 'model-versions/set-tag', {
      name: 'before',
      version: '2',
      key: 'k',
      value: 'v',
    });
    const renamed = await call('POST', 'registered-models/rename', {
      name: 'before',
      new_name: 'after',
    });
    expect(renamed.status).toBe(200);
    expect(renamed.body.registered_model).toMatchObject({
      name: 'after',
      latest_versions: [{ name: 'after', version: '2', tags: [{ key: 'k', value: 'v' }] }],
      aliases: [{ alias: 'champion', version: '1' }],
      tags: [{ key: 'team', value: 'ml' }],
    });
    expect((await call('GET', 'registered-models/get?name=before')).status).toBe(404);
    const alias = await call('GET', 'registered-models/alias?name=after&alias=champion');
    expect(alias.body.model_version).toMatchObject({ name: 'after', version: '1' });

    await call('POST', 'registered-models/create', { name: 'taken' });
    expect(
      await call('POST', 'registered-models/rename', { name: 'after', new_name: 'taken' }),
    ).toMatchObject({ status: 400, body: { error_code: 'RESOURCE_ALREADY_EXISTS' } });
    expect(
      await call('POST', 'registered-models/rename', { name: 'nope', new_name: 'x' }),
    ).toMatchObject({ status: 404, body: { error_code: 'RESOURCE_DOES_NOT_EXIST' } });
    expect(await call('POST', 'registered-models/rename', { name: 'after' })).toMatchObject({
      status: 400,
      body: { error_code: 'INVALID_PARAMETER_VALUE' },
    });
  });

  it('deletes a model version (model-versions/delete) with its aliases, never reusing its number', async () => {
    const runIds = await register('clf', 3);
    await call('POST', 'registered-models/alias', { name: 'clf', alias: 'champion', version: '3' });
    expect(await call('DELETE', 'model-versions/delete', { name: 'clf', version: '3' })).toEqual({
      status: 200,
      body: {},
    });
    expect((await call('GET', 'model-versions/get?name=clf&version=3')).status).toBe(404);
    expect((await call('GET', 'registered-models/alias?name=clf&alias=champion')).status).toBe(404);
    const model = await call('GET', 'registered-models/get?name=clf');
    expect(model.body.registered_model).toMatchObject({
      aliases: [],
      latest_versions: [{ version: '2' }],
    });
    await call('DELETE', 'model-versions/delete', { name: 'clf', version: '1' });
    const versions = await call('GET', `model-versions/search?filter=${q("name = 'clf'")}`);
    expect(versions.body.model_versions?.map((v) => v.version)).toEqual(['2']);
    await register('clf', 1);
    const latest = await call('POST', 'registered-models/get-latest-versions', { name: 'clf' });
    expect(latest.body.model_versions?.map((v) => v.version)).toEqual(['4']);

    expect(
      await call('DELETE', 'model-versions/delete', { name: 'clf', version: '3' }),
    ).toMatchObject({ status: 404, body: { error_code: 'RESOURCE_DOES_NOT_EXIST' } });
    expect(
      await call('DELETE', 'model-versions/delete', { name: 'nope', version: '1' }),
    ).toMatchObject({ status: 404, body: { error_code: 'RESOURCE_DOES_NOT_EXIST' } });
    for (const version of ['0', 'x', '1.5'])
      expect(await call('DELETE', 'model-versions/delete', { name: 'clf', version })).toMatchObject(
        { status: 400, body: { error_code: 'INVALID_PARAMETER_VALUE' } },
      );

    const uri = await call('GET', 'model-versions/get-download-uri?name=clf&version=2');
    expect(uri).toEqual({
      status: 200,
      body: { artifact_uri: `tideflow-artifacts:/runs/${runIds[1]}/models/m` },
    });
    expect((await call('GET', 'model-versions/get-download-uri?name=clf&version=3')).status).toBe(
      404,
    );
  });

  it('deletes a registered model (registered-models/delete) with its versions and aliases', async () => {
    await register('gone', 2);
    await call('POST', 'registered-models/alias', {
      name: 'gone',
      alias: 'champion',
      version: '1',
    });
    expect(await call('DELETE', 'registered-models/delete', { name: 'gone' })).toEqual({
      status: 200,
      body: {},
    });
    expect(await call('GET', 'registered-models/get?name=gone')).toMatchObject({
      status: 404,
      body: { error_code: 'RESOURCE_DOES_NOT_EXIST' },
    });
    expect((await call('GET', 'model-versions/get?name=gone&version=1')).status).toBe(404);
    expect(await call('DELETE', 'registered-models/delete', { name: 'gone' })).toMatchObject({
      status: 404,
      body: { error_code: 'RESOURCE_DOES_NOT_EXIST' },
    });
    // The name is free again; its versions start from 1.
    await register('gone', 1);
    expect(
      (await call('GET', 'registered-models/get?name=gone')).body.registered_model,
    ).toMatchObject({ latest_versions: [{ version: '1' }], aliases: [] });
  });

  it('refuses bad input with MLflow error JSON naming it, and keeps `__proto__` an ordinary name', async () => {
    const refused = [
      ['POST', 'registered-models/create', {}],
      ['POST', 'registered-models/create', { name: '' }],
      ['POST', 'registered-models/create', { name: '   ' }],
      ['POST', 'registered-models/create', { name: 'x', other: 1 }],
      ['POST', 'registered-models/create', { name: 'x', description: 'd'.repeat(5001) }],
      ['POST', 'registered-models/create', { name: 'x', tags: [{ key: 'k' }] }],
      [
        'POST',
        'registered-models/create',
        {
          name: 'x',
          tags: [
            { key: 'k', value: 'a' },
            { key: 'k', value: 'b' },
          ],
        },
      ],
      ['DELETE', 'registered-models/delete', {}],
      ['DELETE', 'model-versions/delete', { name: 'x' }],
    ] as const;
    for (const [method, route, payload] of refused) {
      const r = await call(method, route, payload);
      expect(r.status, `${route} ${JSON.stringify(payload)}`).toBe(400);
      expect(r.body.error_code).toBe('INVALID_PARAMETER_VALUE');
      expect(typeof r.body.message).toBe('string');
    }
    const missingName = await call('POST', 'registered-models/create', {});
    expect(missingName.body.message).toContain('name');
    expect((await call('GET', 'registered-models/get?name=x')).status).toBe(404);

    const text = await server.app.inject({
      method: 'POST',
      url: `${base}/registered-models/create`,
      headers: { 'content-type': 'text/plain' },
      payload: 'name=x',
    });
    expect(text.statusCode).toBe(415);

    const proto = await call('POST', 'registered-models/create', {
      name: '__proto__',
      tags: [{ key: '__proto__', value: 'v' }],
    });
    expect(proto.status).toBe(200);
    expect(proto.body.registered_model).toMatchObject({
      name: '__proto__',
      tags: [{ key: '__proto__', value: 'v' }],
    });
    expect(({} as Record<string, unknown>).v).toBeUndefined();
    expect(
      await call('POST', 'registered-models/rename', { name: '__proto__', new_name: 'plain' }),
    ).toMatchObject({ status: 200, body: { registered_model: { name: 'plain' } } });
    expect(await call('DELETE', 'registered-models/delete', { name: 'plain' })).toMatchObject({
      status: 200,
    });
    const doc = await server.app.inject({ url: '/api/openapi.json' });
    expect(Object.keys(doc.json<{ paths: object }>().paths)).toEqual(
      expect.arrayContaining(
        [
          'registered-models/create',
          'registered-models/rename',
          'registered-models/delete',
          'model-versions/delete',
          'model-versions/get-download-uri',
        ].map((route) => `${base}/${route}`),
      ),
    );
    // Stages are not modelled: transition-stage stays unserved.
    expect(
      await call('POST', 'model-versions/transition-stage', {
        name: 'clf',
        version: '2',
        stage: 'Production',
      }),
    ).toMatchObject({ status: 404, body: { error_code: 'ENDPOINT_NOT_FOUND' } });
  });
});
