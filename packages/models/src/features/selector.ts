import type { DenseMatrix } from '../data/matrix.js';
import { denseMatrix } from '../data/matrix.js';
import { EstimatorInputError, InvalidParameterError, NotFittedError } from '../errors.js';
import { toInt32 } from '../estimators/base.js';
import { Parameterized } from '../estimators/parameterized.js';
import type { EstimatorJSON, Transformer } from '../estimators/classifier.js';
import { checkLabels, checkMatrix, checkPredictInput } from '../estimators/input-checks.js';

/** The fitted state every feature selector stores: which input columns it keeps. */
interface SelectorState<D> {
  nFeatures: number;
  support: Int32Array;
  details: D;
}

/**
 * Shared machinery of the supervised feature selectors (`SelectKBest`, `FreshSelector`, `RFECV`):
 * they learn from `X` and the labels which columns to keep, `transform` keeps those columns in
 * their original order, and the JSON form carries the kept indices, so a pipeline exported with a
 * selector applies the same features to new data.
 *
 * @typeParam P - the hyper-parameters.
 * @typeParam D - what the selector learned besides the kept columns (scores, p-values...).
 */
export abstract class FeatureSelector<P extends object, D>
  extends Parameterized<P>
  implements Transformer<P>
{
  private state: SelectorState<D> | undefined;

  /** Indices of the kept input columns, ascending. Throws `NotFittedError` before `fit`. */
  get support(): Int32Array {
    return this.fitted().support;
  }

  /** The number of input features seen by `fit`, or `undefined` before. */
  get nFeatures(): number | undefined {
    return this.state?.nFeatures;
  }

  /** What the selector learned besides the kept columns. Throws `NotFittedError` before `fit`. */
  protected get details(): D {
    return this.fitted().details;
  }

  /** Learns which columns to keep from `X` and the class labels `y`, and returns `this`. */
  fit(X: DenseMatrix, y?: Int32Array): this {
    checkMatrix(this.typeName, X);
    if (y === undefined) {
      throw new EstimatorInputError(
        this.typeName,
        'is a supervised selector: call fit(X, y) with the class labels.',
      );
    }
    checkLabels(this.typeName, X, y);
    const { support, details } = this.select(X, y);
    this.state = { nFeatures: X.cols, support: Int32Array.from(support).sort(), details };
    return this;
  }

  /** Fits and transforms in one call. */
  fitTransform(X: DenseMatrix, y: Int32Array): DenseMatrix {
    return this.fit(X, y).transform(X);
  }

  /** The kept columns of `X`, in their original order. */
  transform(X: DenseMatrix): DenseMatrix {
    checkPredictInput(this.typeName, X, this.state?.nFeatures);
    const support = this.fitted().support;
    const out = denseMatrix(X.rows, support.length);
    const k = support.length;
    for (let i = 0; i < X.rows; i++) {
      const o = i * X.cols;
      for (let j = 0; j < k; j++) out.data[i * k + j] = X.data[o + support[j]];
    }
    return out;
  }

  /** The names of the kept columns. */
  featureNamesOut(input: readonly string[]): string[] {
    const { nFeatures, support } = this.fitted();
    if (input.length !== nFeatures) {
      throw new EstimatorInputError(
        this.typeName,
        `got ${input.length} feature names for ${nFeatures} features.`,
      );
    }
    return Array.from(support, (j) => input[j]);
  }

  /** The JSON form: type name, parameters and the kept columns with what was learned. */
  toJSON(): EstimatorJSON {
    return {
      type: this.typeName,
      params: this.paramsJSON(),
      state: this.state
        ? {
            nFeatures: this.state.nFeatures,
            support: this.state.support,
            details: this.state.details,
          }
        : null,
    };
  }

  /** Restores the fitted state from `toJSON().state`. */
  protected restore(state: unknown, decodeDetails: (d: unknown) => D): this {
    if (state === null || state === undefined) return this;
    const s = state as { nFeatures: unknown; support: unknown; details: unknown };
    this.state = {
      nFeatures: Number(s.nFeatures),
      support: toInt32(s.support),
      details: decodeDetails(s.details),
    };
    return this;
  }

  /** The hyper-parameters as JSON data (override when one of them is not plain data). */
  protected paramsJSON(): Record<string, unknown> {
    return { ...this.params };
  }

  /** Throws `InvalidParameterError` naming `name` unless `value` is an integer in `[1, nFeatures]`. */
  protected checkCount(name: string, value: number, nFeatures: number): void {
    if (!Number.isInteger(value) || value < 1 || value > nFeatures) {
      throw new InvalidParameterError(
        this.typeName,
        name,
        `must be an integer between 1 and the number of features (${nFeatures}), got ${String(value)}.`,
      );
    }
  }

  /** Chooses the columns to keep from validated `X` and `y`. */
  protected abstract select(
    X: DenseMatrix,
    y: Int32Array,
  ): { support: ArrayLike<number>; details: D };

  private fitted(): SelectorState<D> {
    if (!this.state) throw new NotFittedError(this.typeName);
    return this.state;
  }
}

/**
 * Indices of the `k` highest scores, ascending, choosing like scikit-learn's `SelectKBest`: a
 * stable ascending sort (NaN lowest) whose last `k` entries are kept, so ties favour later columns.
 */
export function topK(scores: ArrayLike<number>, k: number): Int32Array {
  const n = scores.length;
  const key = (i: number): number => (Number.isNaN(scores[i]) ? -Infinity : scores[i]);
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => key(a) - key(b) || a - b);
  return Int32Array.from(order.slice(n - k)).sort();
}
