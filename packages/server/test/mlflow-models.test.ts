import { afterEach, describe, expect, it } from 'vitest';
import { MemoryTracker } from '@tideflow/core';
import { createServer } from '@tideflow/server';
import type { TideflowServer } from '@tideflow/server';

let server: TideflowServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const json = { 'content-type': 'application/json' };

describe('MLflow model registry routes', () => {
  it('registers versions from runs:/ sources, sets aliases and tags, and reads them back', async () => {
    const tracker = new MemoryTracker();
    server = await createServer({ tracker, port: 0 });
    const { info } = await tracker.createRun({});
    await tracker.logModel(info.runId, {
      name: 'knn2',
      bytes: new Uint8Array(32).fill(7),
      flavor: 'tideflow.models.knn',
    });
    await tracker.logModel(info.runId, {
      name: 'knn',
      bytes: new Uint8Array(16),
      flavor: 'tideflow.models.knn',
    });
    const inject = server.app.inject.bind(server.app);
    const base = '/api/2.0/mlflow';

    const created = await inject({
      method: 'POST',
      url: `${base}/model-versions/create`,
      headers: json,
      payload: {
        name: 'classifier',
        source: `runs:/${info.runId}/knn`,
        run_id: info.runId,
        tags: [{ key: 'k', value: 'v' }],
      },
    });
    expect(created.statusCode).toBe(200);
    expect(created.json().model_version).toMatchObject({
      name: 'classifier',
      version: '1',
      run_id: info.runId,
      status: 'READY',
      tags: [{ key: 'k', value: 'v' }],
    });
    const second = await inject({
      method: 'POST',
      url: `${base}/model-versions/create`,
      headers: json,
      payload: { name: 'classifier', source: `runs:/${info.runId}/knn2` },
    });
    expect(second.json().model_version.version).toBe('2');

    expect(
      (
        await inject({
          method: 'POST',
          url: `${base}/registered-models/alias`,
          headers: json,
          payload: { name: 'classifier', alias: 'champion', version: '1' },
        })
      ).statusCode,
    ).toBe(200);
    const alias = await inject({
      url: `${base}/registered-models/alias?name=classifier&alias=champion`,
    });
    expect(alias.json().model_version.version).toBe('1');
    await inject({
      method: 'POST',
      url: `${base}/registered-models/set-tag`,
      headers: json,
      payload: { name: 'classifier', key: 'team', value: 'ml' },
    });
    const updated = await inject({
      method: 'PATCH',
      url: `${base}/registered-models/update`,
      headers: json,
      payload: { name: 'classifier', description: 'kNN' },
    });
    expect(updated.json().registered_model).toMatchObject({
      name: 'classifier',
      description: 'kNN',
      aliases: [{ alias: 'champion', version: '1' }],
      tags: [{ key: 'team', value: 'ml' }],
    });
    expect(updated.json().registered_model.latest_versions[0].version).toBe('2');
    const latest = await inject({
      method: 'POST',
      url: `${base}/registered-models/get-latest-versions`,
      headers: json,
      payload: { name: 'classifier' },
    });
    expect(latest.json().model_versions.map((v: { version: string }) => v.version)).toEqual(['2']);
    const search = await inject({ url: `${base}/registered-models/search` });
    expect(search.json().registered_models.map((m: { name: string }) => m.name)).toEqual([
      'classifier',
    ]);
    const v1 = await inject({ url: `${base}/model-versions/get?name=classifier&version=1` });
    expect(v1.json().model_version.aliases).toEqual(['champion']);
  });

  it('answers unknown models, aliases and bad sources with MLflow error JSON', async () => {
    server = await createServer({ tracker: new MemoryTracker(), port: 0 });
    const base = '/api/2.0/mlflow';
    const none = await server.app.inject({ url: `${base}/registered-models/get?name=nope` });
    expect(none.statusCode).toBe(404);
    expect(none.json()).toEqual({
      error_code: 'RESOURCE_DOES_NOT_EXIST',
      message: 'No registered model named "nope".',
    });
    const badSource = await server.app.inject({
      method: 'POST',
      url: `${base}/model-versions/create`,
      headers: json,
      payload: { name: 'm', source: 's3://bucket/model' },
    });
    expect(badSource.statusCode).toBe(400);
    expect(badSource.json().message).toContain(
      '"s3://bucket/model" is not "runs:/<run id>/<model name>"',
    );
    const badVersion = await server.app.inject({
      url: `${base}/model-versions/get?name=m&version=0`,
    });
    expect(badVersion.statusCode).toBe(400);
  });
});
