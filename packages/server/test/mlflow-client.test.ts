import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import mlflow from 'mlflow';
import { MemoryTracker } from '@tideflow/core';
import { createServer } from '@tideflow/server';
import type { TideflowServer } from '@tideflow/server';

// The package's types describe lib/mlflow.js (an ES default export), but its main entry exports
// the class itself (`module.exports = require('./lib/mlflow').default`).
const MLflow = mlflow as unknown as typeof mlflow.default;
type MLflow = InstanceType<typeof MLflow>;
type RunStatus = NonNullable<Parameters<MLflow['Runs']['update']>[0]['status']>;

// The `mlflow` npm package (Yuhsak/mlflow 2.0.7), a client nobody here wrote. It prints every
// POST body with console.log; the spy keeps the test output clean.
let server: TideflowServer;
let client: MLflow;
beforeAll(async () => {
  vi.spyOn(console, 'log').mockImplementation(() => undefined);
  server = await createServer({ tracker: new MemoryTracker(), port: 0, token: 'tok' });
  client = new MLflow({
    endpoint: await server.listen(),
    headers: { Authorization: 'Bearer tok' },
  });
});
afterAll(async () => {
  vi.restoreAllMocks();
  await server.close();
});

describe('the mlflow npm client against the server', () => {
  it('creates an experiment and a run, logs to it, finishes it and reads it back', async () => {
    const { Experiments, Runs, Metrics, Artifacts } = client;
    const { experiment_id } = await Experiments.create({
      name: 'from-mlflow-npm',
      artifact_location: '',
    });
    const { experiment } = await Experiments.get({ experiment_id });
    expect(experiment.name).toBe('from-mlflow-npm');

    const { run } = await Runs.create({
      experiment_id,
      user_id: 'ada',
      start_time: 1_700_000_000_000,
      tags: [{ key: 'mlflow.runName', value: 'npm-run' }],
    });
    const run_id = run.info.run_id;
    await Runs.logParameter({ run_id, key: 'lr', value: '0.01' });
    await Runs.setTag({ run_id, key: 'source', value: 'npm' });
    for (const step of [0, 1, 2])
      await Runs.logMetric({
        run_id,
        key: 'loss',
        value: 1 - step / 10,
        timestamp: 1_700_000_000_000 + step,
        step,
      });
    await Runs.logBatch({
      run_id,
      metrics: [{ key: 'auc', value: 0.875, timestamp: 1_700_000_000_100, step: 0 }],
      params: [{ key: 'k', value: '5' }],
      tags: [],
    });
    await Runs.update({ run_id, status: 'FINISHED' as RunStatus, end_time: 1_700_000_001_000 });

    const got = await Runs.get({ run_id });
    expect(got.run.info).toMatchObject({
      status: 'FINISHED',
      end_time: 1_700_000_001_000,
      run_name: 'npm-run',
    });
    expect(got.run.data.params).toEqual(
      expect.arrayContaining([
        { key: 'lr', value: '0.01' },
        { key: 'k', value: '5' },
      ]),
    );

    const { metrics } = await Metrics.getHistory({ run_id, metric_key: 'loss' });
    expect(metrics.map((m) => m.value)).toEqual([1, 0.9, 0.8]);

    const { runs } = await Runs.search({
      experiment_ids: [experiment_id],
      filter: 'metrics.auc > 0.8',
    });
    expect(runs.map((r) => r.info.run_id)).toEqual([run_id]);

    await server.tracker.logArtifact(run_id, 'plots/roc.svg', '<svg/>');
    const listed = await Artifacts.list({ run_id, path: '' });
    expect(listed.files).toEqual([{ path: 'plots', is_dir: true }]);
  });

  it('surfaces the server error JSON through the client', async () => {
    const error = await client.Runs.get({ run_id: 'missing' }).then(
      () => null,
      (e: unknown) => e as Error,
    );
    expect(String(error)).toContain('RESOURCE_DOES_NOT_EXIST');
    const anonymous = new MLflow({ endpoint: server.url! });
    expect(
      String(await anonymous.Experiments.get({ experiment_id: '0' }).catch((e: unknown) => e)),
    ).toContain('UNAUTHENTICATED');
  });
});
