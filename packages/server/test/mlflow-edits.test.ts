import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import mlflow from 'mlflow';
import { MemoryTracker } from '@tideflow/core';
import { createServer } from '@tideflow/server';
import type { TideflowServer } from '@tideflow/server';

// See mlflow-client.test.ts: the package's main entry exports the class itself.
const MLflow = mlflow as unknown as typeof mlflow.default;

const base = '/api/2.0/mlflow';
let server: TideflowServer;
let tracker: MemoryTracker;
beforeAll(async () => {
  tracker = new MemoryTracker();
  server = await createServer({ tracker, port: 0 });
});
afterAll(() => server.close());

/** A raw JSON request, as curl or MLflow's Python client sends it (DELETE with a JSON body). */
async function call(method: 'GET' | 'POST' | 'PATCH' | 'DELETE', route: string, payload?: object) {
  const r = await server.app.inject({
    method,
    url: `${base}/${route}`,
    ...(payload ? { headers: { 'content-type': 'application/json' }, payload } : {}),
  });
  return { status: r.statusCode, body: r.json<Record<string, unknown>>() };
}

describe('MLflow run edits', () => {
  it('deletes and restores a run (runs/delete, runs/restore), as MLflow soft-deletes', async () => {
    const { info } = await tracker.createRun({ name: 'gone' });
    expect(await call('POST', 'runs/delete', { run_id: info.runId })).toEqual({
      status: 200,
      body: {},
    });
    const deleted = await call('GET', `runs/get?run_id=${info.runId}`);
    expect(deleted.body).toMatchObject({ run: { info: { lifecycle_stage: 'deleted' } } });
    const active = await call('POST', 'runs/search', { experiment_ids: ['0'] });
    expect(JSON.stringify(active.body)).not.toContain(info.runId);
    const writing = await call('POST', 'runs/set-tag', {
      run_id: info.runId,
      key: 'k',
      value: 'v',
    });
    expect(writing.status).toBe(400);
    expect(await call('POST', 'runs/restore', { run_uuid: info.runId })).toMatchObject({
      status: 200,
    });
    expect((await tracker.getRun(info.runId)).info.lifecycleStage).toBe('active');
    expect(await call('POST', 'runs/delete', { run_id: 'nope' })).toMatchObject({
      status: 404,
      body: { error_code: 'RESOURCE_DOES_NOT_EXIST' },
    });
    expect(await call('POST', 'runs/delete', {})).toMatchObject({
      status: 400,
      body: { error_code: 'INVALID_PARAMETER_VALUE' },
    });
  });

  it('deletes a tag (runs/delete-tag), and says so when the run has no such tag', async () => {
    const { info } = await tracker.createRun({});
    await tracker.setTag(info.runId, 'owner', 'ana');
    expect(await call('POST', 'runs/delete-tag', { run_id: info.runId, key: 'owner' })).toEqual({
      status: 200,
      body: {},
    });
    expect((await tracker.getRun(info.runId)).data.tags.owner).toBeUndefined();
    const again = await call('POST', 'runs/delete-tag', { run_id: info.runId, key: 'owner' });
    expect(again).toMatchObject({ status: 404, body: { error_code: 'RESOURCE_DOES_NOT_EXIST' } });
    expect(again.body.message).toContain('"owner"');
    const proto = await call('POST', 'runs/delete-tag', { run_id: info.runId, key: '__proto__' });
    expect(proto.status).toBe(404);
  });

  it('serves the mlflow npm client its runs delete, restore and deleteTag', async () => {
    vi.spyOn(console, 'log').mockImplementation(() => undefined);
    try {
      if (server.url === undefined) await server.listen();
      const client = new MLflow({ endpoint: server.url! });
      const { run } = await client.Runs.create({
        experiment_id: '0',
        user_id: 'ada',
        start_time: Date.now(),
      });
      const run_id = run.info.run_id;
      await client.Runs.setTag({ run_id, key: 'k', value: 'v' });
      await client.Runs.deleteTag({ run_id, key: 'k' });
      expect((await tracker.getRun(run_id)).data.tags.k).toBeUndefined();
      await client.Runs.delete({ run_id });
      expect((await tracker.getRun(run_id)).info.lifecycleStage).toBe('deleted');
      await client.Runs.restore({ run_id });
      expect((await tracker.getRun(run_id)).info.lifecycleStage).toBe('active');
    } finally {
      vi.restoreAllMocks();
    }
  });
});

