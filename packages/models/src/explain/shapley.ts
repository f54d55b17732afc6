import type { DenseMatrix } from '../data/matrix.js';
import { denseMatrix } from '../data/matrix.js';
import { Random } from '../data/random.js';
import {
  EstimatorInputError,
  InvalidParameterError,
  UnsupportedOperationError,
} from '../errors.js';
import { checkMatrix } from '../estimators/input-checks.js';
import { checkNumber } from '../estimators/param-checks.js';

/** Anything with class probabilities: every classifier, or a plain `{ predictProba }` wrapper. */
export interface ProbabilisticModel {
  /** Class probabilities, one row per row of `X`. */
  predictProba(X: DenseMatrix): DenseMatrix;
}

/** Options shared by {@link exactShap} and {@link kernelShap}. */
export interface ShapOptions {
  /**
   * Background rows standing in for "feature unknown": a feature outside a coalition takes each
   * background row's value in turn (interventional Shapley values).
   */
  readonly background: DenseMatrix;
  /**
   * Weight of each background row (e.g. the cluster shares of `kmeansBackground`); normalised
   * to add up to 1. @default equal weights
   */
  readonly backgroundWeights?: Float64Array;
  /** Most background rows accepted; more make every evaluation slower. Default 1,000. */
  readonly maxBackground?: number;
  /** Most rows per `predictProba` call (explained rows × background rows). Default 250,000. */
  readonly maxBatchRows?: number;
}

/**
 * Shapley values of a model's class probabilities: `values[(i · features + j) · classes + c]` is
 * feature j's contribution to the probability of class c for row i. For each row and class they
 * add up to `prediction − baseValue` (efficiency).
 */
export interface ShapExplanation {
  /** Number of explained rows. */
  readonly rows: number;
  /** Number of features. */
  readonly features: number;
  /** Number of classes (probability columns). */
  readonly classes: number;
  /** φ, `rows × features × classes`. */
  readonly values: Float64Array;
  /** E[f] over the background, per class. */
  readonly baseValue: Float64Array;
  /** f(x) for each explained row, `rows × classes`. */
  readonly prediction: DenseMatrix;
}

/** Global importance from Shapley values: mean |φ| over the explained rows. */
export interface ShapImportance {
  /** Mean |φ| of each feature for each class, `features × classes`. */
  readonly perClass: DenseMatrix;
  /** Mean |φ| of each feature averaged over classes. */
  readonly overall: Float64Array;
}

/** φ of one row, feature and class. */
export function shapValue(e: ShapExplanation, row: number, feature: number, cls: number): number {
  return e.values[(row * e.features + feature) * e.classes + cls];
}

/**
 * Global feature importance: mean |φ| over the explained rows, per class and averaged over
 * classes (the length of the bars in a SHAP summary bar chart).
 */
export function shapImportance(e: ShapExplanation): ShapImportance {
  const perClass = denseMatrix(e.features, e.classes);
  for (let i = 0; i < e.rows; i++) {
    for (let j = 0; j < e.features; j++) {
      for (let c = 0; c < e.classes; c++)
        perClass.data[j * e.classes + c] += Math.abs(shapValue(e, i, j, c));
    }
  }
  for (let k = 0; k < perClass.data.length; k++) perClass.data[k] /= e.rows;
  const overall = new Float64Array(e.features);
  for (let j = 0; j < e.features; j++) {
    let s = 0;
    for (let c = 0; c < e.classes; c++) s += perClass.data[j * e.classes + c];
    overall[j] = s / e.classes;
  }
  return { perClass, overall };
}

/** `n` background rows drawn from `X` without replacement (all of `X` when it has fewer). */
export function sampleBackground(X: DenseMatrix, n: number, seed = 0): DenseMatrix {
  checkNumber('sampleBackground', 'n', n, { min: 1, integer: true });
  if (n >= X.rows) return denseMatrix(X.rows, X.cols, X.data.slice());
  const idx = new Random(seed).sample(X.rows, n).sort();
  const out = denseMatrix(n, X.cols);
  for (let k = 0; k < n; k++)
    out.data.set(X.data.subarray(idx[k] * X.cols, (idx[k] + 1) * X.cols), k * X.cols);
  return out;
}

/**
 * Evaluates coalition values v(S) = mean over background rows b of f(x with features outside S
 * taken from b), for chunks of explained rows: one batched `predictProba` per coalition and chunk.
 * Shared by the exact and the kernel estimators.
 */
export class CoalitionEvaluator {
  readonly rows: number;
  readonly features: number;
  readonly classes: number;
  /** E[f] over the background. */
  readonly baseValue: Float64Array;
  /** f(x) for each explained row. */
  readonly prediction: DenseMatrix;
  private readonly chunk: number;
  private readonly background: DenseMatrix;
  private readonly weights: Float64Array;

