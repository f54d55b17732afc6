import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  MemoryTracker,
  configure,
  createMemoryCacheStore,
  engineEvents,
  loadModel,
  resetConfiguration,
  silentLogger,
  type EngineEvent,
} from '@tideflow/core';
import {
  ClusteringPipeline,
  PIPELINE_SCHEMA,
  denseMatrix,
  PipelineConfigError,
  describeLeaf,
  leaves,
  makeBlobs,
  resolvePipelineConfig,
  writeCsv,
  type Classifier,
  type PipelineConfig,
} from '../src/index.js';

afterEach(() => {
  resetConfiguration();
  engineEvents.clear();
});

/** A small but complete configuration: every stage runs, in seconds. */
function small(extra: string[] = []): Promise<PipelineConfig> {
  return resolvePipelineConfig({
    set: [
      'data.n=1200',
      'data.dim=3',
      'data.k=4',
      'search.folds=3',
      'models.knn.nNeighbors=[5,15]',
      'models.knn.weights=[uniform]',
      'models.logistic.C=[1]',
      'models.random_forest.nEstimators=[15]',
      'models.svc.enabled=false',
      'explain.shapRows=40',
      'explain.shapBackground=20',
      'explain.permutationRepeats=2',
      'tsne.sample=150',
      ...extra,
    ],
  });
}

/** Final task states by task name (with the family for searches) of one run. */
function recordTasks(): { states: () => Map<string, string[]>; stop: () => void } {
  const seen: EngineEvent[] = [];
  const stop = engineEvents.subscribe((e) => seen.push(e));
  return {
    stop,
    states: () => {
      const out = new Map<string, string[]>();
      for (const e of seen) {
        if (e.type !== 'run.state' || e.run.kind !== 'task' || !e.state.isFinal()) continue;
        const family = e.run.parameters.family;
        const name =
          e.run.name.replace('ClusteringPipeline.', '') +
          (typeof family === 'string' ? `[${family}]` : '');
        out.set(name, [...(out.get(name) ?? []), e.state.type]);
      }
      return out;
    },
  };
}

