import { describe, expect, it } from 'vitest';
import { denseMatrix, fromRows, takeRows } from '../src/data/matrix.js';
import { Random } from '../src/data/random.js';
import { GaussianNB } from '../src/estimators/naive-bayes.js';
import { estimatorFromJSON } from '../src/estimators/estimator-registry.js';
import { fClassif, fSurvival } from '../src/features/f-classif.js';
import { DerivedFeatures } from '../src/features/derived.js';
import { falseDiscoveryControl } from '../src/features/fdr.js';
import { FreshSelector } from '../src/features/fresh.js';
import { mutualInfoClassif } from '../src/features/mutual-info.js';
import { Pipeline } from '../src/features/estimator-pipeline.js';
import { RFECV } from '../src/features/rfe.js';
import { averageRanks, kruskalWallis, mannWhitneyPValue } from '../src/features/rank-tests.js';
import { SelectKBest } from '../src/features/select-k-best.js';
import { sklearnFixture } from './evaluation-fixtures.js';

const fx = sklearnFixture('f_classif');
const X8 = fromRows(fx.X as number[][]);
const y8 = Int32Array.from(fx.y as number[]);

/** |a − b| ≤ tol · max(1, |b|), elementwise. */
function expectRelClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: number): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    expect(Math.abs(actual[i] - expected[i]), `index ${i}`).toBeLessThanOrEqual(
      tol * Math.max(1, Math.abs(expected[i])),
    );
  }
}

describe('fClassif (ANOVA F)', () => {
  it("matches scikit-learn's F (relative) and p-values (absolute) within 1e-9", () => {
    const { scores, pValues } = fClassif(X8, y8);
    expectRelClose(scores.subarray(0, 7), fx.F.slice(0, 7), 1e-9);
    // The fixture stores X rounded to 8 decimals but computed F from the unrounded noise: NumPy
    // with scikit-learn's formula on the stored X is itself 1.87e-9 (relative) off F[7], so that
    // column can only be held to the fixture's own precision.
    expectRelClose(scores.subarray(7), fx.F.slice(7), 2.5e-9);
    expectRelClose(pValues, fx.pvalue, 1e-9);
  });
  it('gives constant features F = 0 and p = 1, and perfectly separating ones F = ∞', () => {
    const X = fromRows([
      [1, 0],
      [1, 0],
      [1, 5],
      [1, 5],
    ]);
    const { scores, pValues } = fClassif(X, Int32Array.from([0, 0, 1, 1]));
    expect(scores[0]).toBe(0);
    expect(pValues[0]).toBe(1);
    expect(scores[1]).toBe(Infinity);
    expect(pValues[1]).toBe(0);
    expect(fSurvival(0, 2, 10)).toBe(1);
  });
  it('rejects a single class and fewer samples than classes', () => {
    expect(() => fClassif(fromRows([[1], [2]]), Int32Array.from([0, 0]))).toThrow(/single class/);
    expect(() => fClassif(fromRows([[1], [2]]), Int32Array.from([0, 1]))).toThrow(
      /more samples than classes/,
    );
  });
});

