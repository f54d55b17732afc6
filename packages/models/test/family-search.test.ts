import { afterEach, describe, expect, it, vi } from 'vitest';
import { makeBlobs } from '../src/data/blobs.js';
import type { DenseMatrix } from '../src/data/matrix.js';
import { SVC } from '../src/estimators/svm.js';
import { Pipeline } from '../src/features/estimator-pipeline.js';
import { StandardScaler } from '../src/features/scaler.js';
import { scorerUsesProbabilities } from '../src/metrics/scorer.js';
import { defaultPipelineConfig } from '../src/pipeline/config.js';
import { searchFamily } from '../src/pipeline/family-search.js';
import { GridSearchCV } from '../src/selection/search-cv.js';
import { StratifiedKFold } from '../src/selection/stratified-kfold.js';
import { cartesianPlan } from './core-fixtures.js';

afterEach(() => vi.restoreAllMocks());

const train = {
  ...makeBlobs({ n: 240, dim: 3, k: 3, std: 3, seed: 9 }),
  featureNames: ['x', 'y', 'z'],
};

/** Runs the svc family's search with `scoring`, recording `probability` of every SVC fit. */
function searchSvc(scoring: 'accuracy' | 'neg_log_loss') {
  const fits: boolean[] = [];
  const fit = SVC.prototype.fit;
  vi.spyOn(SVC.prototype, 'fit').mockImplementation(function (
    this: SVC,
    X: DenseMatrix,
    y: Int32Array,
  ) {
    fits.push(this.params.probability);
    return fit.call(this, X, y);
  });
  const config = defaultPipelineConfig();
  const search = { ...config.search, scoring };
  const result = searchFamily('svc', config.models.svc, train, cartesianPlan(true), search);
  vi.restoreAllMocks();
  return { result, fits, search };
}

describe('the svc family search', () => {
  it('fits candidates without Platt probabilities when the scoring reads labels, and refits the best with them', () => {
    const { result, fits, search } = searchSvc('accuracy');
    // 2 values of C × 5 folds without probabilities, then the refit with them.
    expect(fits).toEqual([...Array<boolean>(10).fill(false), true]);
    expect(result.model.predictProba(train.X).cols).toBe(3);
    // The same scores as a search whose candidates fit probabilities too.
    const full = new GridSearchCV({
      estimator: new Pipeline({
        steps: [
          ['scale', new StandardScaler()],
          ['model', new SVC({ probability: true, seed: search.seed })],
        ],
      }),
      paramGrid: { model__C: [1, 10], model__gamma: ['scale'], model__kernel: ['rbf'] },
      cv: new StratifiedKFold({ nSplits: 5, shuffle: true, seed: search.seed }),
      scoring: 'accuracy',
      refit: false,
    }).fit(train.X, train.y);
    expect(result.cvScore).toBe(full.bestScore);
    expect(result.foldScores).toEqual(full.cvResults.splitTestScores.map((f) => f[full.bestIndex]));
  });

  it('keeps probabilities in every candidate when the scoring reads them', () => {
    expect(scorerUsesProbabilities('neg_log_loss')).toBe(true);
    expect(scorerUsesProbabilities('balanced_accuracy')).toBe(false);
    expect(() => scorerUsesProbabilities('nope' as never)).toThrow(/unknown scorer "nope"/);
    const { fits } = searchSvc('neg_log_loss');
    expect(fits).toEqual(Array<boolean>(11).fill(true));
  });
});
