import { Random } from '../data/random.js';
import { InvalidParameterError } from '../errors.js';

/** Candidate values of each parameter; keys may be nested pipeline parameters (`knn__nNeighbors`). */
export type ParamGrid = Readonly<Record<string, readonly unknown[]>>;

/**
 * A continuous or integer distribution to sample a parameter from, as plain data (so searches stay
 * serializable). Make one with {@link uniform}, {@link logUniform} or {@link randInt}.
 */
export interface Distribution {
  /** `uniform`: [low, high); `logUniform`: log-uniform on [low, high); `randInt`: integers in [low, high). */
  readonly kind: 'uniform' | 'logUniform' | 'randInt';
  /** Lower bound (inclusive). */
  readonly low: number;
  /** Upper bound (exclusive). */
  readonly high: number;
}

function distribution(kind: Distribution['kind'], low: number, high: number): Distribution {
  if (!Number.isFinite(low) || !Number.isFinite(high) || !(high > low)) {
    throw new InvalidParameterError(
      kind,
      'high',
      `needs finite low < high, got [${low}, ${high}).`,
    );
  }
  if (kind === 'logUniform' && !(low > 0)) {
    throw new InvalidParameterError(kind, 'low', `must be > 0, got ${low}.`);
  }
  if (kind === 'randInt' && (!Number.isInteger(low) || !Number.isInteger(high))) {
    throw new InvalidParameterError(kind, 'low', 'bounds must be integers.');
  }
  return Object.freeze({ kind, low, high });
}

/** Uniform on [low, high). */
export const uniform = (low: number, high: number): Distribution =>
  distribution('uniform', low, high);
/** Log-uniform on [low, high) (scipy's `loguniform`): good for `C`, `gamma`. */
export const logUniform = (low: number, high: number): Distribution =>
  distribution('logUniform', low, high);
/** Integers uniform in [low, high) (scipy's `randint`). */
export const randInt = (low: number, high: number): Distribution =>
  distribution('randInt', low, high);

/** What {@link sampleParams} draws from: value lists or distributions. */
export type ParamDistributions = Readonly<Record<string, readonly unknown[] | Distribution>>;

function checkGrid(where: string, grid: Readonly<Record<string, unknown>>): void {
  for (const [key, values] of Object.entries(grid)) {
    const isDist = values !== null && typeof values === 'object' && 'kind' in values;
    if (!isDist && (!Array.isArray(values) || values.length === 0)) {
      throw new InvalidParameterError(where, key, 'needs a non-empty array of candidate values.');
    }
  }
}

/**
 * Every combination of a grid (or of each grid in a list, in turn), as scikit-learn's
 * `ParameterGrid`: keys sorted, the last key varying fastest.
 */
export function expandGrid(grid: ParamGrid | readonly ParamGrid[]): Record<string, unknown>[] {
  const grids = (Array.isArray(grid) ? grid : [grid]) as readonly ParamGrid[];
  const out: Record<string, unknown>[] = [];
  for (const g of grids) {
    checkGrid('GridSearchCV', g);
    const keys = Object.keys(g).sort();
    const idx = new Array<number>(keys.length).fill(0);
    for (;;) {
      const combo: Record<string, unknown> = {};
      keys.forEach((k, i) => (combo[k] = g[k][idx[i]]));
      out.push(combo);
      let p = keys.length - 1;
      while (p >= 0 && ++idx[p] === g[keys[p]].length) idx[p--] = 0;
      if (p < 0) break;
    }
  }
  return out;
}

/**
 * `nIter` seeded parameter draws, as scikit-learn's `ParameterSampler`: when every entry is a list,
 * distinct grid points are drawn without replacement (at most the grid's size); otherwise each key
 * (sorted) is drawn independently, lists uniformly.
 */
export function sampleParams(
  distributions: ParamDistributions,
  nIter: number,
  seed: number,
): Record<string, unknown>[] {
  checkGrid('RandomizedSearchCV', distributions);
  const rng = new Random(seed);
  const keys = Object.keys(distributions).sort();
  const allLists = keys.every((k) => Array.isArray(distributions[k]));
  if (allLists) {
    const grid = expandGrid(distributions as ParamGrid);
    const picks = rng.sample(grid.length, Math.min(nIter, grid.length));
    return Array.from(picks, (i) => grid[i]);
  }
  const out: Record<string, unknown>[] = [];
  for (let it = 0; it < nIter; it++) {
    const combo: Record<string, unknown> = {};
    for (const k of keys) {
      const d = distributions[k];
      if (Array.isArray(d)) combo[k] = d[rng.int(d.length)];
      else {
        const { kind, low, high } = d as Distribution;
        combo[k] =
          kind === 'uniform'
            ? rng.uniform(low, high)
            : kind === 'logUniform'
              ? Math.exp(rng.uniform(Math.log(low), Math.log(high)))
              : low + rng.int(high - low);
      }
    }
    out.push(combo);
  }
  return out;
}
