import type { DenseMatrix } from '../data/matrix.js';
import { denseMatrix } from '../data/matrix.js';
import { DataFormatError, NotFittedError } from '../errors.js';
import type { Classifier, EstimatorJSON, Transformer } from './classifier.js';
import { Parameterized } from './parameterized.js';
import { checkFitInput, checkMatrix, checkPredictInput } from './input-checks.js';

/** The fitted state common to every classifier, stored in `toJSON().state`. */
interface ClassifierState<M> {
  classes: Int32Array;
  nFeatures: number;
  model: M;
}

/**
 * Shared machinery of the classifiers: parameter defaults and validation, label encoding, input
 * checks, `predict` as the arg-max of `predictProba`, `withParams` and the JSON form. A subclass
 * implements `fitEncoded` (labels already mapped to `0 … K−1`) and `probaEncoded`, and reads and
 * writes its fitted model as structured-clone data.
 *
 * @typeParam P - the hyper-parameters.
 * @typeParam M - the fitted model's data (typed arrays and plain objects).
 */
export abstract class BaseClassifier<P extends object, M>
  extends Parameterized<P>
  implements Classifier<P>
{
  #fitted: ClassifierState<M> | undefined;

  /** The sorted class labels seen by `fit` (empty before). */
  get classes(): Int32Array {
    return this.#fitted?.classes ?? new Int32Array(0);
  }

  /** The number of features seen by `fit`, or `undefined` before. */
  get nFeatures(): number | undefined {
    return this.#fitted?.nFeatures;
  }

  /** Whether `predict` is the arg-max of `predictProba`: true unless a subclass predicts otherwise. */
  get predictsArgmax(): boolean {
    return true;
  }

  /** Whether `fit` has run (or the model was rebuilt from a fitted JSON form). */
  get isFitted(): boolean {
    return this.#fitted !== undefined;
  }

  /** The fitted model data; throws `NotFittedError` before `fit`. */
  protected get model(): M {
    if (!this.#fitted) throw new NotFittedError(this.typeName);
    return this.#fitted.model;
  }

  /** Fits the model on `X` and labels `y` and returns it. */
  fit(X: DenseMatrix, y: Int32Array): this {
    const { classes, yIndex } = checkFitInput(this.typeName, X, y);
    this.fitLabels = classes;
    try {
      const model = this.fitEncoded(X, yIndex, classes.length);
      this.#fitted = { classes, nFeatures: X.cols, model };
    } finally {
      this.fitLabels = undefined;
    }
    return this;
  }

  /**
   * During `fitEncoded`: the sorted original labels of the fit in progress (class index `i` is
   * label `fitLabels[i]`), for estimators that place prefit members' classes or name labels in errors.
   */
  protected fitLabels: Int32Array | undefined;

  /** Class probabilities, one row per sample and one column per entry of `classes`. */
  predictProba(X: DenseMatrix): DenseMatrix {
    checkPredictInput(this.typeName, X, this.#fitted?.nFeatures);
    return this.probaEncoded(X);
  }

  /** The most probable class label of each row (ties go to the smaller label, as in NumPy's argmax). */
  predict(X: DenseMatrix): Int32Array {
    checkPredictInput(this.typeName, X, this.#fitted?.nFeatures);
    const idx = this.predictEncoded(X);
    const classes = this.classes;
    const out = new Int32Array(idx.length);
    for (let i = 0; i < idx.length; i++) out[i] = classes[idx[i]];
    return out;
  }

  /** The JSON form: type name, parameters and fitted state (typed arrays kept as such). */
  toJSON(): EstimatorJSON {
    return {
      type: this.typeName,
      params: { ...this.params },
      state: this.#fitted
        ? {
            classes: this.#fitted.classes,
            nFeatures: this.#fitted.nFeatures,
            model: this.encodeModel(this.#fitted.model),
          }
        : null,
    };
  }

  /**
   * Restores the fitted state from `toJSON().state`; accepts typed arrays or their `JSON.parse`d
   * forms (plain arrays, or index-keyed objects from `JSON.stringify` of a typed array).
   */
  protected restore(state: unknown): this {
    if (state === null || state === undefined) return this;
    const s = state as { classes: unknown; nFeatures: number; model: unknown };
    this.#fitted = {
      classes: toInt32(s.classes),
      nFeatures: Number(s.nFeatures),
      model: this.decodeModel(s.model),
    };
    return this;
  }

  /** Learns from `X` and labels `yIndex` in `0 … nClasses−1`. Input is already validated. */
  protected abstract fitEncoded(X: DenseMatrix, yIndex: Int32Array, nClasses: number): M;

  /** Probabilities for validated `X`, columns in class-index order. */
  protected abstract probaEncoded(X: DenseMatrix): DenseMatrix;

  /** Class index of each row; defaults to the arg-max of `probaEncoded`. */
  protected predictEncoded(X: DenseMatrix): Int32Array {
    return argmaxRows(this.probaEncoded(X));
  }

  /** The fitted model as structured-clone data; the identity unless overridden. */
  protected encodeModel(model: M): unknown {
    return model;
  }

  /** Rebuilds the fitted model from `encodeModel`'s output (possibly after a JSON round trip). */
  protected abstract decodeModel(data: unknown): M;
}

/**
 * Shared machinery of the transformers: parameters, fitted-state bookkeeping and the JSON form.
 *
 * @typeParam P - the hyper-parameters.
 * @typeParam M - the fitted state's data.
 */
export abstract class BaseTransformer<P extends object, M>
  extends Parameterized<P>
  implements Transformer<P>
{
  #fitted: { nFeatures: number; model: M } | undefined;

  /** The number of input features seen by `fit`, or `undefined` before. */
  get nFeatures(): number | undefined {
    return this.#fitted?.nFeatures;
  }

  /** The fitted state; throws `NotFittedError` before `fit`. */
  protected get model(): M {
    if (!this.#fitted) throw new NotFittedError(this.typeName);
    return this.#fitted.model;
  }

  /** Learns the transform from `X` and returns it. */
  fit(X: DenseMatrix, _y?: Int32Array): this {
    checkMatrix(this.typeName, X);
    this.#fitted = { nFeatures: X.cols, model: this.fitModel(X) };
    return this;
  }

  /** Fits and transforms in one call. */
  fitTransform(X: DenseMatrix, y?: Int32Array): DenseMatrix {
    return this.fit(X, y).transform(X);
  }

  /** Maps each row of `X`. */
  transform(X: DenseMatrix): DenseMatrix {
    checkPredictInput(this.typeName, X, this.#fitted?.nFeatures);
    return this.apply(X);
  }

  /** The JSON form: type name, parameters and fitted state. */
  toJSON(): EstimatorJSON {
    return {
      type: this.typeName,
      params: { ...this.params },
      state: this.#fitted
        ? { nFeatures: this.#fitted.nFeatures, model: this.encodeModel(this.#fitted.model) }
        : null,
    };
  }

  /** Restores the fitted state from `toJSON().state`. */
  protected restore(state: unknown): this {
    if (state === null || state === undefined) return this;
    const s = state as { nFeatures: number; model: unknown };
    this.#fitted = { nFeatures: Number(s.nFeatures), model: this.decodeModel(s.model) };
    return this;
  }

  /** Names of the output columns given names of the input columns. */
  abstract featureNamesOut(input: readonly string[]): string[];

  /** Learns the state from validated `X`. */
  protected abstract fitModel(X: DenseMatrix): M;

  /** Maps validated `X`. */
  protected abstract apply(X: DenseMatrix): DenseMatrix;

  /** The fitted state as structured-clone data; the identity unless overridden. */
  protected encodeModel(model: M): unknown {
    return model;
  }

  /** Rebuilds the fitted state from `encodeModel`'s output. */
  protected abstract decodeModel(data: unknown): M;
}

/** Checks that a JSON form has the expected type before rebuilding from it. */
export function checkJSONType(json: EstimatorJSON, type: string): void {
  if (json === null || typeof json !== 'object' || json.type !== type) {
    throw new DataFormatError(
      `Cannot rebuild a ${type} from JSON of type ${JSON.stringify((json as { type?: unknown } | null)?.type)}.`,
    );
  }
}

/**
 * The labels and the probabilities of `model` on `X` in one pass when its `predict` is the
 * arg-max of `predictProba` (`predictsArgmax`), else `predict` and `predictProba` each once.
 *
 * @example
 * ```ts
 * const { labels, proba } = predictWithProba(model, test.X);
 * ```
 */
export function predictWithProba(
  model: Classifier,
  X: DenseMatrix,
): { labels: Int32Array; proba: DenseMatrix } {
  const proba = model.predictProba(X);
  if (model.predictsArgmax !== true) return { labels: model.predict(X), proba };
  const idx = argmaxRows(proba);
  const classes = model.classes;
  return { labels: Int32Array.from(idx, (c) => classes[c]), proba };
}

/** Index of the largest value in each row (first one on ties). */
export function argmaxRows(P: DenseMatrix): Int32Array {
  const out = new Int32Array(P.rows);
  const k = P.cols;
  const d = P.data;
  for (let i = 0; i < P.rows; i++) {
    let best = 0;
    let bestV = d[i * k];
    for (let c = 1; c < k; c++) {
      const v = d[i * k + c];
      if (v > bestV) {
        bestV = v;
        best = c;
      }
    }
    out[i] = best;
  }
  return out;
}

/** A `Float64Array` from a typed array, a plain array, or the object `JSON.stringify` makes of one. */
export function toFloat64(v: unknown): Float64Array {
  if (v instanceof Float64Array) return v;
  if (ArrayBuffer.isView(v) || Array.isArray(v)) return Float64Array.from(v as ArrayLike<number>);
  if (v && typeof v === 'object') return Float64Array.from(indexedValues(v));
  throw new DataFormatError(
    `Expected an array of numbers in an estimator's JSON form, got ${typeof v}.`,
  );
}

/** An `Int32Array` from a typed array, a plain array, or the object `JSON.stringify` makes of one. */
export function toInt32(v: unknown): Int32Array {
  if (v instanceof Int32Array) return v;
  if (ArrayBuffer.isView(v) || Array.isArray(v)) return Int32Array.from(v as ArrayLike<number>);
  if (v && typeof v === 'object') return Int32Array.from(indexedValues(v));
  throw new DataFormatError(
    `Expected an array of integers in an estimator's JSON form, got ${typeof v}.`,
  );
}

/** A `DenseMatrix` from its stored form (data possibly JSON-parsed). */
export function toMatrix(v: unknown): DenseMatrix {
  const m = v as { data: unknown; rows: number; cols: number };
  return denseMatrix(Number(m.rows), Number(m.cols), toFloat64(m.data));
}

function indexedValues(o: object): number[] {
  const rec = o as Record<string, number>;
  const n = Object.keys(rec).length;
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) out[i] = rec[i];
  return out;
}