describe('SelectKBest', () => {
  it('keeps the k highest-F columns in their original order and drops the noise', () => {
    const sel = new SelectKBest({ k: 6 }).fit(X8, y8);
    expect(Array.from(sel.support)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(sel.featureNamesOut(fx.columns)).toEqual(['x', 'y', 'z', 'r', 'theta', 'phi']);
    const out = sel.transform(X8);
    expect(out.cols).toBe(6);
    expect(out.data[out.cols + 4]).toBe(X8.data[X8.cols + 4]);
    const top2 = new SelectKBest({ k: 2 }).fit(X8, y8);
    expect(top2.featureNamesOut(fx.columns)).toEqual(['y', 'z']);
  });
  it('ranks with mutual information too, informative features above noise', () => {
    const sel = new SelectKBest({ k: 3, score: 'mutual_info', seed: 3 }).fit(X8, y8);
    const mi = sel.scores;
    expect(sel.pValues).toBeNull();
    expect(Math.min(mi[0], mi[1], mi[2])).toBeGreaterThan(0.2);
    expect(Math.max(mi[6], mi[7])).toBeLessThan(0.02);
    expect(Array.from(sel.support).every((j) => j < 6)).toBe(true);
  });
  it('round-trips through JSON with the same selection', () => {
    const sel = new SelectKBest({ k: 3 }).fit(X8, y8);
    const copy = estimatorFromJSON(JSON.parse(JSON.stringify(sel.toJSON()))) as SelectKBest;
    expect(Array.from(copy.support)).toEqual(Array.from(sel.support));
    expect(Array.from(copy.transform(X8).data.subarray(0, 6))).toEqual(
      Array.from(sel.transform(X8).data.subarray(0, 6)),
    );
    expect(new SelectKBest({ k: 'all' }).fit(X8, y8).support.length).toBe(8);
  });
  it('refuses k greater than the feature count, labels missing, and transform before fit', () => {
    expect(() => new SelectKBest({ k: 9 }).fit(X8, y8)).toThrow(
      expect.objectContaining({ code: 'INVALID_PARAMETER', parameter: 'k' }),
    );
    expect(() => new SelectKBest({ k: 0 })).toThrow(
      expect.objectContaining({ code: 'INVALID_PARAMETER' }),
    );
    expect(() => new SelectKBest({ k: 2 }).fit(X8)).toThrow(/supervised selector/);
    expect(() => new SelectKBest({ k: 2 }).transform(X8)).toThrow(
      expect.objectContaining({ code: 'NOT_FITTED' }),
    );
    const sel = new SelectKBest({ k: 2 }).fit(X8, y8);
    expect(() => sel.transform(denseMatrix(1, 3))).toThrow(
      expect.objectContaining({ code: 'ESTIMATOR_INPUT' }),
    );
  });
});

describe('mutualInfoClassif', () => {
  it('is near zero for independent noise and large for a label-determined feature', () => {
    const rng = new Random(5);
    const n = 600;
    const X = denseMatrix(n, 2);
    const y = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      y[i] = i % 3;
      X.data[i * 2] = rng.normal();
      X.data[i * 2 + 1] = 10 * y[i] + 0.1 * rng.normal();
    }
    const mi = mutualInfoClassif(X, y, { seed: 1 });
    expect(mi[0]).toBeLessThan(0.03);
    // A feature that determines a uniform 3-class label carries log(3) nats.
    expect(mi[1]).toBeGreaterThan(Math.log(3) - 0.05);
    expect(mi[1]).toBeLessThan(Math.log(3) + 0.05);
    expect(Array.from(mutualInfoClassif(X, y, { seed: 1 }))).toEqual(Array.from(mi));
  });
});

describe('rank tests and FDR control', () => {
  // Reference values from scipy 1.17.1 (mannwhitneyu asymptotic with continuity; kruskal;
  // false_discovery_control) on the same numbers.
  const x = [1.5, 2.0, 2.0, 3.1, 4.2, 0.3, 2.0, 5.5, 6.1, 3.1, 7.0, 0.9];
  const g = Int32Array.from([0, 0, 0, 1, 1, 0, 2, 2, 1, 2, 2, 0]);
  it('averages tied ranks', () => {
    expect(Array.from(averageRanks(x).ranks)).toEqual([3, 5, 5, 7.5, 9, 1, 5, 10, 11, 7.5, 12, 2]);
    expect(averageRanks(x).tieSum).toBe(24 + 6);
  });
  it('agrees with scipy on Mann–Whitney U and Kruskal–Wallis p-values', () => {
    const ranks = averageRanks(x);
    expect(mannWhitneyPValue(ranks, (i) => g[i] === 1)).toBeCloseTo(0.16180286897324736, 12);
    expect(mannWhitneyPValue(ranks, (i) => g[i] === 0)).toBeCloseTo(0.008756717111546386, 12);
    const kw = kruskalWallis(ranks, g, 3);
    expect(kw.h).toBeCloseTo(7.3473606168446, 10);
    expect(kw.pValue).toBeCloseTo(0.025382881003489625, 12);
    expect(mannWhitneyPValue(averageRanks([1, 1, 1, 1]), (i) => i < 2)).toBe(1);
  });
  it('agrees with scipy on Benjamini–Yekutieli and Benjamini–Hochberg', () => {
    const ps = [0.01, 0.04, 0.03, 0.2, 0.001, 0.5, 0.012];
    const by = falseDiscoveryControl(ps, 0.05);
    expectRelClose(by.adjusted, [0.0726, 0.1452, 0.136125, 0.605, 0.01815, 1.0, 0.0726], 1e-12);
    expect(Array.from(by.reject)).toEqual([0, 0, 0, 0, 1, 0, 0]);
    const bh = falseDiscoveryControl(ps, 0.05, false);
    expectRelClose(
      bh.adjusted,
      [0.028, 0.056, 0.0525, 0.23333333333333336, 0.007, 0.5, 0.028],
      1e-12,
    );
    expect(Array.from(bh.reject)).toEqual([1, 0, 0, 0, 1, 0, 1]);
    expect(() => falseDiscoveryControl(ps, 1.2)).toThrow(
      expect.objectContaining({ code: 'INVALID_PARAMETER' }),
    );
  });
});