describe('ClusteringPipeline', () => {
  it('runs end to end, tracks the run and caches every task: a rerun is all hits, a changed grid reruns only its subflow', async () => {
    const tracker = new MemoryTracker();
    configure({ tracker, cacheStore: createMemoryCacheStore(), logger: silentLogger });
    const pipeline = new ClusteringPipeline();

    const first = recordTasks();
    const result = await pipeline.run(await small());
    first.stop();
    expect(result.testAccuracy).toBeGreaterThan(0.75);
    expect(result.families.map((f) => f.family)).toEqual([
      'knn',
      'gaussian_nb',
      'logistic',
      'random_forest',
    ]);
    expect(result.conformalCoverage).toBeGreaterThan(0.8);
    expect(result.html).toContain('<svg');
    expect(result.html).toContain('t-SNE');
    const firstStates = first.states();
    expect([...firstStates.values()].flat().every((s) => s === 'COMPLETED')).toBe(true);
    expect(firstStates.get('searchFamily[knn]')).toEqual(['COMPLETED']);

    const run = await tracker.getRun(result.runId!);
    expect(run.info.status).toBe('FINISHED');
    expect(run.data.metrics.test_accuracy).toBeCloseTo(result.testAccuracy, 12);
    expect(run.data.tags.model).toBe(result.model);
    expect((await tracker.listArtifacts(result.runId!)).map((a) => a.path)).toContain(
      'report.html',
    );
    const name = result.registration!.name;
    expect((await tracker.getModelVersion(name, 'champion')).runId).toBe(result.runId);
    // The data it used are inputs of the top-level run, found again by their digest.
    const inputs = await tracker.getRunInputs(result.runId!);
    expect(inputs.map((i) => [i.dataset.name, i.context])).toEqual([
      ['blobs', 'training'],
      ['blobs', 'calibration'],
      ['blobs', 'conformal'],
      ['blobs', 'test'],
    ]);
    const trainDigest = inputs[0].dataset.digest;
    // The registered model loads in one call and predicts the pipeline's raw input columns.
    const champion = await loadModel<Classifier>(`models:/${name}@champion`, { tracker });
    const rows = denseMatrix(2, 3, Float64Array.of(0.1, 0.2, 0.3, 5, -4, 2));
    expect(champion.predict(rows)).toHaveLength(2);
    expect(champion.predictProba(rows).rows).toBe(2);

    const second = recordTasks();
    const again = await pipeline.run(await small());
    second.stop();
    const secondStates = [...second.states().values()].flat();
    expect(secondStates.length).toBe([...firstStates.values()].flat().length);
    expect(secondStates.every((s) => s === 'CACHED')).toBe(true);
    expect(again.testAccuracy).toBe(result.testAccuracy);
    // The cached rerun logs the same model bytes: the registry keeps one version.
    expect((await tracker.getModelVersion(name, 'latest')).version).toBe(1);
    expect(again.registration?.summary).toMatch(
      /^champion stays v1 \([\d.]+\): an identical model$/,
    );
    // Which runs used this training data? One search.
    const used = await tracker.searchRuns({ filter: `datasets.digest = '${trainDigest}'` });
    expect(used.runs.map((r) => r.info.runId)).toEqual([again.runId, result.runId]);

    const third = recordTasks();
    await pipeline.run(await small(['models.knn.nNeighbors=[5,31]']));
    third.stop();
    const thirdStates = third.states();
    expect(thirdStates.get('searchFamily[knn]')).toEqual(['COMPLETED']);
    for (const family of ['gaussian_nb', 'logistic', 'random_forest']) {
      expect(thirdStates.get(`searchFamily[${family}]`)).toEqual(['CACHED']);
    }
    for (const upstream of ['generateData', 'split', 'compareCoordinates']) {
      expect(thirdStates.get(upstream)).toEqual(['CACHED']);
    }
    expect(thirdStates.get('finalizeModel')).toEqual(['COMPLETED']);
  }, 300_000);

  it('gives identical metrics as plain code (TIDEFLOW_DISABLED)', async () => {
    configure({ tracker: false, cacheStore: createMemoryCacheStore(), logger: silentLogger });
    const config = await small(['data.dim=2', 'tsne.enabled=false', 'strategy=best']);
    const engine = await new ClusteringPipeline().run(config);
    configure({ enabled: false });
    const plain = await new ClusteringPipeline().run(config);
    expect(plain.runId).toBeUndefined();
    expect(plain.model).toBe(engine.model);
    expect(plain.testAccuracy).toBe(engine.testAccuracy);
    expect(plain.testLogLoss).toBe(engine.testLogLoss);
    expect(plain.conformalCoverage).toBe(engine.conformalCoverage);
    expect(plain.evaluation).toEqual(engine.evaluation);
  }, 300_000);
});

