import { afterEach, describe, expect, it } from 'vitest';
import {
  cacheInfo,
  configure,
  createMemoryCacheStore,
  resetConfiguration,
  silentLogger,
} from '@tideflow/core';
import { makeBlobs } from '../src/data/blobs.js';
import { trainTestSplit } from '../src/data/split.js';
import { ClusteringPipeline } from '../src/pipeline/clustering-pipeline.js';
import { resolvePipelineConfig } from '../src/pipeline/config-load.js';
import { applySplit, splitData, splitRows, stratifiedSample } from '../src/pipeline/splits.js';
import { defaultPipelineConfig } from '../src/pipeline/config.js';
import { searchFamily } from '../src/pipeline/family-search.js';
import { Pipeline } from '../src/features/estimator-pipeline.js';
import { StandardScaler } from '../src/features/scaler.js';
import { crossValidate } from '../src/selection/cross-validate.js';
import { StratifiedKFold } from '../src/selection/stratified-kfold.js';
import { GaussianNB } from '../src/estimators/naive-bayes.js';
import { cartesianPlan } from './core-fixtures.js';

afterEach(() => resetConfiguration());

describe('the split as row indices', () => {
  it('gives the same parts as splitting the data set step by step', () => {
    const data = { ...makeBlobs({ n: 900, dim: 3, k: 3, seed: 4 }), featureNames: ['x', 'y', 'z'] };
    const options = { testSize: 0.2, calibrationSize: 0.25, seed: 7 };
    // The composition the pipeline used before: split datasets, then split the parts again.
    const parts = trainTestSplit(data, { testSize: 0.2, stratify: true, seed: 7 });
    const held = trainTestSplit(parts.train, { testSize: 0.25, stratify: true, seed: 8 });
    const halves = trainTestSplit(held.test, { testSize: 0.5, stratify: true, seed: 9 });
    const splits = splitData(data, null, options);
    expect(splits.train).toEqual(held.train);
    expect(splits.calibration).toEqual(halves.train);
    expect(splits.conformal).toEqual(halves.test);
    expect(splits.test).toEqual(parts.test);
    const rows = splitRows(data, null, options);
    const all = [...rows.train, ...rows.calibration, ...rows.conformal, ...rows.test!].sort(
      (a, b) => a - b,
    );
    expect(all).toEqual(Array.from({ length: 900 }, (_, i) => i));
    // A given test set is kept as it is.
    const given = splitRows(data, parts.test, options);
    expect(given.test).toBeNull();
    expect(applySplit(data, parts.test, given).test).toBe(parts.test);
  });

  it('keeps the data in the task cache once: the split entry is a small fraction of the data entry', async () => {
    const store = createMemoryCacheStore();
    configure({ tracker: false, cacheStore: store, logger: silentLogger });
    const config = await resolvePipelineConfig({
      set: [
        'data.n=4000',
        'search.folds=2',
        'models.knn.nNeighbors=[15]',
        'models.knn.weights=[uniform]',
        'models.logistic.C=[1]',
        'models.svc.enabled=false',
        'models.random_forest.enabled=false',
        'explain.shapRows=20',
        'explain.shapBackground=10',
        'tsne.enabled=false',
      ],
    });
    await new ClusteringPipeline().run(config);
    const info = await cacheInfo(store);
    const bytes = (task: string) => info.tasks.find((t) => t.task === task)!.bytes;
    const data = bytes('ClusteringPipeline.generateData');
    // Indices are 4 bytes a row against 3 × 8 bytes of features and 4 of label: well under a fifth.
    expect(bytes('ClusteringPipeline.split')).toBeLessThan(data / 5);
  }, 120_000);
});

