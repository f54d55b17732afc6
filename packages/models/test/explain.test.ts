import { describe, expect, it } from 'vitest';
import { denseMatrix, fromRows, takeRows } from '../src/data/matrix.js';
import { VotingClassifier } from '../src/ensemble/voting.js';
import { KNeighborsClassifier } from '../src/estimators/knn.js';
import { GaussianNB } from '../src/estimators/naive-bayes.js';
import { exactShap } from '../src/explain/exact-shap.js';
import { kernelShap } from '../src/explain/kernel-shap.js';
import { permutationImportance } from '../src/explain/permutation.js';
import type { ShapExplanation } from '../src/explain/shapley.js';
import { sampleBackground, shapImportance, shapValue } from '../src/explain/shapley.js';
import { loadBlobs, maxAbsDiff, sklearnFixture } from './evaluation-fixtures.js';

const train = loadBlobs('blobs3d_5k.train');
const test = loadBlobs('blobs3d_5k.test');
const nb = new GaussianNB().fit(train.X, train.y);
const range = (a: number, b: number): Int32Array =>
  Int32Array.from({ length: b - a }, (_, i) => a + i);

/** Largest |Σ_j φ_j − (f(x) − E[f])| over rows and classes. */
function efficiencyGap(e: ShapExplanation): number {
  let worst = 0;
  for (let i = 0; i < e.rows; i++) {
    for (let c = 0; c < e.classes; c++) {
      let s = 0;
      for (let j = 0; j < e.features; j++) s += shapValue(e, i, j, c);
      worst = Math.max(
        worst,
        Math.abs(s - (e.prediction.data[i * e.classes + c] - e.baseValue[c])),
      );
    }
  }
  return worst;
}

describe('permutationImportance', () => {
  it('finds the informative features and gives pure noise no importance', () => {
    const rows = 600;
    const X = denseMatrix(rows, 3);
    const y = new Int32Array(rows);
    for (let i = 0; i < rows; i++) {
      y[i] = i % 2;
      X.data[i * 3] = y[i] * 3 + Math.sin(i); // informative
      X.data[i * 3 + 1] = Math.cos(i * 7.3); // noise
      X.data[i * 3 + 2] = X.data[i * 3] * 0.5 + Math.sin(i * 1.7); // weakly informative
    }
    const model = new GaussianNB().fit(X, y);
    const imp = permutationImportance(model, X, y, { nRepeats: 5, seed: 3 });
    expect(imp.baseline).toBeGreaterThan(0.9);
    expect(imp.importancesMean[0]).toBeGreaterThan(0.1);
    expect(Math.abs(imp.importancesMean[1])).toBeLessThan(0.02);
    expect(imp.importances.rows).toBe(3);
    expect(imp.importances.cols).toBe(5);
    expect(imp.importancesStd.every((s) => s >= 0)).toBe(true);
    // same seed, same result; the input matrix is left untouched
    const again = permutationImportance(model, X, y, { nRepeats: 5, seed: 3 });
    expect(Array.from(again.importances.data)).toEqual(Array.from(imp.importances.data));
    expect(X.data[0]).toBe(y[0] * 3 + Math.sin(0));
  });
  it('ranks blobs3d features for kNN on held-out data with a chosen scorer', () => {
    const knn = new KNeighborsClassifier({ nNeighbors: 15 }).fit(train.X, train.y);
    const imp = permutationImportance(knn, test.X, test.y, {
      nRepeats: 3,
      scoring: 'balanced_accuracy',
      seed: 1,
    });
    for (const m of imp.importancesMean) expect(m).toBeGreaterThan(0.1);
    expect(() => permutationImportance(knn, test.X, test.y, { nRepeats: 0 })).toThrow(
      expect.objectContaining({ code: 'INVALID_PARAMETER' }),
    );
    expect(() => permutationImportance(knn, test.X, test.y, { scoring: 'nope' as never })).toThrow(
      /unknown scorer/,
    );
  });
});

