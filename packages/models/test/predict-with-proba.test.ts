import { afterEach, describe, expect, it, vi } from 'vitest';
import { makeBlobs } from '../src/data/blobs.js';
import { VotingClassifier } from '../src/ensemble/voting.js';
import { predictWithProba } from '../src/estimators/base.js';
import type { Classifier } from '../src/estimators/classifier.js';
import { KNeighborsClassifier } from '../src/estimators/knn.js';
import { LogisticRegression } from '../src/estimators/logistic.js';
import { GaussianNB } from '../src/estimators/naive-bayes.js';
import { SVC } from '../src/estimators/svm.js';
import { Pipeline } from '../src/features/estimator-pipeline.js';
import { StandardScaler } from '../src/features/scaler.js';
import { evaluateModel } from '../src/pipeline/evaluation.js';

afterEach(() => vi.restoreAllMocks());

const data = makeBlobs({ n: 400, dim: 3, k: 3, std: 3, seed: 5 });
const test = {
  ...makeBlobs({ n: 300, dim: 3, k: 3, std: 3, seed: 6 }),
  featureNames: ['x', 'y', 'z'],
};
const scaled = (model: Classifier) =>
  new Pipeline({
    steps: [
      ['scale', new StandardScaler()],
      ['model', model],
    ],
  });

describe('predictWithProba', () => {
  it('takes the labels from the probabilities in one model pass when predict is their arg-max', () => {
    const vote = new VotingClassifier({
      estimators: [
        { name: 'knn', estimator: new KNeighborsClassifier({ nNeighbors: 15 }) },
        { name: 'logistic', estimator: scaled(new LogisticRegression()) },
      ],
    }).fit(data.X, data.y);
    expect(vote.predictsArgmax).toBe(true);
    const expected = vote.predict(test.X);
    const proba = vi.spyOn(vote, 'predictProba');
    const predict = vi.spyOn(vote, 'predict');
    const { labels } = predictWithProba(vote, test.X);
    expect([...labels]).toEqual([...expected]);
    expect(proba).toHaveBeenCalledTimes(1);
    expect(predict).not.toHaveBeenCalled();
    // The pipeline's evaluation predicts the same way: one pass for both.
    const evaluation = evaluateModel(vote, test);
    expect(proba).toHaveBeenCalledTimes(2);
    expect(predict).not.toHaveBeenCalled();
    expect(evaluation.metrics.accuracy).toBe(
      expected.filter((label, i) => label === test.y[i]).length / test.y.length,
    );
  });

  it('asks predict when it decides otherwise: SVC votes, naive Bayes log-likelihoods, hard voting', () => {
    const svc = scaled(new SVC({ seed: 1 })).fit(data.X, data.y);
    const nb = new GaussianNB().fit(data.X, data.y);
    const hard = new VotingClassifier({
      estimators: [{ name: 'nb', estimator: new GaussianNB() }],
      voting: 'hard',
    });
    expect([svc.predictsArgmax, nb.predictsArgmax, hard.predictsArgmax]).toEqual([
      false,
      false,
      false,
    ]);
    for (const model of [svc, nb]) {
      const predict = vi.spyOn(model, 'predict');
      const { labels } = predictWithProba(model, test.X);
      expect(predict).toHaveBeenCalledTimes(1);
      expect([...labels]).toEqual([...model.predict(test.X)]);
    }
  });
});
