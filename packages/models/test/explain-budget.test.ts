import { describe, expect, it } from 'vitest';
import { makeBlobs } from '../src/data/blobs.js';
import { denseMatrix, fromRows } from '../src/data/matrix.js';
import { GaussianNB } from '../src/estimators/naive-bayes.js';
import { kmeansBackground } from '../src/explain/background.js';
import { planPermutation, planShap, secondsPerRow } from '../src/explain/budget.js';
import { exactShap } from '../src/explain/exact-shap.js';
import { shapImportance } from '../src/explain/shapley.js';
import { explanationReductions, explainModel } from '../src/pipeline/evaluation.js';
import { defaultPipelineConfig } from '../src/pipeline/config.js';

describe('kmeansBackground', () => {
  it('summarises clustered rows to one weighted row per cluster, snapped to observed values', () => {
    // Three tight groups of 50, 30 and 20 rows.
    const rows: number[][] = [];
    for (let i = 0; i < 50; i++) rows.push([0 + (i % 5) * 0.01, 10]);
    for (let i = 0; i < 30; i++) rows.push([5 + (i % 3) * 0.01, 20]);
    for (let i = 0; i < 20; i++) rows.push([9, 30 + (i % 2)]);
    const X = fromRows(rows);
    const bg = kmeansBackground(X, 3, { seed: 4 });
    expect(bg.data.rows).toBe(3);
    const byWeight = [...bg.weights]
      .map((w, c) => ({ w, x: bg.data.data[c * 2] }))
      .sort((a, b) => b.w - a.w);
    expect(byWeight.map((b) => b.w)).toEqual([0.5, 0.3, 0.2]);
    expect(byWeight[0].x).toBeCloseTo(0.02, 10);
    // Every value of the summary is a value its feature takes in X.
    for (let c = 0; c < 3; c++)
      for (let j = 0; j < 2; j++)
        expect(rows.some((r) => r[j] === bg.data.data[c * 2 + j])).toBe(true);
    // Seeded: the same summary twice; k ≥ rows returns the rows with equal weights.
    expect(kmeansBackground(X, 3, { seed: 4 })).toEqual(bg);
    const all = kmeansBackground(X, 500);
    expect(all.data.rows).toBe(100);
    expect(all.weights[7]).toBeCloseTo(0.01, 12);
    expect(() => kmeansBackground(X, 0)).toThrow(/kmeansBackground.*k/);
  });

  it('gives Shapley values whose base value is the weighted mean, close to those of the full background', () => {
    const { X, y } = makeBlobs({ n: 600, dim: 4, k: 3, std: 2, seed: 3 });
    const model = new GaussianNB().fit(X, y);
    const rows = denseMatrix(20, 4, X.data.slice(0, 80));
    const full = exactShap(model, rows, { background: X });
    const bg = kmeansBackground(X, 30, { seed: 1 });
    const summary = exactShap(model, rows, { background: bg.data, backgroundWeights: bg.weights });
    const proba = model.predictProba(bg.data);
    for (let c = 0; c < 3; c++) {
      let mean = 0;
      for (let b = 0; b < 30; b++) mean += bg.weights[b] * proba.data[b * 3 + c];
      expect(summary.baseValue[c]).toBeCloseTo(mean, 12);
      expect(Math.abs(summary.baseValue[c] - full.baseValue[c])).toBeLessThan(0.05);
    }
    const a = shapImportance(full).overall;
    const b = shapImportance(summary).overall;
    for (let j = 0; j < 4; j++) expect(Math.abs(a[j] - b[j])).toBeLessThan(0.05 + 0.15 * a[j]);
    expect(() =>
      exactShap(model, rows, { background: bg.data, backgroundWeights: new Float64Array(2) }),
    ).toThrow(/backgroundWeights/);
  });
});

