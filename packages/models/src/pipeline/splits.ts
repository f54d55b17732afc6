import type { Dataset } from '../data/dataset.js';
import type { PipelineConfig } from './config.js';
import { EstimatorInputError } from '../errors.js';
import { Random } from '../data/random.js';
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

function classCounts(y: Int32Array, classes: number): Int32Array {
  const counts = new Int32Array(classes);
  for (let i = 0; i < y.length; i++) counts[y[i]]++;
  return counts;
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
 * Chooses the rows of each part, stratified: `test` (unless a test set is given), then
 * `calibrationSize` of the rest, halved into probability calibration and conformal calibration.
 *
 * @throws EstimatorInputError naming the class label when a class has too few rows for the
 * splits, the CV folds or the calibration (checked before splitting and on the parts), so that a
 * run fails before any model is fitted.
 */
export function splitRows(data: Dataset, test: Dataset | null, options: SplitOptions): SplitRows {
  const need = options.need ?? { train: 1, calibration: 1 };
  const source = options.source ?? 'the data';
  const minimum = minimumClassRows(options, test !== null);
  const settings = options.settings ? ` (${options.settings})` : '';
  const counts = classCounts(data.y, data.classNames.length);
  counts.forEach((count, c) => {
    if (count < minimum) {
      throw new EstimatorInputError(
        'ClusteringPipeline.split',
        `${source}: class ${JSON.stringify(data.classNames[c])} has ${count} row${count === 1 ? '' : 's'}; the splits need at least ${minimum} rows of each class${settings}. Add rows of that class, remove it, or lower those settings.`,
      );
    }
  });
  const y = data.y;
  // Each step splits a subset of rows; `pick` maps its positions back to rows of the data.
  const pick = (rows: Int32Array, positions: ArrayLike<number>): Int32Array =>
    Int32Array.from(positions, (p) => rows[p]);
  const labelsOf = (rows: Int32Array): Int32Array => Int32Array.from(rows, (r) => y[r]);
  let rest: Int32Array = Int32Array.from({ length: y.length }, (_, i) => i);
  let testRows: Int32Array | null = null;
  if (!test) {
    const parts = trainTestSplitIndices(y, {
      testSize: options.testSize,
      stratify: true,
      seed: options.seed,
    });
    rest = Int32Array.from(parts.train);
    testRows = Int32Array.from(parts.test);
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
  const rows: SplitRows = {
    train: pick(rest, held.train),
    calibration: pick(heldOut, halves.train),
    conformal: pick(heldOut, halves.test),
    test: testRows,
  };
  // With several classes the allocation of remainders can leave a part one row short.
  for (const [part, least] of [
    ['train', need.train],
    ['calibration', need.calibration],
  ] as const) {
    classCounts(labelsOf(rows[part]), data.classNames.length).forEach((count, c) => {
      if (count < least) {
        throw new EstimatorInputError(
          'ClusteringPipeline.split',
          `${source}: class ${JSON.stringify(data.classNames[c])} has ${counts[c]} rows, of which the ${part} split got ${count}; it needs at least ${least}${settings}. Add rows of that class, remove it, or lower those settings.`,
        );
      }
    });
  }
  return rows;
}

/** The parts chosen by {@link splitRows}, taken from `data` (and `test`, when given). */
export function applySplit(data: Dataset, test: Dataset | null, rows: SplitRows): Splits {
  return {
    train: subsetDataset(data, rows.train),
    calibration: subsetDataset(data, rows.calibration),
    conformal: subsetDataset(data, rows.conformal),
    test: rows.test ? subsetDataset(data, rows.test) : test!,
  };
}

/**
 * Splits the data, stratified: the parts of {@link splitRows}, with the same checks.
 *
 * @throws EstimatorInputError naming the class label when a class has too few rows (see
 * {@link splitRows}).
 */
export function splitData(data: Dataset, test: Dataset | null, options: SplitOptions): Splits {
  return applySplit(data, test, splitRows(data, test, options));
}

/**
 * A stratified, seeded sample of at most `max` rows (the data itself when it is small enough).
 * With `minPerClass`, every class keeps at least that many rows (or all it has): a proportional
 * sample can leave a rare class fewer rows than the CV folds that follow need. The rows added for
 * rare classes are taken, seeded, from the classes with the most rows, so the size stays `max`.
 */
export function stratifiedSample(
  data: Dataset,
  max: number,
  seed: number,
  minPerClass = 0,
): Dataset {
  if (data.X.rows <= max) return data;
  const { test } = trainTestSplitIndices(data.y, { testSize: max, stratify: true, seed });
  return subsetDataset(data, withClassFloor(data.y, test, minPerClass, seed));
}

/** `chosen` (ascending rows of `y`), with rows swapped in so that each class has `floor` (or all its rows). */
function withClassFloor(
  y: Int32Array,
  chosen: Int32Array,
  floor: number,
  seed: number,
): Int32Array {
  if (floor <= 0) return chosen;
  const classes = 1 + y.reduce((m, c) => Math.max(m, c), 0);
  const total = classCounts(y, classes);
  const picked = new Uint8Array(y.length);
  for (const r of chosen) picked[r] = 1;
  const have = classCounts(
    Int32Array.from(chosen, (r) => y[r]),
    classes,
  );
  const want = Int32Array.from(total, (t) => Math.min(t, floor));
  let short = 0;
  for (let c = 0; c < classes; c++) short += Math.max(0, want[c] - have[c]);
  if (short === 0) return chosen;
  const order = new Random(seed + 1).permutation(y.length);
  // Picked rows of each class in seeded order: the candidates to give back.
  const keptByClass: number[][] = Array.from({ length: classes }, () => []);
  for (const r of order) {
    if (picked[r]) keptByClass[y[r]].push(r);
    else if (have[y[r]] < want[y[r]]) {
      picked[r] = 1;
      have[y[r]]++;
    }
  }
  // Give back as many rows, each from the class with the most rows above its floor (when every
  // class is at its floor, the sample keeps the extra rows).
  for (; short > 0; short--) {
    let largest = 0;
    for (let c = 1; c < classes; c++)
      if (have[c] - want[c] > have[largest] - want[largest]) largest = c;
    if (have[largest] <= want[largest]) break;
    picked[keptByClass[largest].pop()!] = 0;
    have[largest]--;
  }
  const out: number[] = [];
  for (let r = 0; r < y.length; r++) if (picked[r]) out.push(r);
  return Int32Array.from(out);
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
