import { describe, expect, it } from 'vitest';
import { EstimatorInputError, InvalidParameterError, StratifiedKFold } from '../src/index.js';
import { fixture, loadData } from './core-fixtures.js';

describe('StratifiedKFold', () => {
  it('unshuffled folds are identical to scikit-learn (stratified_kfold.json)', async () => {
    const fx = fixture('stratified_kfold');
    const train = await loadData('blobs3d_5k.train');
    const cv = new StratifiedKFold({ nSplits: fx.n_splits });
    expect(Array.from(cv.testFolds(train.y))).toEqual(fx.test_fold_of_row);
    const splits = cv.split(train.y);
    expect(splits).toHaveLength(5);
    splits.forEach(({ train: tr, test }, f) => {
      expect(tr.length + test.length).toBe(4000);
      for (const i of test) expect(fx.test_fold_of_row[i]).toBe(f);
      for (const i of tr) expect(fx.test_fold_of_row[i]).not.toBe(f);
    });
  });

  it('shuffled folds are stratified, reproducible with a seed and differ across seeds', async () => {
    const { y } = await loadData('blobs3d_5k.train');
    const a = new StratifiedKFold({ shuffle: true, seed: 7 }).testFolds(y);
    const b = new StratifiedKFold({ shuffle: true, seed: 7 }).testFolds(y);
    const c = new StratifiedKFold({ shuffle: true, seed: 8 }).testFolds(y);
    expect(Array.from(a)).toEqual(Array.from(b));
    expect(Array.from(a)).not.toEqual(Array.from(c));
    const plain = new StratifiedKFold().testFolds(y);
    // Same per-(class, fold) counts as the unshuffled split: shuffling only moves rows within a class.
    const table = (folds: Int32Array) => {
      const t = new Map<string, number>();
      folds.forEach((f, i) => t.set(`${y[i]}/${f}`, (t.get(`${y[i]}/${f}`) ?? 0) + 1));
      return Object.fromEntries([...t].sort());
    };
    expect(table(a)).toEqual(table(plain));
  });

  it('puts every row in exactly one test fold with balanced class counts', () => {
    const y = Int32Array.from({ length: 103 }, (_, i) => (i % 10 < 7 ? 0 : 1));
    const splits = new StratifiedKFold({ nSplits: 4 }).split(y);
    const seen = new Int32Array(103);
    for (const { test } of splits) for (const i of test) seen[i]++;
    expect(seen.every((v) => v === 1)).toBe(true);
    for (const { test } of splits) {
      const ones = Array.from(test).filter((i) => y[i] === 1).length;
      expect(ones).toBeGreaterThanOrEqual(7);
      expect(ones).toBeLessThanOrEqual(8);
    }
  });

  it('refuses bad options and too few rows', () => {
    expect(() => new StratifiedKFold({ nSplits: 1 })).toThrow(InvalidParameterError);
    expect(() => new StratifiedKFold({ nSplits: 2.5 })).toThrow(/integer/);
    expect(() => new StratifiedKFold({ seed: NaN })).toThrow(/seed/);
    expect(() => new StratifiedKFold({ nSplits: 5 }).split([0, 1, 0])).toThrow(EstimatorInputError);
    expect(() => new StratifiedKFold({ nSplits: 3 }).split([0, 0, 1, 1, 2, 2])).toThrow(
      /greater than the number of rows of every class/,
    );
  });
});
