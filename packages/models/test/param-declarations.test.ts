import { describe, expect, it } from 'vitest';
import { makeBlobs } from '../src/data/blobs.js';
import { denseMatrix, type DenseMatrix } from '../src/data/matrix.js';
import { InvalidParameterError } from '../src/errors.js';
import { BaseClassifier } from '../src/estimators/base.js';
import { KNN_PARAMS } from '../src/estimators/knn.js';
import { declareParams } from '../src/estimators/param-spec.js';
import { SVC, SVC_PARAMS } from '../src/estimators/svm.js';
import { PipelineConfigError } from '../src/pipeline/config-schema.js';
import { resolvePipelineConfig } from '../src/pipeline/config-load.js';
import { defaultPipelineConfig } from '../src/pipeline/config.js';
import { familyParams, modelFamilies, registerModelFamily } from '../src/pipeline/families.js';
import { searchFamily } from '../src/pipeline/family-search.js';
import type { FeaturePlan } from '../src/pipeline/features-plan.js';

/** A tiny classifier defined only here: nearest class mean, with the means shrunk to the grand mean. */
interface CentroidParams {
  shrink: number;
}

const CENTROID_PARAMS = declareParams<CentroidParams>('NearestCentroid', {
  shrink: {
    kind: 'number',
    min: 0,
    max: 1,
    default: 0,
    grid: [0, 0.5],
    doc: 'Shrinkage of the class means towards the grand mean.',
  },
});

class NearestCentroid extends BaseClassifier<CentroidParams, { means: number[][] }> {
  constructor(params: Partial<CentroidParams> = {}) {
    super(CENTROID_PARAMS, params);
  }

  protected fitEncoded(X: DenseMatrix, y: Int32Array, k: number): { means: number[][] } {
    const d = X.cols;
    const sums = Array.from({ length: k }, () => new Array<number>(d).fill(0));
    const counts = new Array<number>(k).fill(0);
    const grand = new Array<number>(d).fill(0);
    for (let i = 0; i < X.rows; i++) {
      counts[y[i]]++;
      for (let j = 0; j < d; j++) {
        sums[y[i]][j] += X.data[i * d + j];
        grand[j] += X.data[i * d + j] / X.rows;
      }
    }
    const s = this.params.shrink;
    return {
      means: sums.map((row, c) => row.map((v, j) => (1 - s) * (v / counts[c]) + s * grand[j])),
    };
  }

  protected probaEncoded(X: DenseMatrix): DenseMatrix {
    const { means } = this.model;
    const out = denseMatrix(X.rows, means.length);
    for (let i = 0; i < X.rows; i++) {
      let best = 0;
      let bestDist = Infinity;
      means.forEach((m, c) => {
        let dist = 0;
        for (let j = 0; j < X.cols; j++) dist += (X.data[i * X.cols + j] - m[j]) ** 2;
        if (dist < bestDist) [best, bestDist] = [c, dist];
      });
      out.data[i * means.length + best] = 1;
    }
    return out;
  }

  protected decodeModel(data: unknown): { means: number[][] } {
    return data as { means: number[][] };
  }
}

const PLAN: FeaturePlan = {
  coordinates: 'cartesian',
  derived: false,
  selection: 'none',
  k: 1,
  fdrLevel: 0.05,
  scale: true,
  seed: 0,
};

describe('one declaration per estimator parameter', () => {
  it('derives each family’s configuration keys and default grid from its estimator’s declaration', () => {
    const config = defaultPipelineConfig();
    expect(familyParams('knn')).toEqual(['nNeighbors', 'weights']);
    expect(config.models.knn.nNeighbors).toEqual(KNN_PARAMS.specs.nNeighbors.grid);
    expect(familyParams('svc')).toEqual(['C', 'gamma', 'kernel']);
    expect(config.models.svc.gamma).toEqual(['scale']);
    expect(SVC_PARAMS.defaults()).toEqual(new SVC().params);
  });

  it('refuses in the configuration, before any work, a value the estimator would refuse', async () => {
    // The estimators need C > 0 and varSmoothing > 0; the hand-written schema allowed 0.
    expect(() => new SVC({ C: 0 })).toThrow(InvalidParameterError);
    await expect(resolvePipelineConfig({ set: ['models.svc.C=[0]'] })).rejects.toThrow(
      /"models.svc.C\[0\]": expected a number > 0, got 0/,
    );
    await expect(
      resolvePipelineConfig({ set: ['models.gaussian_nb.varSmoothing=[0]'] }),
    ).rejects.toThrow(PipelineConfigError);
    await expect(resolvePipelineConfig({ set: ['models.svc.gamma=[wide]'] })).rejects.toThrow(
      /"models.svc.gamma\[0\]": expected a number > 0 or one of "scale", "auto", got "wide"/,
    );
    const ok = await resolvePipelineConfig({ set: ['models.svc.gamma=[auto, 0.5]'] });
    expect(ok.models.svc.gamma).toEqual(['auto', 0.5]);
  });

  it('adds a model family with the estimator file and one registration, and searches it', async () => {
    registerModelFamily({
      name: 'nearest_centroid',
      label: 'nearest centroid',
      doc: 'Nearest shrunk class mean.',
      params: CENTROID_PARAMS,
      make: () => new NearestCentroid(),
    });
    expect(modelFamilies()).toContain('nearest_centroid');
    expect(() =>
      registerModelFamily({
        name: 'knn',
        label: 'again',
        doc: 'again',
        params: KNN_PARAMS,
        make: () => new NearestCentroid(),
      }),
    ).toThrow(/"models.knn": this model family is already registered/);

    expect(defaultPipelineConfig().models.nearest_centroid.shrink).toEqual([0, 0.5]);
    await expect(
      resolvePipelineConfig({ set: ['models.nearest_centroid.shrink=[2]'] }),
    ).rejects.toThrow(
      /"models.nearest_centroid.shrink\[0\]": expected a number ≥ 0 and ≤ 1, got 2/,
    );
    const config = await resolvePipelineConfig({
      set: ['models.nearest_centroid.shrink=[0, 0.25, 0.9]', 'search.folds=3'],
    });

    const train = {
      ...makeBlobs({ n: 600, dim: 3, k: 3, seed: 4 }),
      featureNames: ['a', 'b', 'c'],
    };
    const result = searchFamily(
      'nearest_centroid',
      config.models.nearest_centroid,
      train,
      PLAN,
      config.search,
    );
    expect(result.label).toBe('nearest centroid');
    expect(result.cvTable.columns.slice(0, 2)).toEqual(['shrink', 'mean_test_score']);
    expect(result.cvTable.rows.map((r) => r[0])).toEqual([0, 0.25, 0.9]);
    expect([0, 0.25, 0.9]).toContain(result.bestParams.shrink);
    expect(result.cvScore).toBeGreaterThan(0.5);
    expect(result.model.predict(train.X)).toHaveLength(train.X.rows);
  });
});