describe('FreshSelector', () => {
  it('keeps the class-related columns of blobs and drops the noise columns (both tests)', () => {
    for (const test of ['mann-whitney', 'kruskal'] as const) {
      const fresh = new FreshSelector({ test }).fit(X8, y8);
      expect(fresh.featureNamesOut(fx.columns)).toEqual(['x', 'y', 'z', 'r', 'theta', 'phi']);
    }
    const fresh = new FreshSelector().fit(X8, y8);
    expect(fresh.pValues.length).toBe(8 * 6);
    expect(fresh.relevantFor[6]).toBe(0);
  });
  it('keeps the best feature when nothing is significant, and round-trips through JSON', () => {
    const rng = new Random(11);
    const X = denseMatrix(200, 3);
    for (let i = 0; i < X.data.length; i++) X.data[i] = rng.normal();
    const y = Int32Array.from({ length: 200 }, (_, i) => i % 2);
    const fresh = new FreshSelector({ fdrLevel: 0.001 }).fit(X, y);
    expect(fresh.support.length).toBe(1);
    const none = new FreshSelector({ fdrLevel: 0.001, keepAtLeast: 0 }).fit(X, y);
    expect(none.support.length).toBe(0);
    const copy = FreshSelector.fromJSON(JSON.parse(JSON.stringify(fresh.toJSON())));
    expect(Array.from(copy.support)).toEqual(Array.from(fresh.support));
  });
  it('validates its parameters', () => {
    expect(() => new FreshSelector({ fdrLevel: 0 })).toThrow(
      expect.objectContaining({ code: 'INVALID_PARAMETER' }),
    );
    expect(() => new FreshSelector({ test: 'anova' as never })).toThrow(/must be one of/);
    expect(() => new FreshSelector({ keepAtLeast: 9 }).fit(X8, y8)).toThrow(
      expect.objectContaining({ parameter: 'keepAtLeast' }),
    );
  });
});

