import type { Dataset } from '../data/dataset.js';
import type { PipelineConfig } from './config.js';
import { EstimatorInputError } from '../errors.js';
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

/** What {@link splitData} needs to know to check that every class is large enough. */
export interface SplitOptions {
  /** Fraction of rows held out for the test split (unless a test set is given). */
  readonly testSize: number;
  /** Fraction of the rest held out for calibration and conformal sets. */
  readonly calibrationSize: number;
  /** Seed of the split. */
  readonly seed: number;
  /**
   * Rows of each class the later stages need: `train` (the CV folds of the search),
   * `calibration` (2 when the calibration method is chosen by 2-fold CV).
   * @default { train: 1, calibration: 1 }
   */
  readonly need?: { readonly train: number; readonly calibration: number };
  /** What the data is, for error messages (the CSV path). @default 'the data' */
  readonly source?: string;
  /** Names of the configuration keys behind `need`, for error messages. @default '' */
  readonly settings?: string;
}

/** Rows per class in each part of a split of `m` rows of one class (the allocation is exact then). */
function partsOf(m: number, options: SplitOptions, hasTest: boolean) {
  const test = hasTest ? 0 : Math.ceil(options.testSize * m);
  const rest = m - test;
  const held = Math.ceil(options.calibrationSize * rest);
  const conformal = Math.ceil(0.5 * held);
  return { test, train: rest - held, calibration: held - conformal, conformal };
}

/** The smallest class size whose parts all meet `need` (test, conformal: 1 row; calibration and train: as asked). */
export function minimumClassRows(options: SplitOptions, hasTest: boolean): number {
  const need = options.need ?? { train: 1, calibration: 1 };
  for (let m = 2; ; m++) {
    const p = partsOf(m, options, hasTest);
    if (
      (hasTest || p.test >= 1) &&
      p.train >= need.train &&
      p.calibration >= need.calibration &&
      p.conformal >= 1
    )
      return m;
  }
}

function classCounts(data: Dataset): Int32Array {
  const counts = new Int32Array(data.classNames.length);
  for (let i = 0; i < data.y.length; i++) counts[data.y[i]]++;
  return counts;
}

/**
 * Splits the data, stratified: `test` (unless a test set is given), then `calibrationSize` of the
 * rest, halved into probability calibration and conformal calibration.
 *
 * @throws EstimatorInputError naming the class label when a class has too few rows for the
 * splits, the CV folds or the calibration (checked before splitting and on the parts), so that a
 * run fails before any model is fitted.
 */
export function splitData(data: Dataset, test: Dataset | null, options: SplitOptions): Splits {
  const need = options.need ?? { train: 1, calibration: 1 };
  const source = options.source ?? 'the data';
  const minimum = minimumClassRows(options, test !== null);
  const settings = options.settings ? ` (${options.settings})` : '';
  const counts = classCounts(data);
  counts.forEach((count, c) => {
    if (count < minimum) {
      throw new EstimatorInputError(
        'ClusteringPipeline.split',
        `${source}: class ${JSON.stringify(data.classNames[c])} has ${count} row${count === 1 ? '' : 's'}; the splits need at least ${minimum} rows of each class${settings}. Add rows of that class, remove it, or lower those settings.`,
      );
    }
  });
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
  const splits = {
    train: held.train,
    calibration: halves.train,
    conformal: halves.test,
    test: testSet,
  };
  // With several classes the allocation of remainders can leave a part one row short.
  for (const [part, least] of [
    ['train', need.train],
    ['calibration', need.calibration],
  ] as const) {
    classCounts(splits[part]).forEach((count, c) => {
      if (count < least) {
        throw new EstimatorInputError(
          'ClusteringPipeline.split',
          `${source}: class ${JSON.stringify(data.classNames[c])} has ${counts[c]} rows, of which the ${part} split got ${count}; it needs at least ${least}${settings}. Add rows of that class, remove it, or lower those settings.`,
        );
      }
    });
  }
  return splits;
}

/** A stratified sample of at most `max` rows (the data itself when it is small enough). */
export function stratifiedSample(data: Dataset, max: number, seed: number): Dataset {
  if (data.X.rows <= max) return data;
  const { test } = trainTestSplitIndices(data.y, { testSize: max, stratify: true, seed });
  return subsetDataset(data, test);
}

/** The split options of a run: its split settings and what its CV folds and calibration need. */
export function splitOptions(config: PipelineConfig): SplitOptions {
  const auto = config.calibration.method === 'auto';
  return {
    ...config.split,
    need: { train: config.search.folds, calibration: auto ? 2 : 1 },
    source: config.data.source === 'csv' ? config.data.path! : 'the generated data',
    settings: [
      config.data.testPath ? null : `split.testSize ${config.split.testSize}`,
      `split.calibrationSize ${config.split.calibrationSize}`,
      `search.folds ${config.search.folds}`,
      auto ? 'calibration.method auto: 2 folds' : null,
    ]
      .filter(Boolean)
      .join(', '),
  };
}
