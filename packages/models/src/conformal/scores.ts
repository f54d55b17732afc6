import type { DenseMatrix } from '../data/matrix.js';
import { EstimatorInputError, InvalidParameterError } from '../errors.js';

/**
 * A conformal score (non-conformity: larger means the label fits the row worse):
 * - `lac`: `1 − p(y)` (least ambiguous set-valued classifier; smallest sets on average);
 * - `aps`: total probability of the labels ranked at or above `y` (adaptive prediction sets; sets
 *   grow with the model's uncertainty);
 * - `raps`: `aps` plus `lambda · max(0, rank(y) − kReg)`, which discourages long tails of
 *   unlikely labels;
 * - `topk`: the rank of `y` among the labels by probability (1 = most probable).
 *
 * Labels are ranked by probability, ties by class index; APS and RAPS are the non-randomised
 * (slightly conservative) versions.
 */
export type ConformalMethod = 'lac' | 'aps' | 'raps' | 'topk';

/** The extra parameters of the RAPS score. */
export interface RapsOptions {
  /** Ranks up to `kReg` are not penalised. Default 1. */
  readonly kReg?: number;
  /** Penalty per rank beyond `kReg`. Default 0.01. */
  readonly lambda?: number;
}

/** The conformal methods, for validation and iteration. */
export const CONFORMAL_METHODS: readonly ConformalMethod[] = Object.freeze([
  'lac',
  'aps',
  'raps',
  'topk',
]);

/** Scores of every class for one probability row, written into `out` (length k). */
function rowScores(
  p: Float64Array,
  method: ConformalMethod,
  kReg: number,
  lambda: number,
  order: Int32Array,
  out: Float64Array,
): void {
  const k = p.length;
  if (method === 'lac') {
    for (let c = 0; c < k; c++) out[c] = 1 - p[c];
    return;
  }
  for (let c = 0; c < k; c++) order[c] = c;
  // Descending probability, ties by class index: insertion sort (k is small).
  for (let i = 1; i < k; i++) {
    const c = order[i];
    let j = i - 1;
    while (j >= 0 && p[order[j]] < p[c]) {
      order[j + 1] = order[j];
      j--;
    }
    order[j + 1] = c;
  }
  let cumulative = 0;
  for (let r = 0; r < k; r++) {
    const c = order[r];
    cumulative += p[c];
    const rank = r + 1;
    if (method === 'topk') out[c] = rank;
    else if (method === 'aps') out[c] = cumulative;
    else out[c] = cumulative + lambda * Math.max(0, rank - kReg);
  }
}

function checkMethod(method: ConformalMethod): void {
  if (!CONFORMAL_METHODS.includes(method)) {
    throw new InvalidParameterError(
      'conformal',
      'method',
      `must be one of ${CONFORMAL_METHODS.join(', ')}, got ${JSON.stringify(method)}.`,
    );
  }
}

/**
 * The score of the true class of each row: `proba` has one column per class and `yIndex[i]` is the
 * column of row i's label.
 */
export function conformalScores(
  proba: DenseMatrix,
  yIndex: Int32Array,
  method: ConformalMethod,
  options: RapsOptions = {},
): Float64Array {
  checkMethod(method);
  if (yIndex.length !== proba.rows) {
    throw new EstimatorInputError(
      'conformalScores',
      `${yIndex.length} labels for ${proba.rows} probability rows.`,
    );
  }
  const k = proba.cols;
  const out = new Float64Array(proba.rows);
  const scores = new Float64Array(k);
  const order = new Int32Array(k);
  for (let i = 0; i < proba.rows; i++) {
    if (!(yIndex[i] >= 0 && yIndex[i] < k)) {
      throw new EstimatorInputError(
        'conformalScores',
        `label index ${yIndex[i]} of row ${i} is not a column of proba.`,
      );
    }
    rowScores(
      proba.data.subarray(i * k, (i + 1) * k),
      method,
      options.kReg ?? 1,
      options.lambda ?? 0.01,
      order,
      scores,
    );
    out[i] = scores[yIndex[i]];
  }
  return out;
}

/** Throws `InvalidParameterError` unless `alpha` is in (0, 1). */
export function checkAlpha(owner: string, alpha: number): void {
  if (typeof alpha !== 'number' || !(alpha > 0 && alpha < 1)) {
    throw new InvalidParameterError(
      owner,
      'alpha',
      `the miscoverage level must be in (0, 1), got ${String(alpha)}.`,
    );
  }
}

/**
 * The split-conformal threshold for miscoverage `alpha`: the quantile of the calibration scores at
 * level ⌈(n+1)(1−α)⌉/n with NumPy's `method='higher'`, which gives sets covering the true label
 * with probability at least 1 − α on exchangeable data. `Infinity` (every label) when n is too
 * small for that level.
 */
export function conformalQuantile(scores: ArrayLike<number>, alpha: number): number {
  checkAlpha('conformalQuantile', alpha);
  const n = scores.length;
  if (n === 0) throw new EstimatorInputError('conformalQuantile', 'no calibration scores.');
  // The same floating-point expression as the reference, so the level rounds identically.
  const m = Math.ceil((n + 1) * (1 - alpha));
  if (m > n) return Infinity;
  const sorted = Float64Array.from(scores).sort();
  // NumPy 'higher' at q = m/n picks index ceil(q (n − 1)), in exact integer arithmetic here.
  const index = Math.ceil((m * (n - 1)) / n);
  return sorted[Math.min(Math.max(index, 0), n - 1)];
}

/**
 * Prediction sets: for each row, the class columns whose score is at most `qhat`, ascending.
 */
export function predictionSets(
  proba: DenseMatrix,
  qhat: number,
  method: ConformalMethod,
  options: RapsOptions = {},
): Int32Array[] {
  checkMethod(method);
  const k = proba.cols;
  const scores = new Float64Array(k);
  const order = new Int32Array(k);
  const member: number[] = [];
  const sets: Int32Array[] = [];
  for (let i = 0; i < proba.rows; i++) {
    rowScores(
      proba.data.subarray(i * k, (i + 1) * k),
      method,
      options.kReg ?? 1,
      options.lambda ?? 0.01,
      order,
      scores,
    );
    member.length = 0;
    for (let c = 0; c < k; c++) if (scores[c] <= qhat) member.push(c);
    sets.push(Int32Array.from(member));
  }
  return sets;
}

/** Fraction of rows whose true label is in its prediction set. */
export function coverage(sets: readonly ArrayLike<number>[], y: ArrayLike<number>): number {
  if (sets.length !== y.length)
    throw new EstimatorInputError('coverage', `${sets.length} sets for ${y.length} labels.`);
  if (sets.length === 0) throw new EstimatorInputError('coverage', 'no sets given.');
  let hit = 0;
  for (let i = 0; i < sets.length; i++) {
    const s = sets[i];
    for (let j = 0; j < s.length; j++) {
      if (s[j] === y[i]) {
        hit++;
        break;
      }
    }
  }
  return hit / sets.length;
}

/** Mean number of labels per prediction set. */
export function meanSetSize(sets: readonly ArrayLike<number>[]): number {
  if (sets.length === 0) throw new EstimatorInputError('meanSetSize', 'no sets given.');
  let total = 0;
  for (const s of sets) total += s.length;
  return total / sets.length;
}

/** How many sets have each size `0 … maxSize` (for a set-size histogram). */
export function setSizeCounts(sets: readonly ArrayLike<number>[], maxSize: number): Int32Array {
  const counts = new Int32Array(maxSize + 1);
  for (const s of sets) counts[Math.min(s.length, maxSize)]++;
  return counts;
}
