import { describe, expect, it } from 'vitest';
import { ConformalClassifier } from '../src/conformal/conformal-classifier.js';
import {
  CONFORMAL_METHODS,
  conformalQuantile,
  conformalScores,
  coverage,
  meanSetSize,
  predictionSets,
  setSizeCounts,
} from '../src/conformal/scores.js';
import { fromRows, takeRows } from '../src/data/matrix.js';
import { Random } from '../src/data/random.js';
import { GaussianNB } from '../src/estimators/naive-bayes.js';
import { estimatorFromJSON } from '../src/estimators/estimator-registry.js';
import { loadBlobs, sklearnFixture } from './evaluation-fixtures.js';

const train = loadBlobs('blobs3d_5k.train');
const test = loadBlobs('blobs3d_5k.test');
const nb = new GaussianNB().fit(train.X, train.y);
const range = (a: number, b: number): Int32Array =>
  Int32Array.from({ length: b - a }, (_, i) => a + i);

describe('conformal scores and quantile', () => {
  const proba = fromRows([
    [0.6, 0.3, 0.1],
    [0.2, 0.2, 0.6],
  ]);
  it('scores the true label by each method', () => {
    const y = Int32Array.from([1, 1]);
    expect(Array.from(conformalScores(proba, y, 'lac'))).toEqual([0.7, 0.8]);
    const aps = conformalScores(proba, y, 'aps');
    expect(aps[0]).toBeCloseTo(0.9, 15);
    expect(aps[1]).toBeCloseTo(1.0, 15); // tie 0.2/0.2 broken by class index: class 0 ranks first
    const raps = conformalScores(proba, y, 'raps', { kReg: 1, lambda: 0.5 });
    expect(raps[0]).toBeCloseTo(0.9 + 0.5, 15);
    expect(raps[1]).toBeCloseTo(1.0 + 1.0, 15);
    expect(Array.from(conformalScores(proba, y, 'topk'))).toEqual([2, 3]);
    expect(() => conformalScores(proba, Int32Array.from([0]), 'lac')).toThrow(
      expect.objectContaining({ code: 'ESTIMATOR_INPUT' }),
    );
    expect(() => conformalScores(proba, y, 'bogus' as never)).toThrow(
      expect.objectContaining({ code: 'INVALID_PARAMETER' }),
    );
  });
  it('takes the ⌈(n+1)(1−α)⌉/n "higher" quantile, infinite when n is too small', () => {
    const scores = Float64Array.from({ length: 19 }, (_, i) => (19 - i) / 100);
    // n = 19, α = 0.1: ⌈18⌉ = 18 → NumPy 'higher' at 18/19 picks index ⌈18·18/19⌉ = 18 (the max).
    expect(conformalQuantile(scores, 0.1)).toBe(0.19);
    expect(conformalQuantile(scores, 0.2)).toBe(0.17);
    expect(conformalQuantile([0.5, 0.1], 0.1)).toBe(Infinity);
    for (const alpha of [0, 1, -0.1, 1.5, NaN]) {
      expect(() => conformalQuantile(scores, alpha)).toThrow(
        expect.objectContaining({ code: 'INVALID_PARAMETER', parameter: 'alpha' }),
      );
    }
  });
  it('builds sets from a threshold and measures them', () => {
    const sets = predictionSets(proba, 0.75, 'lac');
    expect(sets.map((s) => Array.from(s))).toEqual([[0, 1], [2]]);
    expect(coverage(sets, [1, 1])).toBe(0.5);
    expect(meanSetSize(sets)).toBe(1.5);
    expect(Array.from(setSizeCounts(sets, 3))).toEqual([0, 1, 1, 0]);
    expect(() => coverage(sets, [1])).toThrow(expect.objectContaining({ code: 'ESTIMATOR_INPUT' }));
  });
});

