import { describe, expect, it } from 'vitest';
import { defaultSerializers } from '@tideflow/core';
import {
  GaussianNB,
  GridSearchCV,
  InvalidParameterError,
  KNeighborsClassifier,
  NotFittedError,
  Pipeline,
  RandomizedSearchCV,
  StandardScaler,
  StratifiedKFold,
  accuracy,
  crossValidate,
  cvResultsRows,
  estimatorFromJSON,
  expandGrid,
  logLoss,
  logUniform,
  randInt,
  sampleParams,
  takeRows,
  uniform,
} from '../src/index.js';
import { loadData, maxDiff } from './core-fixtures.js';

const subsetY = (y: Int32Array, idx: Int32Array) => Int32Array.from(idx, (i) => y[i]);

describe('crossValidate', () => {
  it('scores fresh copies on each stratified fold, for several scorers', async () => {
    const data = await loadData('blobs3d_5k.train');
    const r = crossValidate(new GaussianNB(), data.X, data.y, {
      cv: 5,
      scoring: ['accuracy', 'neg_log_loss'],
      returnTrainScore: true,
      returnEstimator: true,
    });
    const splits = new StratifiedKFold({ nSplits: 5 }).split(data.y);
    splits.forEach(({ train, test }, f) => {
      const nb = new GaussianNB().fit(takeRows(data.X, train), subsetY(data.y, train));
      const Xt = takeRows(data.X, test);
      const yt = subsetY(data.y, test);
      expect(r.testScores.accuracy[f]).toBe(accuracy(yt, nb.predict(Xt)));
      expect(r.testScores.neg_log_loss[f]).toBe(-logLoss(yt, nb.predictProba(Xt)));
      expect(r.trainScores!.accuracy[f]).toBe(
        accuracy(subsetY(data.y, train), nb.predict(takeRows(data.X, train))),
      );
    });
    expect(r.testScore).toBe(r.testScores.accuracy);
    expect(r.estimators).toHaveLength(5);
    expect(r.fitTime.every((t) => t >= 0)).toBe(true);
    expect(r.scoreTime.length).toBe(5);
  });

  it('accepts explicit splits and custom scorers, and never fits the given estimator', async () => {
    const data = await loadData('blobs2d_5k.train');
    const nb = new GaussianNB();
    const splits = new StratifiedKFold({ nSplits: 3, shuffle: true, seed: 4 }).split(data.y);
    const r = crossValidate(nb, data.X, data.y, { cv: splits, scoring: { one: () => 1 } });
    expect(Array.from(r.testScores.one)).toEqual([1, 1, 1]);
    expect(nb.isFitted).toBe(false);
    expect(() => crossValidate(nb, data.X, data.y, { scoring: 'f3' as never })).toThrow(
      InvalidParameterError,
    );
  });
});

describe('parameter grids and samplers', () => {
  it('expands grids like scikit-learn ParameterGrid (sorted keys, last fastest)', () => {
    expect(expandGrid({ b: [1, 2], a: ['x', 'y'] })).toEqual([
      { a: 'x', b: 1 },
      { a: 'x', b: 2 },
      { a: 'y', b: 1 },
      { a: 'y', b: 2 },
    ]);
    expect(expandGrid([{ a: [1] }, { b: [2, 3] }])).toEqual([{ a: 1 }, { b: 2 }, { b: 3 }]);
    expect(() => expandGrid({ a: [] })).toThrow(/non-empty array/);
  });

  it('samples reproducibly, within distributions, and without replacement from pure lists', () => {
    const dists = { C: logUniform(0.01, 100), k: randInt(1, 5), w: ['a', 'b'], x: uniform(-1, 1) };
    const a = sampleParams(dists, 200, 3);
    expect(a).toEqual(sampleParams(dists, 200, 3));
    expect(a).not.toEqual(sampleParams(dists, 200, 4));
    for (const p of a) {
      expect(p.C as number).toBeGreaterThanOrEqual(0.01);
      expect(p.C as number).toBeLessThan(100);
      expect([1, 2, 3, 4]).toContain(p.k);
      expect(['a', 'b']).toContain(p.w);
      expect(Math.abs(p.x as number)).toBeLessThanOrEqual(1);
    }
    const small = (a as { C: number }[]).filter((p) => p.C < 1).length;
    expect(small).toBeGreaterThan(60); // log-uniform: half of the draws below 1
    const lists = sampleParams({ a: [1, 2, 3], b: [4, 5] }, 50, 0);
    expect(lists).toHaveLength(6);
    expect(new Set(lists.map((p) => JSON.stringify(p))).size).toBe(6);
    expect(() => logUniform(0, 1)).toThrow(InvalidParameterError);
    expect(() => uniform(2, 1)).toThrow(/low < high/);
  });
});

