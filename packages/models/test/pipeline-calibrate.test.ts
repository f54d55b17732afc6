import { describe, expect, it, vi } from 'vitest';
import { CalibratedClassifier } from '../src/calibration/calibrated-classifier.js';
import { makeBlobs } from '../src/data/blobs.js';
import { subsetDataset } from '../src/data/split.js';
import { GaussianNB } from '../src/estimators/naive-bayes.js';
import { KNeighborsClassifier } from '../src/estimators/knn.js';
import { logLoss } from '../src/metrics/probability.js';
import { StratifiedKFold } from '../src/selection/stratified-kfold.js';
import { CALIBRATION_ROWS, calibrate, chooseCalibration } from '../src/pipeline/calibrate.js';
import {
  CONFORMAL_ROWS,
  FAMILY_TEST_ROWS,
  conformalSets,
  familyTestSample,
} from '../src/pipeline/evaluation.js';
import { stratifiedSample } from '../src/pipeline/splits.js';

const blobs = (n: number, seed: number) => ({
  ...makeBlobs({ n, dim: 3, k: 4, std: 3, seed }),
  featureNames: ['x', 'y', 'z'],
});

/** The choice made the way the pipeline made it before: a prefit CalibratedClassifier per fold. */
function chooseByRefitting(
  model: GaussianNB | KNeighborsClassifier,
  data: ReturnType<typeof blobs>,
) {
  const splits = new StratifiedKFold({ nSplits: 2, shuffle: true, seed: 3 }).split(data.y);
  const losses = (['none', 'sigmoid', 'isotonic'] as const).map((method) => {
    let loss = 0;
    for (const { train, test } of splits) {
      const held = subsetDataset(data, test);
      const fitted =
        method === 'none'
          ? model
          : new CalibratedClassifier({ estimator: model, method, cv: 'prefit' }).fit(
              subsetDataset(data, train).X,
              subsetDataset(data, train).y,
            );
      loss += logLoss(held.y, fitted.predictProba(held.X), { labels: fitted.classes });
    }
    return { method, loss };
  });
  return losses.reduce((best, l) => (l.loss < best.loss - 1e-12 ? l : best)).method;
}

describe('calibration in the pipeline', () => {
  it('chooses the method the per-fold refits choose, predicting the calibration split once', () => {
    const train = blobs(3000, 1);
    const data = blobs(1200, 2);
    for (const model of [
      new GaussianNB().fit(train.X, train.y),
      new KNeighborsClassifier({ nNeighbors: 7 }).fit(train.X, train.y),
    ]) {
      const spy = vi.spyOn(model, 'predictProba');
      const chosen = chooseCalibration(model, data, 3);
      expect(spy).toHaveBeenCalledTimes(1);
      expect(spy.mock.calls[0][0].rows).toBe(data.X.rows);
      spy.mockRestore();
      expect(chosen).toBe(chooseByRefitting(model, data));
    }
  });

  it(`calibrates on a stratified sample of ${CALIBRATION_ROWS} rows of a larger split`, () => {
    const train = blobs(2000, 4);
    const data = blobs(CALIBRATION_ROWS + 5000, 5);
    const model = new GaussianNB().fit(train.X, train.y);
    const { model: calibrated } = calibrate(model, data, 'sigmoid', 9);
    const sample = stratifiedSample(data, CALIBRATION_ROWS, 9);
    const expected = new CalibratedClassifier({ estimator: model, method: 'sigmoid', cv: 'prefit' })
      .fit(sample.X, sample.y)
      .predictProba(train.X);
    expect(calibrated.predictProba(train.X).data).toEqual(expected.data);
  });

  it(`calibrates conformal sets on at most ${CONFORMAL_ROWS} rows; compares families on at most ${FAMILY_TEST_ROWS} test rows`, () => {
    // One draw of clusters, cut into training, calibration and test rows.
    const all = blobs(2000 + CONFORMAL_ROWS + 3000 + 500, 6);
    const range = (from: number, n: number) =>
      subsetDataset(
        all,
        Int32Array.from({ length: n }, (_, i) => from + i),
      );
    const train = range(0, 2000);
    const calibration = range(2000, CONFORMAL_ROWS + 3000);
    const test = range(2000 + CONFORMAL_ROWS + 3000, 500);
    const model = new GaussianNB().fit(train.X, train.y);
    const spy = vi.spyOn(model, 'predictProba');
    const report = conformalSets(model, calibration, test, { method: 'lac', alpha: 0.1 });
    expect(spy.mock.calls.map(([X]) => X.rows)).toEqual([CONFORMAL_ROWS, 500]);
    expect(report.coverage).toBeGreaterThan(0.85);
    const big = blobs(FAMILY_TEST_ROWS + 100, 9);
    expect(familyTestSample(big).X.rows).toBe(FAMILY_TEST_ROWS);
    expect(familyTestSample(test)).toBe(test);
  });
});
