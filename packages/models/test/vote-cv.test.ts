import { describe, expect, it } from 'vitest';
import { makeBlobs } from '../src/data/blobs.js';
import { VotingClassifier } from '../src/ensemble/voting.js';
import { crossValidate } from '../src/selection/cross-validate.js';
import { StratifiedKFold } from '../src/selection/stratified-kfold.js';
import { defaultPipelineConfig, type ModelFamily } from '../src/pipeline/config.js';
import { searchFamily } from '../src/pipeline/family-search.js';
import { stratifiedSample } from '../src/pipeline/splits.js';
import { crossValidateVote } from '../src/pipeline/vote-cv.js';
import { cartesianPlan } from './core-fixtures.js';

const plan = cartesianPlan();

function setup(maxSamples = 20_000) {
  const train = {
    ...makeBlobs({ n: 900, dim: 3, k: 4, std: 4, seed: 21 }),
    featureNames: ['x', 'y', 'z'],
  };
  const config = defaultPipelineConfig();
  config.search.folds = 4;
  config.search.maxSamples = maxSamples;
  config.models.knn.nNeighbors = [5, 25];
  const search = (family: ModelFamily) =>
    searchFamily(family, config.models[family], train, plan, config.search);
  return { train, config, search };
}

describe('crossValidateVote (the CV score of a voting ensemble)', () => {
  it('of one member is that member’s own search score: the same folds, the same tuned model', () => {
    const { train, config, search } = setup();
    for (const family of ['knn', 'logistic'] as const) {
      const member = search(family);
      const vote = crossValidateVote([member], train, config);
      expect(vote.foldScores).toEqual(member.foldScores);
      expect(vote.score).toBeCloseTo(member.cvScore, 12);
      expect(vote.std).toBeCloseTo(member.cvStd, 12);
      expect(vote.rows).toBe(train.X.rows);
    }
  });

  it('of several members is the soft vote’s own score on those folds, not its best member’s', () => {
    const { train, config, search } = setup();
    const members = (['gaussian_nb', 'knn', 'logistic'] as const).map(search);
    const vote = crossValidateVote(members, train, config);
    // Independently: the soft vote of the tuned pipelines, cross-validated on the search folds.
    const ensemble = new VotingClassifier({
      estimators: members.map((m) => ({ name: m.family, estimator: m.model.withParams({}) })),
      voting: 'soft',
    });
    const cv = new StratifiedKFold({ nSplits: 4, shuffle: true, seed: config.search.seed });
    const expected = [...crossValidate(ensemble, train.X, train.y, { cv }).testScore];
    expect(vote.foldScores).toEqual(expected);
    expect(vote.score).toBeCloseTo(expected.reduce((s, v) => s + v, 0) / 4, 12);
    // The fold scores differ from every member's (it is not a relabelled member score).
    for (const m of members) expect(vote.foldScores).not.toEqual(m.foldScores);
  });

  it('draws its folds from the sample of the member with the smallest row cap', () => {
    const { train, config, search } = setup();
    config.models.logistic.maxSamples = 400;
    const members = [search('knn'), search('logistic')];
    const vote = crossValidateVote(members, train, config);
    expect(vote.rows).toBe(400);
    expect(stratifiedSample(train, 400, config.search.seed, 4).X.rows).toBe(400);
  });
});