describe('planShap and planPermutation', () => {
  it('keep everything asked for when it fits the time budget', () => {
    expect(
      planShap({ features: 3, rows: 200, background: 100, secondsPerRow: 1e-7, seconds: 10 }),
    ).toMatchObject({ algorithm: 'exact', rows: 200, background: 100, coalitions: 8 });
    expect(
      planShap({ features: 64, rows: 200, background: 100, secondsPerRow: 1e-10, seconds: 10 }),
    ).toMatchObject({ algorithm: 'kernel', rows: 200, background: 100, coalitions: 2176 });
    expect(
      planPermutation({ features: 64, rows: 450, repeats: 5, secondsPerRow: 1e-8, seconds: 10 }),
    ).toMatchObject({ rows: 450, repeats: 5 });
  });

  it('reduce background, then coalitions, then rows, in that order, to fit the budget', () => {
    const M = 200;
    const plan = (seconds: number) =>
      planShap({ features: M, rows: 200, background: 100, secondsPerRow: 1e-6, seconds });
    // 200 rows × 10 background × 2448 coalitions = 4.9 M rows = 4.9 s: only the background shrinks.
    expect(plan(5)).toMatchObject({ rows: 200, background: 10, coalitions: 2448 });
    // 1 s: coalitions next (≥ 2M + 2 = 402).
    expect(plan(1)).toMatchObject({ rows: 200, background: 10, coalitions: 500 });
    // 0.1 s: rows down to 20 at 402 coalitions and 10 background rows = 80,400 rows.
    const tight = plan(0.1);
    expect(tight).toMatchObject({ rows: 24, background: 10, coalitions: 402 });
    expect(tight.estimatedSeconds).toBeLessThanOrEqual(0.1);
    // Nothing fits: every floor reached, the estimate says how far over it is.
    const floor = plan(1e-6);
    expect(floor).toMatchObject({ rows: 20, background: 1, coalitions: M + 1 });
    expect(floor.estimatedSeconds).toBeGreaterThan(1e-6);
    const perm = planPermutation({
      features: 200,
      rows: 2000,
      repeats: 5,
      secondsPerRow: 1e-4,
      seconds: 10,
    });
    // 100,000 rows affordable: 5 repeats would allow 99 rows, below the floor of 200; so 200 rows × 2 repeats.
    expect(perm).toMatchObject({ rows: 200, repeats: 2 });
    expect(perm.estimatedSeconds).toBeLessThanOrEqual(10);
    expect(() =>
      planShap({ features: 3, rows: 1, background: 1, secondsPerRow: 1, seconds: 0 }),
    ).toThrow(/planShap.*seconds/);
  });

  it('measures the cost of a model row', () => {
    const { X, y } = makeBlobs({ n: 200, dim: 3, k: 2, seed: 1 });
    const s = secondsPerRow(new GaussianNB().fit(X, y), X);
    expect(s).toBeGreaterThan(0);
    expect(s).toBeLessThan(1e-2);
  });
});

describe('explainModel on wide data', () => {
  it('stays within its time budgets on 120 features and says in words what it reduced', () => {
    const { X, y, classNames } = makeBlobs({ n: 400, dim: 120, k: 3, std: 6, seed: 2 });
    const featureNames = Array.from({ length: 120 }, (_, j) => `f${j}`);
    const half = (a: number, b: number) => ({
      X: denseMatrix(b - a, 120, X.data.slice(a * 120, b * 120)),
      y: y.slice(a, b),
      featureNames,
      classNames,
    });
    const train = half(0, 300);
    const test = half(300, 400);
    const model = new GaussianNB().fit(train.X, train.y);
    const config = {
      ...defaultPipelineConfig().explain,
      shapSeconds: 0.5,
      permutationSeconds: 0.5,
    };
    const ex = explainModel(model, test, train, config);
    // Without the budget: 100 rows × 100 background × 2288 coalitions = 22.9 M model rows. The plan
    // fits the time budget and evaluates fewer (the speed itself is measured in the benchmarks).
    const plan = ex.budget.shap;
    expect(plan.estimatedSeconds).toBeLessThanOrEqual(config.shapSeconds);
    expect(plan.rows * plan.background * plan.coalitions).toBeLessThan(100 * 100 * 2288);
    expect(ex.shapAlgorithm).toBe('kernel');
    expect(ex.shapMean).toHaveLength(120);
    expect(ex.budget.shap.background).toBeLessThan(100);
    const notes = explanationReductions(ex.budget);
    expect(notes.join(' ')).toMatch(/weighted k-means summary of 300 training rows/);
    expect(notes.join(' ')).toMatch(/Kernel SHAP evaluated \d+ coalitions per row/);
    // Generous budgets on 3 features: nothing reduced but the background summary.
    const small = makeBlobs({ n: 300, dim: 3, k: 3, seed: 5 });
    const ds = { ...small, featureNames: ['x', 'y', 'z'] };
    const nb = new GaussianNB().fit(small.X, small.y);
    const plain = explainModel(nb, ds, ds, defaultPipelineConfig().explain);
    expect(plain.shapAlgorithm).toBe('exact');
    expect(explanationReductions(plain.budget)).toEqual([
      'Shapley values explain a stratified sample of 200 of 300 test rows.',
      'The Shapley background is a 100-row weighted k-means summary of 300 training rows.',
    ]);
  });
});