describe('RFECV', () => {
  const rows = Int32Array.from({ length: 1500 }, (_, i) => i);
  const X = takeRows(X8, rows);
  const y = y8.slice(0, 1500);

  it('ranks the noise columns last and, within a tolerance, drops them; every feature count is scored', () => {
    const rfe = new RFECV({ estimator: new GaussianNB(), cv: 3, seed: 1 }).fit(X, y);
    expect(rfe.cvScores.map(([n]) => n)).toEqual([8, 7, 6, 5, 4, 3, 2, 1]);
    // Default: scikit-learn's rule, the count with the best mean score.
    const best = Math.max(...rfe.cvScores.map(([, s]) => s));
    expect(rfe.cvScores.find(([n]) => n === rfe.support.length)?.[1]).toBe(best);
    for (const j of rfe.support) expect(rfe.ranking[j]).toBe(1);
    // Whatever was eliminated is noise.
    const dropped = fx.columns.filter((_: string, j: number) => rfe.ranking[j] > 1);
    expect(dropped.length).toBeGreaterThan(0);
    for (const name of dropped) expect(['noise1', 'noise2']).toContain(name);
    const lenient = new RFECV({
      estimator: new GaussianNB(),
      cv: 3,
      seed: 1,
      tolerance: 0.005,
    }).fit(X, y);
    const kept = lenient.featureNamesOut(fx.columns);
    expect(kept).not.toContain('noise1');
    expect(kept).not.toContain('noise2');
    expect(kept.length).toBeLessThan(rfe.support.length + 1);
    const within = lenient.cvScores.find(([n]) => n === kept.length)?.[1] ?? -1;
    expect(within).toBeGreaterThanOrEqual(best - 0.005);
    expect(lenient.cvScores.filter(([n, s]) => n < kept.length && s >= best - 0.005)).toEqual([]);
    expect(lenient.transform(X).cols).toBe(kept.length);
  });

  it('uses the estimator’s own featureImportances when it has them, and respects minFeatures and step', () => {
    // A GaussianNB that reports fixed importances: features 6 and 7 (the noise) look most important.
    class Reporting extends GaussianNB {
      get featureImportances(): Float64Array {
        const n = this.nFeatures ?? 0;
        return Float64Array.from({ length: n }, (_, j) => j);
      }
    }
    const own = new RFECV({ estimator: new Reporting(), cv: 3, minFeatures: 2, tolerance: 1 }).fit(
      X,
      y,
    );
    expect(own.featureNamesOut(fx.columns)).toEqual(['noise1', 'noise2']);
    const perm = new RFECV({
      estimator: new Reporting(),
      cv: 3,
      minFeatures: 2,
      tolerance: 1,
      importance: 'permutation',
    }).fit(X, y);
    expect(perm.featureNamesOut(fx.columns)).not.toContain('noise1');
    const stepped = new RFECV({ estimator: new GaussianNB(), cv: 3, step: 3, minFeatures: 4 }).fit(
      X,
      y,
    );
    expect(stepped.cvScores.map(([n]) => n)).toEqual([8, 5, 4]);
    expect(stepped.support.length).toBeGreaterThanOrEqual(4);
  });

  it('round-trips through JSON and validates its parameters', () => {
    const rfe = new RFECV({ estimator: new GaussianNB(), cv: 3, minFeatures: 6 }).fit(X, y);
    const copy = estimatorFromJSON(JSON.parse(JSON.stringify(rfe.toJSON()))) as RFECV;
    expect(Array.from(copy.support)).toEqual(Array.from(rfe.support));
    expect(copy.params.estimator).toBeInstanceOf(GaussianNB);
    expect(() => new RFECV({ estimator: new GaussianNB(), minFeatures: 9 }).fit(X, y)).toThrow(
      expect.objectContaining({ parameter: 'minFeatures' }),
    );
    expect(() => new RFECV({ estimator: new GaussianNB(), scoring: 'r2' as never })).toThrow(
      expect.objectContaining({ parameter: 'scoring' }),
    );
    expect(() => new RFECV({ estimator: undefined as never })).toThrow(
      expect.objectContaining({ parameter: 'estimator' }),
    );
  });
});

describe('selection inside a Pipeline', () => {
  it('carries derived features and the selection into the exported model', () => {
    const train = X8;
    const pipe = new Pipeline({
      steps: [
        ['derive', new DerivedFeatures({ angles: [4, 5], products: false })],
        ['select', new FreshSelector({ fdrLevel: 0.01 })],
        ['top', new SelectKBest({ k: 5 })],
        ['nb', new GaussianNB()],
      ],
    }).fit(train, y8);
    const names = pipe.featureNamesOut(fx.columns);
    expect(names.length).toBe(5);
    expect(names.some((n) => n.startsWith('noise'))).toBe(false);
    const copy = estimatorFromJSON(JSON.parse(JSON.stringify(pipe.toJSON()))) as Pipeline;
    expect(copy.featureNamesOut(fx.columns)).toEqual(names);
    const rows = takeRows(
      train,
      Int32Array.from({ length: 200 }, (_, i) => i),
    );
    expect(Array.from(copy.predictProba(rows).data)).toEqual(
      Array.from(pipe.predictProba(rows).data),
    );
  });
});