describe('MLflow registry edits', () => {
  it('updates and tags versions, deletes tags and aliases, with MLflow methods', async () => {
    const { info } = await tracker.createRun({});
    await tracker.logModel(info.runId, {
      name: 'knn',
      bytes: new Uint8Array(8),
      flavor: 'tideflow.models.knn',
    });
    await tracker.registerModel('edits', { runId: info.runId, modelName: 'knn' });
    await tracker.setModelAlias('edits', 'champion', 1);
    await tracker.setRegisteredModelTag('edits', 'team', 'ml');

    const updated = await call('PATCH', 'model-versions/update', {
      name: 'edits',
      version: '1',
      description: 'first <b>',
    });
    expect(updated).toMatchObject({
      status: 200,
      body: { model_version: { name: 'edits', version: '1', description: 'first <b>' } },
    });
    expect(
      await call('POST', 'model-versions/set-tag', {
        name: 'edits',
        version: '1',
        key: 'validated',
        value: 'yes',
      }),
    ).toEqual({ status: 200, body: {} });
    expect((await tracker.getModelVersion('edits', 1)).tags).toEqual({ validated: 'yes' });
    expect(
      await call('DELETE', 'model-versions/delete-tag', {
        name: 'edits',
        version: '1',
        key: 'validated',
      }),
    ).toEqual({ status: 200, body: {} });
    expect((await tracker.getModelVersion('edits', 1)).tags).toEqual({});

    expect(
      await call('DELETE', 'registered-models/delete-tag', { name: 'edits', key: 'team' }),
    ).toEqual({ status: 200, body: {} });
    expect(
      await call('DELETE', 'registered-models/alias', { name: 'edits', alias: 'champion' }),
    ).toEqual({ status: 200, body: {} });
    const model = await call('GET', 'registered-models/get?name=edits');
    expect(model.body).toMatchObject({ registered_model: { aliases: [], tags: [] } });
    // Cleared description: MLflow leaves the field out.
    const cleared = await call('PATCH', 'model-versions/update', { name: 'edits', version: '1' });
    expect(cleared.body.model_version).not.toHaveProperty('description');
  });

  it('answers a missing model or version with RESOURCE_DOES_NOT_EXIST, bad input with 400', async () => {
    for (const [method, route, payload] of [
      ['PATCH', 'model-versions/update', { name: 'nope', version: '1', description: 'x' }],
      ['POST', 'model-versions/set-tag', { name: 'nope', version: '1', key: 'k', value: 'v' }],
      ['DELETE', 'model-versions/delete-tag', { name: 'nope', version: '1', key: 'k' }],
      ['DELETE', 'registered-models/delete-tag', { name: 'nope', key: 'k' }],
      ['DELETE', 'registered-models/alias', { name: 'nope', alias: 'a' }],
    ] as const) {
      const r = await call(method, route, payload);
      expect(r, route).toMatchObject({
        status: 404,
        body: { error_code: 'RESOURCE_DOES_NOT_EXIST' },
      });
    }
    const badVersion = await call('POST', 'model-versions/set-tag', {
      name: 'edits',
      version: '0',
      key: 'k',
      value: 'v',
    });
    expect(badVersion).toMatchObject({
      status: 400,
      body: { error_code: 'INVALID_PARAMETER_VALUE' },
    });
    // DELETE takes JSON only, as every mutating route.
    const form = await server.app.inject({
      method: 'DELETE',
      url: `${base}/registered-models/alias`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'name=edits&alias=a',
    });
    expect(form.statusCode).toBe(415);
  });
});