describe('ConformalClassifier', () => {
  const calX = takeRows(test.X, range(0, 500));
  const calY = test.y.slice(0, 500);
  const evalX = takeRows(test.X, range(500, 1000));
  const evalY = test.y.slice(500, 1000);

  it("matches the LAC fixture's qhat, coverage and mean set size (GaussianNB, prefit)", () => {
    const fx = sklearnFixture('conformal_lac_nb');
    for (const [alphaText, expected] of Object.entries(
      fx.results as Record<string, { qhat: number; coverage_eval: number; mean_set_size: number }>,
    )) {
      const alpha = Number(alphaText);
      const cp = new ConformalClassifier({ estimator: nb, cv: 'prefit', method: 'lac', alpha }).fit(
        calX,
        calY,
      );
      // qhat is one of the scores 1 − p(true): equal to the fixture up to GaussianNB's own rounding.
      expect(Math.abs(cp.qhat() - expected.qhat)).toBeLessThan(1e-12);
      const sets = cp.predictSets(evalX);
      expect(coverage(sets, evalY)).toBe(expected.coverage_eval);
      expect(meanSetSize(sets)).toBe(expected.mean_set_size);
    }
  });

  it('covers at least 1 − α on average over 200 random calibration/evaluation splits, for every method', () => {
    // Exchangeability guarantees E[coverage] ≥ 1 − α (here ≥ 182/201 ≈ 0.9055 with 200 calibration
    // rows and the 'higher' quantile); 200 calibration / 800 evaluation rows keep the spread of the
    // 200-split mean (≈ 0.0015) well inside that margin.
    const alpha = 0.1;
    for (const method of CONFORMAL_METHODS) {
      const rng = new Random(2024);
      const cp0 = new ConformalClassifier({ estimator: nb, cv: 'prefit', method, alpha });
      let sum = 0;
      let size = 0;
      for (let rep = 0; rep < 200; rep++) {
        const perm = rng.permutation(1000);
        const cal = perm.slice(0, 200);
        const ev = perm.slice(200);
        const cp = cp0.withParams({}).fit(
          takeRows(test.X, cal),
          Int32Array.from(cal, (i) => test.y[i]),
        );
        const sets = cp.predictSets(takeRows(test.X, ev));
        sum += coverage(
          sets,
          Int32Array.from(ev, (i) => test.y[i]),
        );
        size += meanSetSize(sets);
      }
      expect(sum / 200, method).toBeGreaterThanOrEqual(1 - alpha);
      // Informative sets: far from listing all six classes.
      expect(size / 200, method).toBeLessThan(3);
    }
  });

  it('fits the estimator on a stratified split and calibrates on the rest', () => {
    const cp = new ConformalClassifier({
      estimator: new GaussianNB(),
      method: 'aps',
      alpha: 0.1,
      calibrationSize: 0.3,
      seed: 4,
    }).fit(train.X, train.y);
    expect(cp.calibrationScores.length).toBe(1200);
    const sets = cp.predictSets(test.X);
    expect(coverage(sets, test.y)).toBeGreaterThan(0.87);
    expect(Array.from(cp.predict(test.X).subarray(0, 5))).toEqual(
      Array.from(cp.estimator.predict(takeRows(test.X, range(0, 5)))),
    );
    // a different alpha at prediction time reuses the same calibration
    expect(meanSetSize(cp.predictSets(test.X, 0.3))).toBeLessThan(meanSetSize(sets));
    const copy = estimatorFromJSON(JSON.parse(JSON.stringify(cp.toJSON()))) as ConformalClassifier;
    expect(copy.predictSets(test.X).map((s) => Array.from(s))).toEqual(
      sets.map((s) => Array.from(s)),
    );
  });

  it('returns original labels in the sets', () => {
    const shifted = Int32Array.from(train.y, (v) => v * 10 + 3);
    const cp = new ConformalClassifier({
      estimator: new GaussianNB(),
      method: 'topk',
      alpha: 0.2,
    }).fit(train.X, shifted);
    const labels = new Set(cp.predictSets(test.X).flatMap((s) => Array.from(s)));
    expect([...labels].every((l) => l % 10 === 3)).toBe(true);
  });

  it('refuses α outside (0, 1), an unfitted prefit estimator and mismatched calibration labels', () => {
    for (const alpha of [0, 1, 1.2, -0.5]) {
      expect(() => new ConformalClassifier({ estimator: nb, alpha })).toThrow(
        expect.objectContaining({ code: 'INVALID_PARAMETER', parameter: 'alpha' }),
      );
    }
    const cp = new ConformalClassifier({ estimator: nb, cv: 'prefit' }).fit(calX, calY);
    expect(() => cp.predictSets(evalX, 1)).toThrow(expect.objectContaining({ parameter: 'alpha' }));
    expect(() =>
      new ConformalClassifier({ estimator: new GaussianNB(), cv: 'prefit' }).fit(calX, calY),
    ).toThrow(/not fitted/);
    const fewer = Int32Array.from(calY, (v) => (v === 5 ? 4 : v));
    expect(() => new ConformalClassifier({ estimator: nb, cv: 'prefit' }).fit(calX, fewer)).toThrow(
      /differ from the prefit estimator/,
    );
    expect(() => new ConformalClassifier({ estimator: nb, method: 'x' as never })).toThrow(
      expect.objectContaining({ parameter: 'method' }),
    );
    expect(() => new ConformalClassifier({ estimator: nb, calibrationSize: 1 })).toThrow(
      expect.objectContaining({ parameter: 'calibrationSize' }),
    );
  });
});