describe('feature options and wide data', () => {
  it('runs polar coordinates with derived features and k-best selection', async () => {
    configure({ tracker: false, cacheStore: createMemoryCacheStore(), logger: silentLogger });
    const config = await small([
      'data.dim=2',
      'features.coordinates=polar',
      'features.derived=true',
      'features.selection=kbest',
      'features.k=3',
      'strategy=best',
      'tsne.enabled=false',
    ]);
    const result = await new ClusteringPipeline().run(config);
    expect(result.features).toMatchObject({
      coordinates: 'polar',
      derived: true,
      selection: 'kbest',
    });
    expect(result.testAccuracy).toBeGreaterThan(0.75);
    // Explanations stay in the input features: the transforms are inside the exported model.
    expect(result.explanations.features).toEqual(['x', 'y']);
  }, 300_000);

  it('reads a 14-feature CSV: no polar coordinates, FRESH selection, Kernel SHAP beyond 12 features', async () => {
    configure({ tracker: false, cacheStore: createMemoryCacheStore(), logger: silentLogger });
    const dir = mkdtempSync(join(tmpdir(), 'tideflow-wide-'));
    const blobs = makeBlobs({ n: 700, dim: 14, k: 3, std: 2, seed: 9 });
    await writeCsv(
      join(dir, 'wide.csv'),
      { ...blobs, featureNames: blobs.featureNames, classNames: ['a', 'b', 'c'] },
      { label: 'kind' },
    );
    const config = await small([
      `data.path=${JSON.stringify(join(dir, 'wide.csv'))}`,
      'data.label=kind',
      'features.selection=fresh',
      'models.knn.enabled=false',
      'models.random_forest.enabled=false',
      'explain.shapRows=10',
      'explain.shapBackground=10',
    ]);
    const result = await new ClusteringPipeline().run(config);
    expect(result.features.coordinates).toBe('cartesian');
    expect(result.features.coordinateScores).toBeUndefined();
    expect(result.explanations.shapAlgorithm).toBe('kernel');
    expect(result.explanations.features).toHaveLength(14);
    expect(result.testAccuracy).toBeGreaterThan(0.9);
    await expect(
      new ClusteringPipeline().run(
        await small([
          `data.path=${JSON.stringify(join(dir, 'wide.csv'))}`,
          'features.coordinates=polar',
        ]),
      ),
    ).rejects.toThrow(
      /"features.coordinates": polar\/spherical coordinates need 2 or 3 features, the data has 14/,
    );
    rmSync(dir, { recursive: true, force: true });
  }, 300_000);
});

describe('pipeline configuration', () => {
  it('is documented key by key in docs/configuration.md (regenerate with npm run docs:config)', () => {
    const doc = readFileSync(new URL('../../../docs/configuration.md', import.meta.url), 'utf8');
    for (const { key, spec } of leaves(PIPELINE_SCHEMA)) {
      const fallback = spec.default === null ? 'null' : JSON.stringify(spec.default);
      expect(doc).toContain(
        `| \`${key}\` | \`${fallback}\` | ${describeLeaf(spec)} | ${spec.doc} |`,
      );
    }
  });

  it('names the key and the allowed values', async () => {
    await expect(resolvePipelineConfig({ set: ['strategy=median'] })).rejects.toThrow(
      'Invalid configuration at "strategy": expected one of "best", "voting", got "median".',
    );
    await expect(resolvePipelineConfig({ set: ['models.knn.nNeighbors=[0]'] })).rejects.toThrow(
      /"models.knn.nNeighbors\[0\]": expected an integer ≥ 1, got 0/,
    );
    await expect(resolvePipelineConfig({ set: ['models.knn.colour=red'] })).rejects.toThrow(
      /unknown key; the keys here are enabled, search, nIter, maxSamples, nNeighbors, weights/,
    );
    await expect(resolvePipelineConfig({ overrides: { data: { source: 'csv' } } })).rejects.toThrow(
      PipelineConfigError,
    );
    const config = await resolvePipelineConfig({
      set: ['models.knn.weights=[uniform, distance]', 'data.path=x.csv', 'data.label=species'],
    });
    expect(config.models.knn.weights).toEqual(['uniform', 'distance']);
    expect(config.data.label).toBe('species');
  });

  it('rejects unknown task overrides before running', async () => {
    configure({ tracker: false, logger: silentLogger });
    const config = await small(['tsne.enabled=false']);
    config.tasks = { 'ClusteringPipeline.nope': { retries: 1 } };
    await expect(new ClusteringPipeline().run(config)).rejects.toThrow(
      /tasks.ClusteringPipeline.nope": unknown task/,
    );
    config.tasks = { 'ClusteringPipeline.searchFamily': { retry: 1 } as never };
    await expect(new ClusteringPipeline().run(config)).rejects.toThrow(/unknown task option/);
  });
});
