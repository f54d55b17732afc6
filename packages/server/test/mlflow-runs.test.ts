import { afterEach, describe, expect, it } from 'vitest';
import { MemoryTracker } from '@tideflow/core';
import { createServer } from '@tideflow/server';
import type { TideflowServer } from '@tideflow/server';

let server: TideflowServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** Calls the live server the way MLflow's Python client (RestStore) does: JSON bodies, both run id fields. */
async function start(): Promise<
  (
    method: 'GET' | 'POST',
    path: string,
    body?: Record<string, unknown>,
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- MLflow JSON answers, read by the assertions
  ) => Promise<{ status: number; json: any }>
> {
  server = await createServer({ tracker: new MemoryTracker(), port: 0 });
  const url = await server.listen();
  return async (method, path, body) => {
    const full =
      method === 'GET' && body
        ? `${url}/api/2.0/mlflow/${path}?${new URLSearchParams(body as Record<string, string>).toString()}`
        : `${url}/api/2.0/mlflow/${path}`;
    const r = await fetch(full, {
      method,
      ...(method === 'POST'
        ? { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body ?? {}) }
        : {}),
    });
    return { status: r.status, json: await r.json() };
  };
}

describe('MLflow run routes', () => {
  it('creates, logs to, updates, gets and searches a run as the Python client does', async () => {
    const call = await start();
    const exp = await call('POST', 'experiments/create', {
      name: 'iris',
      artifact_location: '',
      tags: [],
    });
    const experimentId = exp.json.experiment_id as string;
    const created = await call('POST', 'runs/create', {
      experiment_id: experimentId,
      user_id: 'ada',
      start_time: 1_700_000_000_000,
      tags: [{ key: 'mlflow.source.type', value: 'LOCAL' }],
      run_name: 'first',
    });
    expect(created.status).toBe(200);
    const info = created.json.run.info;
    expect(info).toMatchObject({
      experiment_id: experimentId,
      run_name: 'first',
      status: 'RUNNING',
      start_time: 1_700_000_000_000,
      lifecycle_stage: 'active',
    });
    expect(info.run_uuid).toBe(info.run_id);
    const id = { run_id: info.run_id, run_uuid: info.run_id };

    expect(
      (await call('POST', 'runs/log-parameter', { ...id, key: 'lr', value: '0.1' })).json,
    ).toEqual({});
    expect((await call('POST', 'runs/set-tag', { ...id, key: 'team', value: 'ml' })).status).toBe(
      200,
    );
    for (const step of [0, 1, 2])
      await call('POST', 'runs/log-metric', {
        ...id,
        key: 'loss',
        value: 1 / (step + 1),
        timestamp: 1_700_000_000_000 + step,
        step,
      });
    const batch = await call('POST', 'runs/log-batch', {
      run_id: info.run_id,
      metrics: [{ key: 'acc', value: 0.9, timestamp: 1_700_000_000_500, step: 0 }],
      params: [{ key: 'k', value: '3' }],
      tags: [{ key: 'stage', value: 'dev' }],
    });
    expect(batch.status).toBe(200);
    const history = await call('GET', 'metrics/get-history', { ...id, metric_key: 'loss' });
    expect(
      history.json.metrics.map((m: { step: number; value: number }) => [m.step, m.value]),
    ).toEqual([
      [0, 1],
      [1, 0.5],
      [2, 1 / 3],
    ]);

    const updated = await call('POST', 'runs/update', {
      ...id,
      status: 'FINISHED',
      end_time: 1_700_000_001_000,
    });
    expect(updated.json.run_info).toMatchObject({
      status: 'FINISHED',
      end_time: 1_700_000_001_000,
    });

    const got = await call('GET', 'runs/get', id);
    const data = got.json.run.data;
    expect(data.params).toEqual(
      expect.arrayContaining([
        { key: 'lr', value: '0.1' },
        { key: 'k', value: '3' },
      ]),
    );
    expect(data.metrics).toEqual(
      expect.arrayContaining([
        { key: 'loss', value: 1 / 3 },
        { key: 'acc', value: 0.9 },
      ]),
    );
    expect(data.tags).toEqual(
      expect.arrayContaining([
        { key: 'team', value: 'ml' },
        { key: 'mlflow.user', value: 'ada' },
      ]),
    );

    await call('POST', 'runs/create', {
      experiment_id: experimentId,
      run_name: 'second',
      tags: [],
    });
    const search = await call('POST', 'runs/search', {
      experiment_ids: [experimentId],
      filter: "params.lr = '0.1' and metrics.acc > 0.5",
      run_view_type: 'ACTIVE_ONLY',
      max_results: 10,
      order_by: ['attributes.start_time DESC'],
      page_token: '',
    });
    expect(search.json.runs.map((r: { info: { run_name: string } }) => r.info.run_name)).toEqual([
      'first',
    ]);
    const paged = await call('POST', 'runs/search', {
      experiment_ids: [experimentId],
      max_results: 1,
    });
    expect(paged.json.runs).toHaveLength(1);
    expect(typeof paged.json.next_page_token).toBe('string');
  });

  it('answers bad requests with MLflow error JSON naming the problem', async () => {
    const call = await start();
    const missing = await call('GET', 'runs/get', { run_id: 'nope' });
    expect(missing.status).toBe(404);
    expect(missing.json.error_code).toBe('RESOURCE_DOES_NOT_EXIST');
    expect(missing.json.message).toContain('nope');
    const { json } = await call('POST', 'runs/create', {});
    const id = { run_id: json.run.info.run_id };
    await call('POST', 'runs/log-parameter', { ...id, key: 'lr', value: '0.1' });
    const overwrite = await call('POST', 'runs/log-parameter', { ...id, key: 'lr', value: '0.2' });
    expect(overwrite.status).toBe(400);
    expect(overwrite.json.error_code).toBe('INVALID_PARAMETER_VALUE');
    const badFilter = await call('POST', 'runs/search', { filter: 'metrics.acc >>> 1' });
    expect(badFilter.status).toBe(400);
    expect(badFilter.json.error_code).toBe('INVALID_PARAMETER_VALUE');
    const badStatus = await call('POST', 'runs/update', { ...id, status: 'DONE' });
    expect(badStatus.status).toBe(400);
    expect(badStatus.json.message).toContain('status');
    const noRun = await call('POST', 'runs/log-metric', { key: 'x', value: 1 });
    expect(noRun.status).toBe(400);
    const dup = await call('POST', 'runs/log-batch', {
      ...id,
      params: [
        { key: 'a', value: '1' },
        { key: 'a', value: '2' },
      ],
    });
    expect(dup.json.message).toContain('Param key "a" is given twice');
    const huge = await call('POST', 'runs/log-metric', { ...id, key: 'x', value: 1, step: 1e300 });
    expect(huge.status).toBe(400);
  });
});
