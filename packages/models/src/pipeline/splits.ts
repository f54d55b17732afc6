import type { Dataset } from '../data/dataset.js';
import { subsetDataset, trainTestSplit, trainTestSplitIndices } from '../data/split.js';

/** The four parts of the data a run uses. */
export interface Splits {
  /** Model search and fitting. */
  readonly train: Dataset;
  /** Probability calibration of the final model. */
  readonly calibration: Dataset;
  /** Conformal calibration (kept apart from `calibration`, so that the sets stay valid). */
  readonly conformal: Dataset;
  /** Final evaluation. */
  readonly test: Dataset;
}

/**
 * Splits the data, stratified: `test` (unless a test set is given), then `calibrationSize` of the
 * rest, halved into probability calibration and conformal calibration.
 */
export function splitData(
  data: Dataset,
  test: Dataset | null,
  options: { testSize: number; calibrationSize: number; seed: number },
): Splits {
  let rest = data;
  let testSet = test;
  if (!testSet) {
    const parts = trainTestSplit(data, {
      testSize: options.testSize,
      stratify: true,
      seed: options.seed,
    });
    rest = parts.train;
    testSet = parts.test;
  }
  const held = trainTestSplit(rest, {
    testSize: options.calibrationSize,
    stratify: true,
    seed: options.seed + 1,
  });
  const halves = trainTestSplit(held.test, {
    testSize: 0.5,
    stratify: true,
    seed: options.seed + 2,
  });
  return { train: held.train, calibration: halves.train, conformal: halves.test, test: testSet };
}

/** A stratified sample of at most `max` rows (the data itself when it is small enough). */
export function stratifiedSample(data: Dataset, max: number, seed: number): Dataset {
  if (data.X.rows <= max) return data;
  const { test } = trainTestSplitIndices(data.y, { testSize: max, stratify: true, seed });
  return subsetDataset(data, test);
}
