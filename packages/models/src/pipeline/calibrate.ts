import {
  CalibratedClassifier,
  applyClassCalibrators,
  fitClassCalibrators,
} from '../calibration/calibrated-classifier.js';
import type { Dataset } from '../data/dataset.js';
import { takeRows } from '../data/matrix.js';
import type { Classifier } from '../estimators/classifier.js';
import { logLoss } from '../metrics/probability.js';
import { StratifiedKFold } from '../selection/stratified-kfold.js';
import { stratifiedSample } from './splits.js';

/** A calibration method the pipeline can apply to a fitted model. */
export type CalibrationMethod = 'none' | 'sigmoid' | 'isotonic';

/**
 * Calibration rows used at most: a stratified, seeded sample of the calibration split beyond it.
 * A sigmoid has two parameters and isotonic steps settle long before this; more rows only cost
 * predictions of the model (a kernel SVM's dominate a million-row run).
 */
export const CALIBRATION_ROWS = 20_000;

function wrap(model: Classifier, method: CalibrationMethod, data: Dataset): Classifier {
  if (method === 'none') return model;
  return new CalibratedClassifier({ estimator: model, method, cv: 'prefit' }).fit(data.X, data.y);
}

/**
 * Picks the calibration with the lowest log loss by 2-fold stratified CV on the calibration split
 * (the calibrator is fitted on one half and scored on the other): one-vs-rest Platt scaling can
 * make an already well-calibrated model (naive Bayes on Gaussian clusters) worse. The model
 * predicts the split once; every method and fold is scored on those probabilities.
 */
export function chooseCalibration(
  model: Classifier,
  data: Dataset,
  seed: number,
): CalibrationMethod {
  const splits = new StratifiedKFold({ nSplits: 2, shuffle: true, seed }).split(data.y);
  const labels = model.classes;
  const k = labels.length;
  const proba = model.predictProba(data.X);
  // Class index of each row in the model's columns (columns are the classes, in order).
  const yIndex = Int32Array.from(data.y, (label) => labels.indexOf(label));
  const columns = Int32Array.from(labels, (_, c) => c);
  const pick = (v: Int32Array, idx: Int32Array) => Int32Array.from(idx, (i) => v[i]);
  let best: CalibrationMethod = 'none';
  let bestLoss = Number.POSITIVE_INFINITY;
  for (const method of ['none', 'sigmoid', 'isotonic'] as const) {
    let loss = 0;
    for (const { train, test } of splits) {
      const held = takeRows(proba, test);
      const p =
        method === 'none'
          ? held
          : applyClassCalibrators(
              fitClassCalibrators(method, columns, takeRows(proba, train), pick(yIndex, train), k),
              columns,
              held,
              k,
            );
      loss += logLoss(pick(data.y, test), p, { labels });
    }
    // Ties keep the simpler method (the order above).
    if (loss < bestLoss - 1e-12) {
      best = method;
      bestLoss = loss;
    }
  }
  return best;
}

/**
 * Calibrates a fitted model on the calibration split (a stratified, seeded sample of at most
 * {@link CALIBRATION_ROWS} rows of it): `auto` chooses the method by CV first.
 */
export function calibrate(
  model: Classifier,
  data: Dataset,
  method: CalibrationMethod | 'auto',
  seed: number,
): { model: Classifier; method: CalibrationMethod } {
  const sample = stratifiedSample(data, CALIBRATION_ROWS, seed);
  const chosen = method === 'auto' ? chooseCalibration(model, sample, seed) : method;
  return { model: wrap(model, chosen, sample), method: chosen };
}