describe('exactShap', () => {
  const fx = sklearnFixture('shapley_exact_nb');
  const background = takeRows(train.X, range(0, 100));
  const x = fromRows(fx.x as number[][]);

  it('matches the exact Shapley fixture (GaussianNB, 100 background rows) within 1e-9', () => {
    const shap = exactShap(nb, x, { background });
    expect(maxAbsDiff(shap.baseValue, fx.base_value)).toBeLessThan(1e-9);
    expect(maxAbsDiff(shap.values, (fx.phi_feature_by_class as number[][][]).flat(2))).toBeLessThan(
      1e-9,
    );
  });

  it('satisfies efficiency: Σφ = f(x) − E[f] to 1e-9, here on 300 rows in several batches', () => {
    const shap = exactShap(nb, takeRows(test.X, range(0, 300)), {
      background,
      maxBatchRows: 7_000,
    });
    expect(efficiencyGap(shap)).toBeLessThan(1e-9);
  });

  it('evaluates the model on 2^M − 2 coalitions: the empty and full ones are E[f] and f(x)', () => {
    let modelRows = 0;
    const counted = {
      predictProba: (X: Parameters<typeof nb.predictProba>[0]) => {
        modelRows += X.rows;
        return nb.predictProba(X);
      },
    };
    const rows = takeRows(test.X, range(0, 40));
    const shap = exactShap(counted, rows, { background, maxBatchRows: 1_000 });
    // The background and the rows once each, then 6 of the 8 coalitions of 3 features.
    expect(modelRows).toBe(100 + 40 + 6 * 40 * 100);
    const direct = exactShap(nb, rows, { background });
    expect(maxAbsDiff(shap.values, direct.values)).toBeLessThan(1e-12);
    expect(efficiencyGap(shap)).toBeLessThan(1e-9);
  });

  it('gives a feature the model ignores zero value, and ranks features globally by mean |φ|', () => {
    // A model that only reads feature 1.
    const model = {
      predictProba: (X: { data: Float64Array; rows: number; cols: number }) => {
        const out = denseMatrix(X.rows, 2);
        for (let i = 0; i < X.rows; i++) {
          const p = 1 / (1 + Math.exp(-X.data[i * X.cols + 1]));
          out.data[i * 2] = 1 - p;
          out.data[i * 2 + 1] = p;
        }
        return out;
      },
    };
    const shap = exactShap(model, takeRows(test.X, range(0, 20)), {
      background: takeRows(train.X, range(0, 30)),
    });
    for (let i = 0; i < 20; i++) {
      expect(Math.abs(shapValue(shap, i, 0, 1))).toBeLessThan(1e-15);
      expect(Math.abs(shapValue(shap, i, 2, 0))).toBeLessThan(1e-15);
    }
    const imp = shapImportance(shap);
    expect(imp.overall[1]).toBeGreaterThan(0);
    expect(imp.overall[0]).toBeLessThan(1e-15);
    expect(imp.perClass.rows).toBe(3);
  });

  it('refuses too many features, too large a background, mismatched shapes and models without probabilities', () => {
    const wide = denseMatrix(2, 13);
    expect(() => exactShap(nb, wide, { background: denseMatrix(2, 13) })).toThrow(
      expect.objectContaining({ code: 'INVALID_PARAMETER', parameter: 'maxFeatures' }),
    );
    expect(() =>
      exactShap(nb, x, { background: takeRows(train.X, range(0, 50)), maxBackground: 20 }),
    ).toThrow(expect.objectContaining({ code: 'INVALID_PARAMETER', parameter: 'background' }));
    expect(() => exactShap(nb, x, { background: train.X })).toThrow(
      /more than maxBackground \(1000\)/,
    );
    expect(() => exactShap(nb, x, { background: denseMatrix(5, 2) })).toThrow(
      expect.objectContaining({ code: 'ESTIMATOR_INPUT' }),
    );
    expect(() => exactShap({} as never, x, { background })).toThrow(
      expect.objectContaining({ code: 'UNSUPPORTED_OPERATION' }),
    );
    const hard = new VotingClassifier({
      estimators: [{ name: 'nb', estimator: nb }],
      voting: 'hard',
      prefit: true,
    }).fit(test.X, test.y);
    expect(() => exactShap(hard, x, { background })).toThrow(
      expect.objectContaining({ code: 'UNSUPPORTED_OPERATION' }),
    );
  });
});

describe('kernelShap', () => {
  const background = sampleBackground(train.X, 40, 7);
  it('equals the exact values when every coalition fits the budget', () => {
    const x = takeRows(test.X, range(0, 25));
    const exact = exactShap(nb, x, { background });
    const kernel = kernelShap(nb, x, { background });
    expect(maxAbsDiff(kernel.values, exact.values)).toBeLessThan(1e-9);
    expect(efficiencyGap(kernel)).toBeLessThan(1e-9);
  });

  it('approximates exact values with sampled coalitions on 8 features and keeps efficiency to 1e-9', () => {
    const fx = sklearnFixture('f_classif');
    const X8 = fromRows((fx.X as number[][]).slice(0, 1500));
    const y8 = Int32Array.from((fx.y as number[]).slice(0, 1500));
    const model = new GaussianNB().fit(X8, y8);
    const bg = sampleBackground(X8, 30, 1);
    const x = takeRows(X8, range(0, 15));
    const exact = exactShap(model, x, { background: bg });
    // 180 of the 254 coalitions: sizes 1 and 7 enumerated, the rest sampled.
    const sampled = kernelShap(model, x, { background: bg, nSamples: 180, seed: 5 });
    expect(efficiencyGap(sampled)).toBeLessThan(1e-9);
    // The sampling error is small next to the values themselves.
    const relError = (e: ShapExplanation): number => {
      let err = 0;
      let size = 0;
      e.values.forEach((v, k) => {
        err += Math.abs(v - exact.values[k]);
        size += Math.abs(exact.values[k]);
      });
      return err / size;
    };
    expect(relError(sampled)).toBeLessThan(0.12);
    // and shrinks with the budget
    expect(
      relError(kernelShap(model, x, { background: bg, nSamples: 60, seed: 5 })),
    ).toBeGreaterThan(relError(sampled));
    const same = kernelShap(model, x, { background: bg, nSamples: 180, seed: 5 });
    expect(Array.from(same.values)).toEqual(Array.from(sampled.values));
  });

  it('explains a single feature as the whole difference and refuses a bad budget', () => {
    const X1 = fromRows([[0], [1], [2], [3]]);
    const m = new GaussianNB().fit(X1, Int32Array.from([0, 0, 1, 1]));
    const e = kernelShap(m, X1, { background: X1 });
    expect(efficiencyGap(e)).toBeLessThan(1e-15);
    expect(() => kernelShap(nb, test.X, { background, nSamples: 0 })).toThrow(
      expect.objectContaining({ code: 'INVALID_PARAMETER' }),
    );
  });
});
