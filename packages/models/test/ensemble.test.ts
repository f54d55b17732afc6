import { defaultSerializers } from '@tideflow/core';
import { describe, expect, it } from 'vitest';
import { fromRows } from '../src/data/matrix.js';
import { selectBestModel } from '../src/ensemble/select-best.js';
import { VotingClassifier } from '../src/ensemble/voting.js';
import type { Classifier } from '../src/estimators/classifier.js';
import { KNeighborsClassifier } from '../src/estimators/knn.js';
import { GaussianNB } from '../src/estimators/naive-bayes.js';
import { estimatorFromJSON } from '../src/estimators/estimator-registry.js';
import { accuracy } from '../src/metrics/classification.js';
import { crossValidate } from '../src/selection/cross-validate.js';
import { loadBlobs, maxAbsDiff, sklearnFixture } from './evaluation-fixtures.js';

const train = loadBlobs('blobs3d_5k.train');
const test = loadBlobs('blobs3d_5k.test');
const members = () => [
  { name: 'gaussian_nb', estimator: new GaussianNB() as Classifier },
  { name: 'knn_k15', estimator: new KNeighborsClassifier({ nNeighbors: 15 }) as Classifier },
];

describe('VotingClassifier', () => {
  it("matches scikit-learn's soft voting (GaussianNB + kNN15, weights 2:1) within 1e-9", () => {
    const fx = sklearnFixture('voting_soft');
    const vote = new VotingClassifier({ estimators: members(), weights: fx.weights }).fit(
      train.X,
      train.y,
    );
    const proba = vote.predictProba(test.X);
    expect(
      maxAbsDiff(proba.data.subarray(0, 300), (fx.predict_proba_test_first50 as number[][]).flat()),
    ).toBeLessThan(1e-9);
    expect(accuracy(test.y, vote.predict(test.X))).toBe(fx.accuracy_test);
  });

  it('hard voting takes the weighted majority, ties going to the lowest class, and has no probabilities', () => {
    // Three constant "classifiers" built from tiny data sets: each always predicts one label.
    const X = fromRows([[0], [1]]);
    const always = (label: number): Classifier =>
      new KNeighborsClassifier({ nNeighbors: 2, weights: 'uniform' }).fit(
        fromRows([[0], [1], [10]]),
        Int32Array.from([label, label, label === 4 ? 5 : 4]),
      );
    const vote = (weights: number[] | null) =>
      new VotingClassifier({
        estimators: [
          { name: 'a', estimator: always(5) },
          { name: 'b', estimator: always(4) },
        ],
        voting: 'hard',
        weights,
        prefit: true,
      }).fit(X, Int32Array.from([4, 5]));
    expect(Array.from(vote(null).predict(X))).toEqual([4, 4]); // 1:1 tie → smaller label
    expect(Array.from(vote([2, 1]).predict(X))).toEqual([5, 5]);
    expect(() => vote(null).predictProba(X)).toThrow(
      expect.objectContaining({ code: 'UNSUPPORTED_OPERATION' }),
    );
  });

  it('hard voting over real members is close to its members', () => {
    const vote = new VotingClassifier({ estimators: members(), voting: 'hard' }).fit(
      train.X,
      train.y,
    );
    expect(accuracy(test.y, vote.predict(test.X))).toBeGreaterThan(0.85);
    expect([...vote.namedEstimators.keys()]).toEqual(['gaussian_nb', 'knn_k15']);
  });

  it('uses prefit members as they are and round-trips through JSON and the serializer', () => {
    const nb = new GaussianNB().fit(train.X, train.y);
    const knn = new KNeighborsClassifier({ nNeighbors: 15 }).fit(train.X, train.y);
    const vote = new VotingClassifier({
      estimators: [
        { name: 'nb', estimator: nb },
        { name: 'knn', estimator: knn },
      ],
      prefit: true,
    }).fit(test.X, test.y);
    expect(vote.namedEstimators.get('nb')).toBe(nb);
    const p = vote.predictProba(test.X);
    const copy = estimatorFromJSON(JSON.parse(JSON.stringify(vote.toJSON()))) as VotingClassifier;
    expect(maxAbsDiff(copy.predictProba(test.X).data, p.data)).toBe(0);
    const viaCache = defaultSerializers.deserialize(
      defaultSerializers.serialize(vote),
    ) as VotingClassifier;
    expect(Array.from(viaCache.predict(test.X))).toEqual(Array.from(vote.predict(test.X)));
  });

  it('refuses empty, duplicate or unfitted members and bad weights', () => {
    expect(() => new VotingClassifier({ estimators: [] })).toThrow(
      expect.objectContaining({ parameter: 'estimators' }),
    );
    expect(() => new VotingClassifier({ estimators: [members()[0], members()[0]] })).toThrow(
      /used twice/,
    );
    expect(() => new VotingClassifier({ estimators: members(), weights: [1] })).toThrow(
      expect.objectContaining({ parameter: 'weights' }),
    );
    expect(() => new VotingClassifier({ estimators: members(), weights: [-1, 2] })).toThrow(
      /non-negative/,
    );
    expect(
      () => new VotingClassifier({ estimators: members(), voting: 'median' as never }),
    ).toThrow(expect.objectContaining({ parameter: 'voting' }));
    expect(() =>
      new VotingClassifier({ estimators: members(), prefit: true }).fit(train.X, train.y),
    ).toThrow(/not fitted/);
  });
});

