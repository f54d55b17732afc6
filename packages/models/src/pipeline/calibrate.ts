import { CalibratedClassifier } from '../calibration/calibrated-classifier.js';
import type { Dataset } from '../data/dataset.js';
import type { Classifier } from '../estimators/classifier.js';
import { logLoss } from '../metrics/probability.js';
import { StratifiedKFold } from '../selection/stratified-kfold.js';
import { subsetDataset } from '../data/split.js';

/** A calibration method the pipeline can apply to a fitted model. */
export type CalibrationMethod = 'none' | 'sigmoid' | 'isotonic';

function wrap(model: Classifier, method: CalibrationMethod, data: Dataset): Classifier {
  if (method === 'none') return model;
  return new CalibratedClassifier({ estimator: model, method, cv: 'prefit' }).fit(data.X, data.y);
}

/**
 * Picks the calibration with the lowest log loss by 2-fold stratified CV on the calibration split
 * (the calibrator is fitted on one half and scored on the other): one-vs-rest Platt scaling can
 * make an already well-calibrated model (naive Bayes on Gaussian clusters) worse.
 */
export function chooseCalibration(
  model: Classifier,
  data: Dataset,
  seed: number,
): CalibrationMethod {
  const splits = new StratifiedKFold({ nSplits: 2, shuffle: true, seed }).split(data.y);
  let best: CalibrationMethod = 'none';
  let bestLoss = Number.POSITIVE_INFINITY;
  for (const method of ['none', 'sigmoid', 'isotonic'] as const) {
    let loss = 0;
    for (const { train, test } of splits) {
      const fitted = wrap(model, method, subsetDataset(data, train));
      const held = subsetDataset(data, test);
      loss += logLoss(held.y, fitted.predictProba(held.X), { labels: fitted.classes });
    }
    // Ties keep the simpler method (the order above).
    if (loss < bestLoss - 1e-12) {
      best = method;
      bestLoss = loss;
    }
  }
  return best;
}

/** Calibrates a fitted model on the calibration split: `auto` chooses the method by CV first. */
export function calibrate(
  model: Classifier,
  data: Dataset,
  method: CalibrationMethod | 'auto',
  seed: number,
): { model: Classifier; method: CalibrationMethod } {
  const chosen = method === 'auto' ? chooseCalibration(model, data, seed) : method;
  return { model: wrap(model, chosen, data), method: chosen };
}