describe('MLflow experiment edits', () => {
  it('renames an experiment and sets its tags (experiments/update, set-experiment-tag)', async () => {
    const id = await tracker.createExperiment('old-name');
    expect(
      await call('POST', 'experiments/update', { experiment_id: id, new_name: 'new' }),
    ).toEqual({ status: 200, body: {} });
    expect(
      await call('POST', 'experiments/set-experiment-tag', {
        experiment_id: id,
        key: 'team',
        value: 'ml',
      }),
    ).toEqual({ status: 200, body: {} });
    const got = await call('GET', 'experiments/get-by-name?experiment_name=new');
    expect(got.body).toMatchObject({
      experiment: { experiment_id: id, name: 'new', tags: [{ key: 'team', value: 'ml' }] },
    });
    await tracker.createExperiment('taken-name');
    expect(
      await call('POST', 'experiments/update', { experiment_id: id, new_name: 'taken-name' }),
    ).toMatchObject({ status: 400, body: { error_code: 'RESOURCE_ALREADY_EXISTS' } });
    expect(
      await call('POST', 'experiments/update', { experiment_id: '9999', new_name: 'x' }),
    ).toMatchObject({ status: 404, body: { error_code: 'RESOURCE_DOES_NOT_EXIST' } });
    expect(
      await call('POST', 'experiments/set-experiment-tag', { experiment_id: id, key: 'k' }),
    ).toMatchObject({ status: 400, body: { error_code: 'INVALID_PARAMETER_VALUE' } });
  });

  it('deletes and restores an experiment with its runs (experiments/delete, restore)', async () => {
    const id = await tracker.createExperiment('to-delete');
    const { info } = await tracker.createRun({ experimentId: id });
    expect(await call('POST', 'experiments/delete', { experiment_id: id })).toEqual({
      status: 200,
      body: {},
    });
    expect((await call('GET', `experiments/get?experiment_id=${id}`)).body).toMatchObject({
      experiment: { lifecycle_stage: 'deleted' },
    });
    expect((await call('GET', `runs/get?run_id=${info.runId}`)).body).toMatchObject({
      run: { info: { lifecycle_stage: 'deleted' } },
    });
    const listed = await call('GET', 'experiments/search');
    expect(JSON.stringify(listed.body)).not.toContain('to-delete');
    expect(await call('POST', 'runs/create', { experiment_id: id })).toMatchObject({
      status: 400,
      body: { error_code: 'INVALID_PARAMETER_VALUE' },
    });
    expect(await call('POST', 'experiments/restore', { experiment_id: id })).toEqual({
      status: 200,
      body: {},
    });
    expect((await tracker.getRun(info.runId)).info.lifecycleStage).toBe('active');
    expect(await call('POST', 'experiments/delete', { experiment_id: '0' })).toMatchObject({
      status: 400,
      body: { error_code: 'INVALID_PARAMETER_VALUE' },
    });
    expect(await call('POST', 'experiments/restore', { experiment_id: '9999' })).toMatchObject({
      status: 404,
      body: { error_code: 'RESOURCE_DOES_NOT_EXIST' },
    });
  });

  it('serves the mlflow npm client its Experiments.update, delete and restore', async () => {
    vi.spyOn(console, 'log').mockImplementation(() => undefined);
    try {
      if (server.url === undefined) await server.listen();
      const client = new MLflow({ endpoint: server.url! });
      const { experiment_id } = await client.Experiments.create({
        name: 'npm-exp',
        artifact_location: '',
      });
      await client.Experiments.update({ experiment_id, new_name: 'npm-exp-renamed' });
      expect((await tracker.getExperiment(experiment_id)).name).toBe('npm-exp-renamed');
      await client.Experiments.delete({ experiment_id });
      expect((await tracker.getExperiment(experiment_id)).lifecycleStage).toBe('deleted');
      await client.Experiments.restore({ experiment_id });
      expect((await tracker.getExperiment(experiment_id)).lifecycleStage).toBe('active');
    } finally {
      vi.restoreAllMocks();
    }
  });
});

describe('MLflow registry search', () => {
  it('searches model versions and registered models with MLflow filters', async () => {
    const runs: string[] = [];
    for (const name of ['search-a', 'search-b']) {
      const { info } = await tracker.createRun({});
      runs.push(info.runId);
      for (const m of ['m1', 'm2']) {
        await tracker.logModel(info.runId, {
          name: m,
          bytes: new Uint8Array(4).fill(m === 'm1' ? 1 : 2),
          flavor: 'tideflow.models.knn',
        });
        await tracker.registerModel(name, { runId: info.runId, modelName: m });
      }
    }
    const versions = async (filter: string) => {
      const r = await call('GET', `model-versions/search?filter=${encodeURIComponent(filter)}`);
      expect(r.status, filter).toBe(200);
      return (r.body.model_versions as { name: string; version: string }[]).map(
        (v) => `${v.name}/${v.version}`,
      );
    };
    expect(await versions("name = 'search-a'")).toEqual(['search-a/2', 'search-a/1']);
    expect(await versions(`run_id = '${runs[1]}'`)).toEqual(['search-b/2', 'search-b/1']);
    expect(await versions("name LIKE 'search-%' AND run_id IN ('nope')")).toEqual([]);
    expect(await versions("name ILIKE 'SEARCH-B' and source LIKE '%m1%'")).toEqual(['search-b/1']);
    expect(await versions("name != 'search-a' AND name LIKE 'search%'")).toEqual([
      'search-b/2',
      'search-b/1',
    ]);
    const limited = await call(
      'GET',
      `model-versions/search?max_results=1&filter=name%3D'search-a'`,
    );
    expect(limited.body.model_versions).toHaveLength(1);

    const models = await call(
      'GET',
      `registered-models/search?filter=${encodeURIComponent("name LIKE 'search-%'")}`,
    );
    expect((models.body.registered_models as { name: string }[]).map((m) => m.name)).toEqual([
      'search-a',
      'search-b',
    ]);

    for (const bad of ["name = 'x", "tags.k = 'v'", "name ~ 'x'", "name = 'a' OR name = 'b'"]) {
      const r = await call('GET', `model-versions/search?filter=${encodeURIComponent(bad)}`);
      expect(r, bad).toMatchObject({
        status: 400,
        body: { error_code: 'INVALID_PARAMETER_VALUE' },
      });
      expect(r.body.message, bad).toMatch(/at position \d+/);
    }
  });
});
