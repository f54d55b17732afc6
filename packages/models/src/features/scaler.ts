import type { DenseMatrix } from '../data/matrix.js';
import { denseMatrix } from '../data/matrix.js';
import { BaseTransformer, checkJSONType, toFloat64 } from '../estimators/base.js';
import type { EstimatorJSON } from '../estimators/classifier.js';
import { registerEstimator } from '../estimators/estimator-registry.js';
import { checkPredictInput } from '../estimators/input-checks.js';
import { declareParams } from '../estimators/param-spec.js';

/** Hyper-parameters of {@link StandardScaler}. */
export interface StandardScalerParams {
  /** Subtract each feature's mean. Default `true`. */
  withMean: boolean;
  /** Divide by each feature's (population) standard deviation. Default `true`. */
  withStd: boolean;
}

/** The fitted statistics of {@link StandardScaler}. */
export interface StandardScalerModel {
  /** Per-feature mean (`mean_`). */
  mean: Float64Array;
  /** Per-feature divisor (`scale_`): the standard deviation, or 1 for constant features. */
  scale: Float64Array;
}

/** The declared hyper-parameters of {@link StandardScaler}. */
export const STANDARD_SCALER_PARAMS = declareParams<StandardScalerParams>('StandardScaler', {
  withMean: { kind: 'boolean', default: true, doc: "Subtract each feature's mean." },
  withStd: { kind: 'boolean', default: true, doc: "Divide by each feature's standard deviation." },
});

/**
 * Standardises features to zero mean and unit variance, as scikit-learn's `StandardScaler`
 * (population standard deviation; constant features are left unscaled instead of dividing by 0).
 *
 * @example
 * ```ts
 * const scaler = new StandardScaler().fit(train.X);
 * const Xs = scaler.transform(test.X);
 * ```
 */
export class StandardScaler extends BaseTransformer<StandardScalerParams, StandardScalerModel> {
  constructor(params: Partial<StandardScalerParams> = {}) {
    super(STANDARD_SCALER_PARAMS, params);
  }

  /** Rebuilds a `StandardScaler` from `toJSON()` output. */
  static fromJSON(json: EstimatorJSON): StandardScaler {
    checkJSONType(json, 'StandardScaler');
    return new StandardScaler(json.params).restore(json.state);
  }

  /** The fitted means and scales; throws `NotFittedError` before `fit`. */
  get fitted(): Readonly<StandardScalerModel> {
    return this.model;
  }

  /** Maps standardised rows back to the original units. */
  inverseTransform(X: DenseMatrix): DenseMatrix {
    checkPredictInput(this.typeName, X, this.nFeatures);
    const { mean, scale } = this.model;
    const d = X.cols;
    const out = denseMatrix(X.rows, d);
    for (let i = 0; i < X.data.length; i++) {
      const j = i % d;
      out.data[i] = X.data[i] * scale[j] + mean[j];
    }
    return out;
  }

  featureNamesOut(input: readonly string[]): string[] {
    return [...input];
  }

  protected fitModel(X: DenseMatrix): StandardScalerModel {
    const { rows: n, cols: d, data } = X;
    // Features beyond 1e150 would overflow the sums of values and squares (1e308 · n, (1e308)²):
    // they are summed divided by a power of two near their largest magnitude, which is exact, so
    // ordinary features keep scikit-learn's arithmetic bit for bit.
    const unit = new Float64Array(d).fill(1);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < d; j++) unit[j] = Math.max(unit[j], Math.abs(data[i * d + j]));
    }
    for (let j = 0; j < d; j++)
      unit[j] = unit[j] > 1e150 ? 2 ** Math.min(1023, Math.ceil(Math.log2(unit[j]))) : 1;
    const mean = new Float64Array(d);
    const scale = new Float64Array(d).fill(1);
    for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mean[j] += data[i * d + j] / unit[j];
    for (let j = 0; j < d; j++) mean[j] /= n;
    if (this.params.withStd) {
      const ss = new Float64Array(d);
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < d; j++) {
          const e = data[i * d + j] / unit[j] - mean[j];
          ss[j] += e * e;
        }
      }
      for (let j = 0; j < d; j++) {
        const v = ss[j] / n;
        // scikit-learn's _is_constant_feature: a variance within rounding error of 0 counts as
        // constant, and constant features keep scale 1 instead of dividing by ~0.
        const bound = n * Number.EPSILON * v + (n * mean[j] * Number.EPSILON) ** 2;
        scale[j] = v <= bound ? 1 : Math.sqrt(v) * unit[j];
      }
    }
    for (let j = 0; j < d; j++) mean[j] *= unit[j];
    if (!this.params.withMean) mean.fill(0);
    return { mean, scale };
  }

  protected apply(X: DenseMatrix): DenseMatrix {
    const { mean, scale } = this.model;
    const d = X.cols;
    const out = denseMatrix(X.rows, d);
    for (let i = 0; i < X.rows; i++) {
      for (let j = 0; j < d; j++) {
        const x = X.data[i * d + j];
        const e = x - mean[j];
        // x − mean can overflow when both are near ±1.8e308; the quotients cannot.
        out.data[i * d + j] = Number.isFinite(e) ? e / scale[j] : x / scale[j] - mean[j] / scale[j];
      }
    }
    return out;
  }

  protected decodeModel(data: unknown): StandardScalerModel {
    const m = data as Record<string, unknown>;
    return { mean: toFloat64(m.mean), scale: toFloat64(m.scale) };
  }
}

registerEstimator('StandardScaler', StandardScaler, (json) => StandardScaler.fromJSON(json));
