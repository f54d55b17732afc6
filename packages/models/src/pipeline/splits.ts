import type { Dataset } from '../data/dataset.js';
import { subsetDataset, trainTestSplitIndices } from '../data/split.js';

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
 * The rows of each part, as indices into the data (`test` is `null` when a test set is given).
 * The pipeline's split task returns these rather than the parts, so that a large data set is
 * stored in the task cache once (as the loading task's result), not twice.
 */
export interface SplitRows {
  /** Rows of the training part. */
  readonly train: Int32Array;
  /** Rows of the probability calibration part. */
  readonly calibration: Int32Array;
  /** Rows of the conformal calibration part. */
  readonly conformal: Int32Array;
  /** Rows of the test part, or `null` when the test set is a separate data set. */
  readonly test: Int32Array | null;
}

/**
 * Chooses the rows of each part, stratified by the labels `y`: `test` (unless `hasTestSet`), then
 * `calibrationSize` of the rest, halved into probability calibration and conformal calibration.
 */
export function splitRows(
  y: Int32Array,
  hasTestSet: boolean,
  options: { testSize: number; calibrationSize: number; seed: number },
): SplitRows {
  let rest: Int32Array = Int32Array.from({ length: y.length }, (_, i) => i);
  let test: Int32Array | null = null;
  // Each step splits a subset of rows; `pick` maps its positions back to rows of the data.
  const pick = (rows: Int32Array, positions: ArrayLike<number>): Int32Array =>
    Int32Array.from(positions, (p) => rows[p]);
  const labelsOf = (rows: Int32Array): Int32Array => Int32Array.from(rows, (r) => y[r]);
  if (!hasTestSet) {
    const parts = trainTestSplitIndices(y, {
      testSize: options.testSize,
      stratify: true,
      seed: options.seed,
    });
    rest = Int32Array.from(parts.train);
    test = Int32Array.from(parts.test);
  }
  const held = trainTestSplitIndices(labelsOf(rest), {
    testSize: options.calibrationSize,
    stratify: true,
    seed: options.seed + 1,
  });
  const heldOut = pick(rest, held.test);
  const halves = trainTestSplitIndices(labelsOf(heldOut), {
    testSize: 0.5,
    stratify: true,
    seed: options.seed + 2,
  });
  return {
    train: pick(rest, held.train),
    calibration: pick(heldOut, halves.train),
    conformal: pick(heldOut, halves.test),
    test,
  };
}

/** The parts chosen by {@link splitRows}, taken from `data` (and `test`, when given). */
export function applySplit(data: Dataset, test: Dataset | null, indices: SplitRows): Splits {
  return {
    train: subsetDataset(data, indices.train),
    calibration: subsetDataset(data, indices.calibration),
    conformal: subsetDataset(data, indices.conformal),
    test: indices.test ? subsetDataset(data, indices.test) : test!,
  };
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
  return applySplit(data, test, splitRows(data.y, test !== null, options));
}

/** A stratified sample of at most `max` rows (the data itself when it is small enough). */
export function stratifiedSample(data: Dataset, max: number, seed: number): Dataset {
  if (data.X.rows <= max) return data;
  const { test } = trainTestSplitIndices(data.y, { testSize: max, stratify: true, seed });
  return subsetDataset(data, test);
}
