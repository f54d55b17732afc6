import { Random } from '../data/random.js';
import { EstimatorInputError } from '../errors.js';
import { checkKnownParams, checkNumber } from '../estimators/param-checks.js';

/** One train/test split: row indices, ascending. */
export interface Split {
  /** Rows to fit on. */
  readonly train: Int32Array;
  /** Rows to score on. */
  readonly test: Int32Array;
}

/** Options of {@link StratifiedKFold}. */
export interface StratifiedKFoldOptions {
  /** Number of folds, at least 2. Default 5. */
  nSplits: number;
  /** Whether each class's fold assignment is shuffled (with `seed`). Default `false`. */
  shuffle: boolean;
  /** Seed of the shuffle. Default 0. */
  seed: number;
}

const DEFAULTS: StratifiedKFoldOptions = { nSplits: 5, shuffle: false, seed: 0 };

/**
 * Stratified k-fold cross-validation splits, fold for fold identical to scikit-learn 1.2's
 * `StratifiedKFold` when not shuffled: each class's rows are dealt to the folds so that every fold
 * has about the same class proportions, and each row is in exactly one test fold.
 *
 * @example
 * ```ts
 * for (const { train, test } of new StratifiedKFold({ nSplits: 5 }).split(data.y)) { ... }
 * ```
 */
export class StratifiedKFold {
  /** The options, defaults filled in. */
  readonly options: Readonly<StratifiedKFoldOptions>;

  constructor(options: Partial<StratifiedKFoldOptions> = {}) {
    checkKnownParams('StratifiedKFold', options, DEFAULTS);
    this.options = Object.freeze({ ...DEFAULTS, ...stripUndefined(options) });
    checkNumber('StratifiedKFold', 'nSplits', this.options.nSplits, { min: 2, integer: true });
    checkNumber('StratifiedKFold', 'seed', this.options.seed);
  }

  /** The number of splits `split` returns. */
  get nSplits(): number {
    return this.options.nSplits;
  }

  /** The test fold (0 … nSplits−1) of every row. */
  testFolds(y: ArrayLike<number>): Int32Array {
    const { nSplits, shuffle, seed } = this.options;
    const n = y.length;
    if (n < nSplits) {
      throw new EstimatorInputError(
        'StratifiedKFold',
        `cannot make ${nSplits} folds of ${n} rows; use fewer splits.`,
      );
    }
    // Classes are numbered in order of first appearance, as scikit-learn does.
    const code = new Map<number, number>();
    const encoded = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      let c = code.get(y[i]);
      if (c === undefined) {
        c = code.size;
        code.set(y[i], c);
      }
      encoded[i] = c;
    }
    const k = code.size;
    const counts = new Int32Array(k);
    for (let i = 0; i < n; i++) counts[encoded[i]]++;
    if (counts.every((c) => c < nSplits)) {
      throw new EstimatorInputError(
        'StratifiedKFold',
        `nSplits=${nSplits} is greater than the number of rows of every class (largest: ${Math.max(...counts)}).`,
      );
    }
    // allocation[f][c] = how many of class c go to fold f: deal the class-sorted rows round-robin.
    const allocation = new Int32Array(nSplits * k);
    let pos = 0;
    for (let c = 0; c < k; c++) {
      for (let m = 0; m < counts[c]; m++, pos++) allocation[(pos % nSplits) * k + c]++;
    }
    const rng = new Random(seed);
    const folds = new Int32Array(n);
    const next = new Int32Array(k); // position within each class's fold list
    const perClass: Int32Array[] = [];
    for (let c = 0; c < k; c++) {
      const list = new Int32Array(counts[c]);
      let p = 0;
      for (let f = 0; f < nSplits; f++)
        for (let m = 0; m < allocation[f * k + c]; m++) list[p++] = f;
      if (shuffle) rng.shuffle(list);
      perClass.push(list);
    }
    for (let i = 0; i < n; i++) {
      const c = encoded[i];
      folds[i] = perClass[c][next[c]++];
    }
    return folds;
  }

  /** The `nSplits` train/test splits of rows labelled `y`. */
  split(y: ArrayLike<number>): Split[] {
    const folds = this.testFolds(y);
    return foldsToSplits(folds, this.options.nSplits);
  }
}

/** Turns a test-fold assignment into train/test index splits. */
export function foldsToSplits(folds: Int32Array, nSplits: number): Split[] {
  const sizes = new Int32Array(nSplits);
  for (let i = 0; i < folds.length; i++) sizes[folds[i]]++;
  const out: Split[] = [];
  for (let f = 0; f < nSplits; f++) {
    const test = new Int32Array(sizes[f]);
    const train = new Int32Array(folds.length - sizes[f]);
    let a = 0;
    let b = 0;
    for (let i = 0; i < folds.length; i++) {
      if (folds[i] === f) test[a++] = i;
      else train[b++] = i;
    }
    out.push({ train, test });
  }
  return out;
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  const out: Partial<T> = {};
  for (const [k, v] of Object.entries(o))
    if (v !== undefined) (out as Record<string, unknown>)[k] = v;
  return out;
}