describe('selectBestModel', () => {
  const candidates = () => [
    { name: 'knn1', estimator: new KNeighborsClassifier({ nNeighbors: 1 }) as Classifier },
    { name: 'nb', estimator: new GaussianNB() as Classifier },
    { name: 'knn15', estimator: new KNeighborsClassifier({ nNeighbors: 15 }) as Classifier },
  ];

  it('ranks candidates by cross-validated score on the same folds and refits the winner', () => {
    const sel = selectBestModel(candidates(), train.X, train.y, { cv: 5 });
    expect(sel.ranking.map((r) => r.rank)).toEqual([1, 2, 3]);
    expect(sel.ranking[0].name).toBe(sel.bestName);
    expect(sel.ranking[2].name).toBe('knn1'); // 1-NN overfits the overlapping blobs
    for (let k = 1; k < 3; k++)
      expect(sel.ranking[k - 1].meanScore).toBeGreaterThanOrEqual(sel.ranking[k].meanScore);
    const nbResult = sel.ranking.find((r) => r.name === 'nb')!;
    const direct = crossValidate(new GaussianNB(), train.X, train.y, { cv: 5 }).testScore;
    expect(Array.from(nbResult.scores)).toEqual(Array.from(direct));
    expect(sel.best.classes.length).toBe(6); // fitted
    expect(accuracy(test.y, sel.best.predict(test.X))).toBeGreaterThan(0.85);
  });

  it('prefers the earlier candidate within the tolerance, and can rank by a lower bound or another scorer', () => {
    const tolerant = selectBestModel(candidates().slice(1), train.X, train.y, {
      tolerance: 0.05,
      refit: false,
    });
    expect(tolerant.bestName).toBe('nb');
    expect(tolerant.best.classes.length).toBe(0); // not refitted
    const cautious = selectBestModel(candidates(), train.X, train.y, {
      criterion: 'lower-bound',
      scoring: 'neg_log_loss',
    });
    const r = cautious.ranking[0];
    expect(r.criterion).toBeCloseTo(r.meanScore - r.stdScore, 12);
    expect(cautious.ranking[2].name).toBe('knn1'); // confident 0/1 mistakes cost it a large log loss
  });

  it('refuses an empty list, duplicate names and bad options', () => {
    expect(() => selectBestModel([], train.X, train.y)).toThrow(
      expect.objectContaining({ parameter: 'candidates' }),
    );
    const twice = [candidates()[1], candidates()[1]];
    expect(() => selectBestModel(twice, train.X, train.y)).toThrow(/used twice/);
    expect(() =>
      selectBestModel(candidates(), train.X, train.y, { criterion: 'median' as never }),
    ).toThrow(expect.objectContaining({ parameter: 'criterion' }));
    expect(() => selectBestModel(candidates(), train.X, train.y, { tolerance: -1 })).toThrow(
      expect.objectContaining({ parameter: 'tolerance' }),
    );
  });
});
