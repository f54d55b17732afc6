import { InvalidParameterError } from '../errors.js';
import { checkKnownParams, checkNumber } from '../estimators/param-checks.js';
import type { Dataset } from './dataset.js';
import type { DenseMatrix } from './matrix.js';
import { denseMatrix, fromRows } from './matrix.js';
import { Random } from './random.js';

/** Options of {@link makeBlobs}, following scikit-learn's `make_blobs`. */
export interface MakeBlobsOptions {
  /** Total number of points, split as evenly as possible over the centres. */
  n: number;
  /** Number of features (2 or 3 for the clustering project; any positive integer works). */
  dim: number;
  /** Explicit centres, one row of `dim` values each; overrides `k` and `centerBox`. */
  centers?: DenseMatrix | readonly (readonly number[])[];
  /** Number of centres drawn uniformly in `centerBox`. Default 3. */
  k?: number;
  /** Standard deviation of each cluster: one value, or one per centre. Default 1. */
  std?: number | readonly number[];
  /** Range of the random centre coordinates. Default `[-10, 10]`. */
  centerBox?: readonly [number, number];
  /** Seed; equal seeds give bit-identical data on every platform. Default 0. */
  seed?: number;
  /** Shuffle the rows (otherwise they are grouped by cluster). Default `true`. */
  shuffle?: boolean;
}

/** The result of {@link makeBlobs}: a data set plus the centres it was drawn around. */
export interface Blobs extends Dataset {
  /** The cluster centres, one row per class. */
  readonly centers: DenseMatrix;
}

const KNOWN: Required<MakeBlobsOptions> = {
  n: 0,
  dim: 0,
  centers: [],
  k: 3,
  std: 1,
  centerBox: [-10, 10],
  seed: 0,
  shuffle: true,
};

/**
 * Isotropic Gaussian clusters, like scikit-learn's `make_blobs`, from a seeded generator whose
 * output is identical on every platform (see {@link Random}). Cluster `c` has label `c` and class
 * name `String(c)`; features are named `x`, `y`, `z` (or `x0`, `x1`, … beyond three).
 *
 * @example
 * ```ts
 * const { X, y, centers } = makeBlobs({ n: 5000, dim: 3, k: 6, std: 3, seed: 2 });
 * ```
 */
export function makeBlobs(options: MakeBlobsOptions): Blobs {
  const name = 'makeBlobs';
  checkKnownParams(name, options, KNOWN);
  const { n, dim, seed = 0, shuffle = true } = options;
  checkNumber(name, 'n', n, { min: 1, integer: true });
  checkNumber(name, 'dim', dim, { min: 1, integer: true });
  checkNumber(name, 'seed', seed);
  const rng = new Random(seed);

  let centers: DenseMatrix;
  if (options.centers !== undefined) {
    centers = 'data' in options.centers ? options.centers : fromRows(options.centers as number[][]);
    if (centers.rows < 1 || centers.cols !== dim) {
      throw new InvalidParameterError(name, 'centers', `needs at least one row of ${dim} values.`);
    }
    centers.data.forEach((v, i) => checkNumber(name, `centers[${i}]`, v));
  } else {
    const k = options.k ?? 3;
    checkNumber(name, 'k', k, { min: 1, integer: true });
    const [lo, hi] = options.centerBox ?? [-10, 10];
    checkNumber(name, 'centerBox[0]', lo);
    checkNumber(name, 'centerBox[1]', hi, { min: lo });
    centers = denseMatrix(k, dim);
    for (let i = 0; i < k * dim; i++) centers.data[i] = rng.uniform(lo, hi);
  }
  const k = centers.rows;
  const stdOpt = options.std ?? 1;
  const std = typeof stdOpt === 'number' ? new Array<number>(k).fill(stdOpt) : [...stdOpt];
  if (std.length !== k) {
    throw new InvalidParameterError(
      name,
      'std',
      `needs one value per centre (${k}), got ${std.length}.`,
    );
  }
  std.forEach((s, i) => checkNumber(name, `std[${i}]`, s, { min: 0 }));

  const X = denseMatrix(n, dim);
  const y = new Int32Array(n);
  let row = 0;
  for (let c = 0; c < k; c++) {
    // As make_blobs: n // k points per centre, the first n % k centres get one more.
    const count = Math.floor(n / k) + (c < n % k ? 1 : 0);
    for (let m = 0; m < count; m++, row++) {
      for (let j = 0; j < dim; j++)
        X.data[row * dim + j] = centers.data[c * dim + j] + std[c] * rng.normal();
      y[row] = c;
    }
  }
  const featureNames =
    dim <= 3 ? ['x', 'y', 'z'].slice(0, dim) : Array.from({ length: dim }, (_, j) => `x${j}`);
  const classNames = Array.from({ length: k }, (_, c) => String(c));
  if (!shuffle) return { X, y, featureNames, classNames, centers };
  const perm = rng.permutation(n);
  const Xs = denseMatrix(n, dim);
  const ys = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    Xs.data.set(X.data.subarray(perm[i] * dim, perm[i] * dim + dim), i * dim);
    ys[i] = y[perm[i]];
  }
  return { X: Xs, y: ys, featureNames, classNames, centers };
}