  constructor(
    private readonly owner: string,
    private readonly model: ProbabilisticModel,
    private readonly X: DenseMatrix,
    options: ShapOptions,
  ) {
    if (!model || typeof (model as Partial<ProbabilisticModel>).predictProba !== 'function') {
      throw new UnsupportedOperationError(
        owner,
        'the model has no predictProba; Shapley values explain class probabilities.',
      );
    }
    checkMatrix(owner, X);
    const bg = options.background;
    checkMatrix(owner, bg, 'background');
    const maxBackground = options.maxBackground ?? 1000;
    const maxBatchRows = options.maxBatchRows ?? 250_000;
    checkNumber(owner, 'maxBackground', maxBackground, { min: 1, integer: true });
    checkNumber(owner, 'maxBatchRows', maxBatchRows, { min: 1, integer: true });
    if (bg.rows > maxBackground) {
      throw new InvalidParameterError(
        owner,
        'background',
        `has ${bg.rows} rows, more than maxBackground (${maxBackground}); summarise it with sampleBackground(X, n) or raise maxBackground.`,
      );
    }
    if (bg.cols !== X.cols) {
      throw new EstimatorInputError(
        owner,
        `background has ${bg.cols} features but X has ${X.cols}.`,
      );
    }
    this.background = bg;
    this.weights = backgroundWeights(owner, bg.rows, options.backgroundWeights);
    this.rows = X.rows;
    this.features = X.cols;
    this.chunk = Math.max(1, Math.floor(maxBatchRows / bg.rows));
    const bgProba = model.predictProba(bg);
    this.classes = bgProba.cols;
    this.baseValue = new Float64Array(this.classes);
    for (let b = 0; b < bg.rows; b++)
      for (let c = 0; c < this.classes; c++)
        this.baseValue[c] += this.weights[b] * bgProba.data[b * this.classes + c];
    this.prediction = model.predictProba(X);
    if (this.prediction.cols !== this.classes || this.prediction.rows !== X.rows) {
      throw new EstimatorInputError(
        owner,
        'predictProba returned inconsistent shapes for X and the background.',
      );
    }
  }

  /**
   * Calls `visit(mask, chunkStart, chunkRows, v)` for every coalition in `masks` and every chunk of
   * explained rows, with `v` the coalition's values, `chunkRows × classes`. `mask[j]` is 1 when
   * feature j is in the coalition. The empty coalition's values are {@link baseValue} and the full
   * one's {@link prediction}, both already known: neither costs a model call.
   */
  forEachCoalition(
    masks: readonly Uint8Array[],
    visit: (k: number, start: number, count: number, v: Float64Array) => void,
  ): void {
    const { features: p, classes: K, background, weights } = this;
    const B = background.rows;
    const v = new Float64Array(this.chunk * K);
    for (let start = 0; start < this.rows; start += this.chunk) {
      const count = Math.min(this.chunk, this.rows - start);
      const batch = denseMatrix(count * B, p);
      for (let i = 0; i < count; i++) batch.data.set(background.data, i * B * p);
      for (let k = 0; k < masks.length; k++) {
        const mask = masks[k];
        const size = mask.reduce((a, m) => a + m, 0);
        if (size === 0 || size === p) {
          for (let i = 0; i < count; i++) {
            const known = size === 0 ? this.baseValue : this.prediction.data;
            const from = size === 0 ? 0 : (start + i) * K;
            for (let c = 0; c < K; c++) v[i * K + c] = known[from + c];
          }
          visit(k, start, count, v);
          continue;
        }
        // Coalition features from x, the others from each background row.
        for (let i = 0; i < count; i++) {
          const x = (start + i) * p;
          for (let b = 0; b < B; b++) {
            const o = (i * B + b) * p;
            for (let j = 0; j < p; j++)
              batch.data[o + j] = mask[j] ? this.X.data[x + j] : background.data[b * p + j];
          }
        }
        const proba = this.model.predictProba(batch);
        v.fill(0, 0, count * K);
        for (let i = 0; i < count; i++) {
          for (let b = 0; b < B; b++) {
            const o = (i * B + b) * K;
            for (let c = 0; c < K; c++) v[i * K + c] += weights[b] * proba.data[o + c];
          }
        }
        visit(k, start, count, v);
      }
    }
  }
}

/** The background weights normalised to add up to 1 (equal when not given), checked. */
function backgroundWeights(
  owner: string,
  rows: number,
  given: Float64Array | undefined,
): Float64Array {
  if (given === undefined) return new Float64Array(rows).fill(1 / rows);
  if (!(given instanceof Float64Array) || given.length !== rows) {
    throw new InvalidParameterError(
      owner,
      'backgroundWeights',
      `must be a Float64Array with one weight per background row (${rows}).`,
    );
  }
  let sum = 0;
  for (const w of given) {
    if (!(w >= 0) || !Number.isFinite(w)) {
      throw new InvalidParameterError(
        owner,
        'backgroundWeights',
        `must be finite and ≥ 0, got ${w}.`,
      );
    }
    sum += w;
  }
  if (sum === 0) throw new InvalidParameterError(owner, 'backgroundWeights', 'add up to 0.');
  return given.map((w) => w / sum);
}
