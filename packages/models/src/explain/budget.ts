import type { DenseMatrix } from '../data/matrix.js';
import { denseMatrix } from '../data/matrix.js';
import { checkMatrix } from '../estimators/input-checks.js';
import { checkNumber } from '../estimators/param-checks.js';
import type { ProbabilisticModel } from './shapley.js';

/** What a Shapley computation would like to use and what it may cost (see {@link planShap}). */
export interface ShapBudgetInput {
  /** Number of features M. */
  readonly features: number;
  /** Rows to explain, at most. */
  readonly rows: number;
  /** Background rows, at most. */
  readonly background: number;
  /** Measured cost of one model row (see {@link secondsPerRow}). */
  readonly secondsPerRow: number;
  /** Time budget. */
  readonly seconds: number;
  /** Most features explained exactly (2^M coalitions). @default 12 */
  readonly maxExactFeatures?: number;
}

/** How many rows, background rows and coalitions a Shapley computation uses. */
export interface ShapPlan {
  /** `exact`: every coalition ({@link exactShap}); `kernel`: Kernel SHAP's regression. */
  readonly algorithm: 'exact' | 'kernel';
  /** Rows explained. */
  readonly rows: number;
  /** Background rows (a k-means summary when fewer than the data has). */
  readonly background: number;
  /** Coalitions evaluated per row. */
  readonly coalitions: number;
  /** Coalitions that would be evaluated without a time budget (2^M, or shap's 2M + 2048). */
  readonly fullCoalitions: number;
  /** Predicted seconds: rows × background × coalitions × secondsPerRow. */
  readonly estimatedSeconds: number;
}

/** Fewest background rows the budget reduces to before it reduces anything else (as shap's examples use). */
const BACKGROUND_FLOOR = 10;
/** Fewest explained rows the budget reduces to before it thins the background below its floor. */
const ROWS_FLOOR = 20;

/**
 * Chooses the rows, background size and coalition count of a Shapley computation from the
 * feature count and a time budget. Each coalition costs `rows × background` model rows, so the
 * budget allows `seconds / secondsPerRow` model rows in all. Within it everything asked for is
 * kept; beyond it, in this order, until the cost fits: the background shrinks to 10 rows (a
 * k-means summary keeps its spread), Kernel SHAP's coalitions shrink to 2M + 2 (every single
 * feature and its complement once), the explained rows shrink to 20, the background to 1 row, and
 * the coalitions to M + 1. Up to `maxExactFeatures` features, all 2^M coalitions are enumerated
 * and only rows and background shrink. What remains may still exceed the budget; the plan says
 * so in `estimatedSeconds`.
 *
 * @example
 * ```ts
 * planShap({ features: 64, rows: 200, background: 100, secondsPerRow: 2e-6, seconds: 10 });
 * // { algorithm: 'kernel', rows: 200, background: 10, coalitions: 2176, ... } when it fits
 * ```
 */
export function planShap(input: ShapBudgetInput): ShapPlan {
  const owner = 'planShap';
  const M = input.features;
  checkNumber(owner, 'features', M, { min: 1, integer: true });
  checkNumber(owner, 'rows', input.rows, { min: 1, integer: true });
  checkNumber(owner, 'background', input.background, { min: 1, integer: true });
  checkNumber(owner, 'secondsPerRow', input.secondsPerRow, { min: 0 });
  checkNumber(owner, 'seconds', input.seconds, { min: 0, exclusiveMin: true });
  const maxExact = input.maxExactFeatures ?? 12;
  checkNumber(owner, 'maxExactFeatures', maxExact, { min: 1, integer: true });
  const exact = M <= maxExact;
  const full = exact ? 2 ** M : Math.min(2 * M + 2048, 2 ** M - 2);
  const affordable = input.seconds / Math.max(input.secondsPerRow, Number.MIN_VALUE);
  let rows = input.rows;
  let background = input.background;
  let coalitions = full;
  // The largest value of one factor that keeps the product within the budget, but not below floor.
  const fit = (value: number, floor: number, others: number): number =>
    Math.min(value, Math.max(Math.min(floor, value), Math.floor(affordable / others)));
  background = fit(background, BACKGROUND_FLOOR, rows * coalitions);
  if (!exact) coalitions = fit(coalitions, Math.min(2 * M + 2, full), rows * background);
  rows = fit(rows, ROWS_FLOOR, background * coalitions);
  background = fit(background, 1, rows * coalitions);
  if (!exact) coalitions = fit(coalitions, Math.min(M + 1, full), rows * background);
  return {
    algorithm: exact ? 'exact' : 'kernel',
    rows,
    background,
    coalitions,
    fullCoalitions: full,
    estimatedSeconds: rows * background * coalitions * input.secondsPerRow,
  };
}