describe('a family capped by maxSamples', () => {
  it('is searched and refitted on a seeded stratified sample of that many rows', () => {
    const train = {
      ...makeBlobs({ n: 3000, dim: 3, k: 3, seed: 6 }),
      featureNames: ['x', 'y', 'z'],
    };
    const plan = cartesianPlan(false);
    const config = defaultPipelineConfig();
    const search = { ...config.search, folds: 2 };
    const theta = (maxSamples: number | null) =>
      (
        (
          searchFamily(
            'gaussian_nb',
            { ...config.models.gaussian_nb, maxSamples },
            train,
            plan,
            search,
          ).model as Pipeline
        ).classifier as GaussianNB
      ).fitted.theta;
    const sample = stratifiedSample(train, 400, search.seed);
    expect(theta(400)).toEqual(new GaussianNB().fit(sample.X, sample.y).fitted.theta);
    expect(theta(null)).toEqual(new GaussianNB().fit(train.X, train.y).fitted.theta);
    expect(config.models.random_forest.maxSamples).toBe(100_000);
    expect(config.models.svc.maxSamples).toBe(3_000);
  });
});

describe('a search sample of data with a rare class', () => {
  /** 2,000 rows of two classes and `rare` rows of a third: a 100-row proportional sample keeps few of them. */
  function rareClassData(rareRows = 6) {
    const blobs = makeBlobs({ n: 3000, dim: 2, k: 3, seed: 12 });
    const rows = [...blobs.y.keys()];
    const rare = rows.filter((i) => blobs.y[i] === 2).slice(0, rareRows);
    const keep = Int32Array.from([...rows.filter((i) => blobs.y[i] !== 2).slice(0, 2000), ...rare]);
    const X = { rows: keep.length, cols: 2, data: new Float64Array(keep.length * 2) };
    keep.forEach((r, i) => X.data.set(blobs.X.data.subarray(r * 2, r * 2 + 2), i * 2));
    return {
      X,
      y: Int32Array.from(keep, (r) => blobs.y[r]),
      featureNames: ['x', 'y'],
      classNames: blobs.classNames,
    };
  }
  const count = (y: Int32Array, c: number) => y.filter((v) => v === c).length;

  it('keeps at least the asked rows of every class, and the sample size', () => {
    const data = rareClassData();
    expect(count(stratifiedSample(data, 100, 11).y, 2)).toBeLessThan(5);
    const sample = stratifiedSample(data, 100, 11, 5);
    expect(sample.X.rows).toBe(100);
    expect(count(sample.y, 2)).toBe(5);
    expect(count(sample.y, 0) + count(sample.y, 1)).toBe(95);
    // Seeded: the same rows again.
    expect(stratifiedSample(data, 100, 11, 5)).toEqual(sample);
    // A class with fewer rows than asked keeps all of them.
    expect(count(stratifiedSample(data, 100, 11, 8).y, 2)).toBe(6);
  });

  it('lets the search score 5 folds that all hold the rare class (search.maxSamples below the data)', () => {
    // 30 of 2,030 rows: a 100-row proportional sample has 2, so 3 of 5 test folds would have none.
    const data = rareClassData(30);
    const config = defaultPipelineConfig();
    const plan = cartesianPlan(true);
    const search = { ...config.search, maxSamples: 100, scoring: 'neg_log_loss' as const };
    expect(count(stratifiedSample(data, 100, search.seed).y, 2)).toBe(2);
    const result = searchFamily('gaussian_nb', config.models.gaussian_nb, data, plan, search);
    // The folds are those of a sample with 5 rows of the rare class: one in each test fold.
    const sample = stratifiedSample(data, 100, search.seed, 5);
    const cv = new StratifiedKFold({ nSplits: 5, shuffle: true, seed: search.seed });
    expect(cv.split(sample.y).every((f) => f.test.some((r) => sample.y[r] === 2))).toBe(true);
    const model = new Pipeline({
      steps: [
        ['scale', new StandardScaler()],
        ['model', new GaussianNB()],
      ],
    });
    const expected = crossValidate(model, sample.X, sample.y, { cv, scoring: search.scoring });
    expect(result.foldScores).toEqual([...expected.testScore]);
    expect([...result.model.classes]).toEqual([0, 1, 2]);
  });
});
