import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import {
  MemoryTracker,
  configure,
  createMemoryCacheStore,
  loadModel,
  resetConfiguration,
  silentLogger,
} from '@tideflow/core';
import {
  ClusteringPipeline,
  PipelineConfigError,
  denseMatrix,
  makeBlobs,
  resolvePipelineConfig,
  writeCsv,
  type Classifier,
  type PipelineResult,
} from '../src/index.js';

afterEach(() => resetConfiguration());

const dir = mkdtempSync(join(tmpdir(), 'tideflow-registry-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The fastest complete run: one family, no calibration search, a small explanation, no t-SNE. */
async function run(extra: string[]): Promise<PipelineResult> {
  const config = await resolvePipelineConfig({
    set: [
      'data.n=400',
      'data.k=3',
      'search.folds=2',
      'strategy=best',
      'calibration.method=none',
      'models.knn.enabled=false',
      'models.logistic.enabled=false',
      'models.random_forest.enabled=false',
      'models.svc.enabled=false',
      'explain.shapRows=10',
      'explain.shapBackground=10',
      'explain.permutationRepeats=1',
      'tsne.enabled=false',
      ...extra,
    ],
  });
  return new ClusteringPipeline().run(config);
}

describe('the pipeline registers one model name per data signature', () => {
  const tracker = new MemoryTracker();
  const track = () =>
    configure({ tracker, cacheStore: createMemoryCacheStore(), logger: silentLogger });
  const champion = async (name: string) =>
    (await tracker.getModelVersion(name, 'champion')).version;

  it('moves champion only to a better model of the same signature, or when promoted', async () => {
    track();
    const first = await run(['data.std=4']);
    const name = first.registration!.name;
    expect(name).toMatch(/^clustering-[0-9a-f]{8}$/);
    expect(first.registration).toMatchObject({ version: 1, champion: { reason: 'new' } });
    expect(first.html).toContain(`registry: model ${name} v1: champion set to v1`);

    // Other columns: another name, and the first signature's champion stays where it was.
    const other = await run(['data.dim=2', 'data.std=1']);
    expect(other.registration!.name).not.toBe(name);
    expect(other.registration!.champion.reason).toBe('new');
    expect(await champion(name)).toBe(1);

    const worse = await run(['data.std=9']);
    expect(worse.testAccuracy).toBeLessThan(first.testAccuracy);
    expect(worse.registration).toMatchObject({ name, version: 2 });
    const kept = `kept v1 as champion (${Number(first.testAccuracy.toFixed(4))} ≥ ${Number(worse.testAccuracy.toFixed(4))})`;
    expect(worse.registration!.summary).toBe(kept);
    expect(worse.html).toContain(`registry: model ${name} v2: ${kept}`);
    expect(await champion(name)).toBe(1);

    const better = await run(['data.std=1']);
    expect(better.testAccuracy).toBeGreaterThan(first.testAccuracy);
    expect(better.registration!.summary).toBe(
      `champion moved from v1 (${Number(first.testAccuracy.toFixed(4))}) to v3 (${Number(better.testAccuracy.toFixed(4))})`,
    );
    expect(await champion(name)).toBe(3);

    const promoted = await run(['data.std=9', 'data.seed=7', 'registry.promote=true']);
    expect(promoted.registration!.summary).toMatch(
      /^champion moved from v3 \([\d.]+\) to v4 \([\d.]+\): promoted by --promote/,
    );
    expect(await champion(name)).toBe(4);
    expect(await champion(other.registration!.name)).toBe(1);
  }, 600_000);

  it('after a CSV run, models:/<name>@champion predicts that CSV’s columns', async () => {
    track();
    const blobs = makeBlobs({ n: 400, dim: 5, k: 3, std: 1.5, seed: 3 });
    const path = join(dir, 'five.csv');
    await writeCsv(
      path,
      { ...blobs, featureNames: ['a', 'b', 'c', 'd', 'e'], classNames: ['r', 's', 't'] },
      { label: 'kind' },
    );
    const csv = await run([`data.path=${JSON.stringify(path)}`, 'data.label=kind']);
    const name = csv.registration!.name;
    const version = await tracker.getModelVersion(name, 'champion');
    expect(version.runId).toBe(csv.runId);
    expect(version.description).toContain(path);
    // The version's tags: what a user searches by; the digests are those of the run's inputs.
    const inputs = await tracker.getRunInputs(csv.runId!);
    const digest = (context: string) => inputs.find((i) => i.context === context)!.dataset.digest;
    expect(version.tags).toEqual({
      'data.source': path,
      'data.train_digest': digest('training'),
      'data.test_digest': digest('test'),
      'model.calibration': 'none',
      'model.name': expect.any(String) as string,
      'signature.digest': expect.stringMatching(
        new RegExp(`^${name.slice(-8)}[0-9a-f]{56}$`),
      ) as string,
    });
    const { runs } = await tracker.searchRuns({
      filter: `datasets.digest = '${version.tags['data.train_digest']}'`,
    });
    expect(runs.map((r) => r.info.runId)).toContain(csv.runId);
    const [logged] = await tracker.listLoggedModels(version.runId);
    expect(logged.signature).toEqual({
      inputs: ['a', 'b', 'c', 'd', 'e'].map((n) => ({ name: n, type: 'double' })),
      outputs: ['r', 's', 't'].map((n) => ({ name: n, type: 'double' })),
    });
    expect(logged.metrics.test_accuracy).toBe(csv.testAccuracy);
    const model = await loadModel<Classifier>(`models:/${name}@champion`, { tracker });
    const X = denseMatrix(2, 5, Float64Array.from(blobs.X.data.subarray(0, 10)));
    expect(model.predictProba(X).cols).toBe(3);
    expect([...model.predict(X)]).toEqual([blobs.y[0], blobs.y[1]]);
  }, 300_000);

  it('takes a configured name, and refuses one that no models:/ URI can hold', async () => {
    track();
    const named = await run(['data.dim=2', 'registry.name=my-model']);
    expect(named.registration?.name).toBe('my-model');
    expect(await champion('my-model')).toBe(1);
    await expect(run(['registry.name=a/b'])).rejects.toThrow(PipelineConfigError);
    await expect(run(['registry.name=a/b'])).rejects.toThrow(/registry\.name/);
  }, 300_000);
});