/** What permutation importance would like to use and what it may cost (see {@link planPermutation}). */
export interface PermutationBudgetInput {
  /** Number of features. */
  readonly features: number;
  /** Rows scored, at most. */
  readonly rows: number;
  /** Shuffles per feature, at most. */
  readonly repeats: number;
  /** Measured cost of one model row (see {@link secondsPerRow}). */
  readonly secondsPerRow: number;
  /** Time budget. */
  readonly seconds: number;
}

/** How many rows and repeats permutation importance uses. */
export interface PermutationPlan {
  /** Rows scored (a stratified sample when fewer than the test split has). */
  readonly rows: number;
  /** Shuffles per feature. */
  readonly repeats: number;
  /** Predicted seconds: (features × repeats + 1) × rows × secondsPerRow. */
  readonly estimatedSeconds: number;
}

/** Fewest rows permutation importance reduces to before it reduces the repeats. */
const PERMUTATION_ROWS_FLOOR = 200;

/**
 * Chooses the rows and repeats of permutation importance from the feature count and a time
 * budget: each repeat of each feature scores every row once. Within the budget everything asked
 * for is kept; beyond it the rows shrink to 200, then the repeats to 1, then the rows to 50.
 *
 * @example
 * ```ts
 * planPermutation({ features: 200, rows: 60, repeats: 5, secondsPerRow: 1e-4, seconds: 10 });
 * ```
 */
export function planPermutation(input: PermutationBudgetInput): PermutationPlan {
  const owner = 'planPermutation';
  checkNumber(owner, 'features', input.features, { min: 1, integer: true });
  checkNumber(owner, 'rows', input.rows, { min: 1, integer: true });
  checkNumber(owner, 'repeats', input.repeats, { min: 1, integer: true });
  checkNumber(owner, 'secondsPerRow', input.secondsPerRow, { min: 0 });
  checkNumber(owner, 'seconds', input.seconds, { min: 0, exclusiveMin: true });
  const affordable = input.seconds / Math.max(input.secondsPerRow, Number.MIN_VALUE);
  const p = input.features;
  let rows = input.rows;
  let repeats = input.repeats;
  const rowsFit = (floor: number): number =>
    Math.min(rows, Math.max(Math.min(floor, rows), Math.floor(affordable / (p * repeats + 1))));
  rows = rowsFit(PERMUTATION_ROWS_FLOOR);
  repeats = Math.min(repeats, Math.max(1, Math.floor((affordable / rows - 1) / p)));
  rows = rowsFit(50);
  return { rows, repeats, estimatedSeconds: (p * repeats + 1) * rows * input.secondsPerRow };
}

/**
 * The measured cost of one row of `model.predictProba`: the faster of two timed calls on
 * `probeRows` rows tiled from `X`. Model evaluations dominate the cost of explanations, so this
 * turns a time budget into a number of model rows.
 */
export function secondsPerRow(model: ProbabilisticModel, X: DenseMatrix, probeRows = 500): number {
  checkMatrix('secondsPerRow', X);
  checkNumber('secondsPerRow', 'probeRows', probeRows, { min: 1, integer: true });
  const probe = denseMatrix(probeRows, X.cols);
  for (let i = 0; i < probeRows; i++) {
    const r = i % X.rows;
    probe.data.set(X.data.subarray(r * X.cols, (r + 1) * X.cols), i * X.cols);
  }
  let best = Infinity;
  for (let t = 0; t < 2; t++) {
    const started = performance.now();
    model.predictProba(probe);
    best = Math.min(best, (performance.now() - started) / 1000);
  }
  return best / probeRows;
}