describe('GridSearchCV', () => {
  it('cross-validates every candidate, ranks them and refits the best', async () => {
    const data = await loadData('blobs3d_5k.train');
    const search = new GridSearchCV({
      estimator: new KNeighborsClassifier(),
      paramGrid: { nNeighbors: [1, 15, 45], weights: ['uniform'] },
      cv: 5,
    }).fit(data.X, data.y);
    const r = search.cvResults;
    expect(r.params).toEqual([1, 15, 45].map((k) => ({ nNeighbors: k, weights: 'uniform' })));
    r.params.forEach((p, c) => {
      const cv = crossValidate(new KNeighborsClassifier(p), data.X, data.y, { cv: 5 });
      expect(r.splitTestScores.map((col) => col[c])).toEqual(Array.from(cv.testScore));
      expect(r.meanTestScore[c]).toBeCloseTo(cv.testScore.reduce((a, b) => a + b) / 5, 14);
    });
    expect(r.meanTestScore[0]).toBeLessThan(r.meanTestScore[1]);
    const best = r.rankTestScore.indexOf(1);
    expect(search.bestIndex).toBe(best);
    expect(search.bestScore).toBe(Math.max(...r.meanTestScore));
    expect(Array.from(r.rankTestScore).sort()).toEqual([1, 2, 3]);
    expect(r.stdTestScore.every((s) => s >= 0 && s < 0.05)).toBe(true);
    expect(r.meanFitTime.every((t) => t >= 0)).toBe(true);
    const refit = new KNeighborsClassifier(search.bestParams).fit(data.X, data.y);
    expect(search.predict(data.X)).toEqual(refit.predict(data.X));
    expect(Array.from(search.classes)).toEqual([0, 1, 2, 3, 4, 5]);
    const rows = cvResultsRows(r);
    expect(rows[0]).toMatchObject({ param_nNeighbors: 1, rank_test_score: r.rankTestScore[0] });
    expect(Object.keys(rows[0])).toEqual(
      expect.arrayContaining([
        'params',
        'split4_test_score',
        'mean_test_score',
        'std_test_score',
        'mean_fit_time',
        'std_score_time',
      ]),
    );
  });

  it('tunes nested pipeline parameters and reports training scores', async () => {
    const data = await loadData('blobs2d_5k.train');
    const pipe = new Pipeline({
      steps: [
        ['scale', new StandardScaler()],
        ['knn', new KNeighborsClassifier()],
      ],
    });
    const search = new GridSearchCV({
      estimator: pipe,
      paramGrid: { knn__nNeighbors: [3, 31] },
      cv: { nSplits: 3, shuffle: true, seed: 1 },
      scoring: 'neg_log_loss',
      returnTrainScore: true,
    }).fit(data.X, data.y);
    expect(search.bestParams).toEqual({ knn__nNeighbors: 31 });
    expect(search.bestEstimator).toBeInstanceOf(Pipeline);
    expect(search.cvResults.meanTrainScore!.length).toBe(2);
    expect(search.bestScore).toBeLessThan(0);
    expect(pipe.isFitted).toBe(false);
  });

  it('round-trips fitted through JSON text and the tideflow serializer', async () => {
    const data = await loadData('blobs2d_5k.train');
    const search = new GridSearchCV({
      estimator: new GaussianNB(),
      paramGrid: { varSmoothing: [1e-9, 1e-3] },
      cv: 3,
    }).fit(data.X, data.y);
    const a = estimatorFromJSON(JSON.parse(JSON.stringify(search))) as GridSearchCV;
    const b = defaultSerializers.deserialize(defaultSerializers.serialize(search)) as GridSearchCV;
    for (const s of [a, b]) {
      expect(s).toBeInstanceOf(GridSearchCV);
      expect(s.bestParams).toEqual(search.bestParams);
      expect(maxDiff(s.cvResults.meanTestScore, search.cvResults.meanTestScore)).toBe(0);
      expect(maxDiff(s.predictProba(data.X).data, search.predictProba(data.X).data)).toBe(0);
    }
  });

  it('refuses bad parameters before fitting anything, and answers NotFittedError before fit', async () => {
    const data = await loadData('blobs2d_5k.train');
    const bad = new GridSearchCV({
      estimator: new KNeighborsClassifier(),
      paramGrid: { nNeighbors: [5, -1] },
    });
    expect(() => bad.fit(data.X, data.y)).toThrow(
      /KNeighborsClassifier: invalid parameter "nNeighbors"/,
    );
    expect(
      () => new GridSearchCV({ estimator: new GaussianNB(), paramGrid: { varSmoothing: [] } }),
    ).toThrow(InvalidParameterError);
    expect(
      () =>
        new GridSearchCV({ estimator: new GaussianNB(), paramGrid: {}, scoring: 'nope' as never }),
    ).toThrow(/unknown scorer/);
    expect(() => new GridSearchCV({ estimator: null as never, paramGrid: {} })).toThrow(
      /must be a classifier/,
    );
    expect(() => bad.bestParams).toThrow(NotFittedError);
    const noRefit = new GridSearchCV({
      estimator: new GaussianNB(),
      paramGrid: { varSmoothing: [1e-9] },
      refit: false,
      cv: 2,
    }).fit(data.X, data.y);
    expect(noRefit.bestScore).toBeGreaterThan(0.9);
    expect(() => noRefit.predict(data.X)).toThrow(/refit: false/);
  });
});

describe('RandomizedSearchCV', () => {
  it('tries nIter seeded candidates and picks the best mean score', async () => {
    const data = await loadData('blobs2d_5k.train');
    const make = (seed: number) =>
      new RandomizedSearchCV({
        estimator: new KNeighborsClassifier(),
        paramDistributions: { nNeighbors: randInt(1, 60), weights: ['uniform', 'distance'] },
        nIter: 4,
        seed,
        cv: 3,
      }).fit(data.X, data.y);
    const a = make(11);
    expect(a.cvResults.params).toHaveLength(4);
    expect(a.cvResults.params).toEqual(make(11).cvResults.params);
    expect(a.bestScore).toBe(Math.max(...a.cvResults.meanTestScore));
    const json = estimatorFromJSON(JSON.parse(JSON.stringify(a))) as RandomizedSearchCV;
    expect(json.bestParams).toEqual(a.bestParams);
    expect(
      () =>
        new RandomizedSearchCV({ estimator: new GaussianNB(), paramDistributions: {}, nIter: 0 }),
    ).toThrow(/nIter/);
  });
});
