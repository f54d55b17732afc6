import { EstimatorInputError } from '../errors.js';
import { checkKnownParams, checkNumber } from '../estimators/param-checks.js';
import type { Dataset } from './dataset.js';
import { takeRows } from './matrix.js';
import { Random } from './random.js';

/** Options of {@link trainTestSplit}. */
export interface TrainTestSplitOptions {
  /** Fraction of rows in (0, 1), or a row count ≥ 1, for the test set. Default 0.25. */
  testSize?: number;
  /** Keep each class's proportion equal in both parts. Default `true`. */
  stratify?: boolean;
  /** Seed of the shuffle. Default 0. */
  seed?: number;
}

/** Row indices of a train/test split. */
export interface SplitIndices {
  /** Training rows, in shuffled order. */
  readonly train: Int32Array;
  /** Test rows, in shuffled order. */
  readonly test: Int32Array;
}

const KNOWN: Required<TrainTestSplitOptions> = { testSize: 0.25, stratify: true, seed: 0 };

/**
 * The row indices of a seeded (optionally stratified) train/test split of labels `y`. The test
 * set has `ceil(testSize × n)` rows for a fractional `testSize`, as scikit-learn.
 */
export function trainTestSplitIndices(
  y: ArrayLike<number>,
  options: TrainTestSplitOptions = {},
): SplitIndices {
  const name = 'trainTestSplit';
  checkKnownParams(name, options, KNOWN);
  const { testSize = 0.25, stratify = true, seed = 0 } = options;
  checkNumber(name, 'testSize', testSize, { min: 0, exclusiveMin: true });
  checkNumber(name, 'seed', seed);
  const n = y.length;
  const nTest = testSize < 1 ? Math.ceil(testSize * n) : testSize;
  if (!Number.isInteger(nTest) || nTest < 1 || n - nTest < 1) {
    throw new EstimatorInputError(
      name,
      `testSize=${testSize} of ${n} rows leaves an empty train or test set.`,
    );
  }
  const rng = new Random(seed);
  const isTest = new Uint8Array(n);
  if (!stratify) {
    const perm = rng.permutation(n);
    for (let i = 0; i < nTest; i++) isTest[perm[i]] = 1;
  } else {
    const byClass = new Map<number, number[]>();
    for (let i = 0; i < n; i++) {
      const list = byClass.get(y[i]);
      if (list) list.push(i);
      else byClass.set(y[i], [i]);
    }
    const classes = [...byClass.keys()].sort((a, b) => a - b);
    for (const c of classes) {
      if (byClass.get(c)!.length < 2) {
        throw new EstimatorInputError(
          name,
          `class ${c} has only 1 row; a stratified split needs at least 2 per class (or stratify: false).`,
        );
      }
    }
    // Largest-remainder allocation of the test rows in proportion to class sizes.
    const exact = classes.map((c) => (nTest * byClass.get(c)!.length) / n);
    const take = exact.map(Math.floor);
    let left = nTest - take.reduce((a, b) => a + b, 0);
    const byRemainder = classes
      .map((_, i) => i)
      .sort((a, b) => exact[b] - take[b] - (exact[a] - take[a]) || a - b);
    for (let r = 0; left > 0; r = (r + 1) % classes.length) {
      const i = byRemainder[r];
      if (take[i] < byClass.get(classes[i])!.length) {
        take[i]++;
        left--;
      }
    }
    classes.forEach((c, i) => {
      const rows = Int32Array.from(byClass.get(c)!);
      rng.shuffle(rows);
      for (let m = 0; m < take[i]; m++) isTest[rows[m]] = 1;
    });
  }
  const test = new Int32Array(nTest);
  const train = new Int32Array(n - nTest);
  let a = 0;
  let b = 0;
  for (let i = 0; i < n; i++) {
    if (isTest[i]) test[a++] = i;
    else train[b++] = i;
  }
  return { train: rng.shuffle(train), test: rng.shuffle(test) };
}

/** A new data set with the given rows, in that order (names are shared). */
export function subsetDataset(data: Dataset, rows: ArrayLike<number>): Dataset {
  const y = new Int32Array(rows.length);
  for (let i = 0; i < rows.length; i++) y[i] = data.y[rows[i]];
  return {
    X: takeRows(data.X, rows),
    y,
    featureNames: data.featureNames,
    classNames: data.classNames,
  };
}

/**
 * Splits a data set into seeded train and test parts, stratified by class unless
 * `stratify: false`.
 *
 * @example
 * ```ts
 * const { train, test } = trainTestSplit(data, { testSize: 0.2, seed: 42 });
 * ```
 */
export function trainTestSplit(
  data: Dataset,
  options: TrainTestSplitOptions = {},
): { train: Dataset; test: Dataset } {
  const { train, test } = trainTestSplitIndices(data.y, options);
  return { train: subsetDataset(data, train), test: subsetDataset(data, test) };
}
