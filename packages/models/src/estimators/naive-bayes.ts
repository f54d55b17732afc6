import type { DenseMatrix } from '../data/matrix.js';
import { denseMatrix } from '../data/matrix.js';
import { EstimatorInputError, InvalidParameterError } from '../errors.js';
import { BaseClassifier, checkJSONType, toFloat64 } from './base.js';
import type { EstimatorJSON } from './classifier.js';
import { registerEstimator } from './estimator-registry.js';
import { checkNumber } from './param-checks.js';
import { declareParams } from './param-spec.js';

/** Hyper-parameters of {@link GaussianNB}. */
export interface GaussianNBParams {
  /**
   * Portion of the largest feature variance added to every class variance, for stability (and so
   * that constant features do not divide by zero). scikit-learn's `var_smoothing`. Default `1e-9`.
   */
  varSmoothing: number;
  /** Class prior probabilities in class order; `null` (default) uses the class frequencies. */
  priors: readonly number[] | null;
}

/** The fitted parameters of {@link GaussianNB}, named as in scikit-learn. */
export interface GaussianNBModel {
  /** Prior probability of each class. */
  classPrior: Float64Array;
  /** Per-class feature means, `nClasses × nFeatures` row-major (`theta_`). */
  theta: Float64Array;
  /** Per-class feature variances including the smoothing, `nClasses × nFeatures` (`var_`). */
  variance: Float64Array;
  /** The absolute smoothing added to the variances (`epsilon_`). */
  epsilon: number;
}

/** The declared hyper-parameters of {@link GaussianNB}. */
export const GAUSSIAN_NB_PARAMS = declareParams<GaussianNBParams>('GaussianNB', {
  varSmoothing: {
    kind: 'number',
    min: 0,
    exclusiveMin: true,
    default: 1e-9,
    grid: [1e-9],
    doc: 'Variance smoothing (scikit-learn var_smoothing).',
  },
  priors: {
    kind: 'other',
    accepts: 'null or probabilities summing to 1, one per class',
    default: null,
    doc: 'Class prior probabilities (null: the class frequencies).',
    check: checkPriors,
  },
});

function checkPriors(estimator: string, name: string, priors: readonly number[] | null): void {
  if (priors === null) return;
  if (!Array.isArray(priors) || priors.length === 0) {
    throw new InvalidParameterError(estimator, name, 'must be null or an array of probabilities.');
  }
  let sum = 0;
  priors.forEach((p, i) => {
    checkNumber(estimator, `${name}[${i}]`, p, { min: 0 });
    sum += p;
  });
  if (Math.abs(sum - 1) > 1e-8) {
    throw new InvalidParameterError(estimator, name, `must sum to 1, got ${sum}.`);
  }
}

/**
 * Gaussian naive Bayes, numerically the same as scikit-learn's `GaussianNB`: per-class feature
 * means and (population) variances plus `varSmoothing × max feature variance`, and probabilities
 * from log-likelihoods normalised with log-sum-exp, so distant points keep finite probabilities.
 *
 * @example
 * ```ts
 * const nb = new GaussianNB().fit(train.X, train.y);
 * const proba = nb.predictProba(test.X); // test.X.rows × nb.classes.length
 * ```
 */
export class GaussianNB extends BaseClassifier<GaussianNBParams, GaussianNBModel> {
  constructor(params: Partial<GaussianNBParams> = {}) {
    super(GAUSSIAN_NB_PARAMS, params);
  }

  /** Rebuilds a `GaussianNB` from `toJSON()` output. */
  static fromJSON(json: EstimatorJSON): GaussianNB {
    checkJSONType(json, 'GaussianNB');
    return new GaussianNB(json.params).restore(json.state);
  }

  /** The fitted parameters (means, variances, priors); throws `NotFittedError` before `fit`. */
  get fitted(): Readonly<GaussianNBModel> {
    return this.model;
  }

  protected fitEncoded(X: DenseMatrix, y: Int32Array, k: number): GaussianNBModel {
    const { rows: n, cols: d, data } = X;
    const priors = this.params.priors;
    if (priors !== null && priors.length !== k) {
      throw new EstimatorInputError(
        this.typeName,
        `priors has ${priors.length} entries but y has ${k} classes.`,
      );
    }
    const counts = new Float64Array(k);
    const theta = new Float64Array(k * d);
    const variance = new Float64Array(k * d);
    // Two passes (means, then squared deviations) as NumPy's var does, for parity and stability.
    for (let i = 0; i < n; i++) {
      const c = y[i];
      counts[c]++;
      for (let j = 0; j < d; j++) theta[c * d + j] += data[i * d + j];
    }
    for (let c = 0; c < k; c++) for (let j = 0; j < d; j++) theta[c * d + j] /= counts[c];
    for (let i = 0; i < n; i++) {
      const c = y[i];
      for (let j = 0; j < d; j++) {
        const e = data[i * d + j] - theta[c * d + j];
        variance[c * d + j] += e * e;
      }
    }
    for (let c = 0; c < k; c++) for (let j = 0; j < d; j++) variance[c * d + j] /= counts[c];

    // epsilon = varSmoothing × the largest variance of any feature over all rows.
    let maxVar = 0;
    for (let j = 0; j < d; j++) {
      let mean = 0;
      for (let i = 0; i < n; i++) mean += data[i * d + j];
      mean /= n;
      let ss = 0;
      for (let i = 0; i < n; i++) {
        const e = data[i * d + j] - mean;
        ss += e * e;
      }
      maxVar = Math.max(maxVar, ss / n);
    }
    // When every feature is constant scikit-learn divides by zero; scale by 1 instead.
    const epsilon = this.params.varSmoothing * (maxVar > 0 ? maxVar : 1);
    for (let i = 0; i < variance.length; i++) variance[i] += epsilon;

    const classPrior = priors !== null ? Float64Array.from(priors) : counts.map((c) => c / n);
    return { classPrior, theta, variance, epsilon };
  }

  /** Per-class joint log-likelihoods `log P(c) + log P(x | c)`, `X.rows × nClasses`. */
  private jointLogLikelihood(X: DenseMatrix): DenseMatrix {
    const { classPrior, theta, variance } = this.model;
    const k = classPrior.length;
    const d = X.cols;
    const base = new Float64Array(k);
    const invVar = new Float64Array(k * d);
    for (let c = 0; c < k; c++) {
      let s = 0;
      for (let j = 0; j < d; j++) {
        s += Math.log(2 * Math.PI * variance[c * d + j]);
        invVar[c * d + j] = 1 / variance[c * d + j];
      }
      base[c] = Math.log(classPrior[c]) - 0.5 * s;
    }
    const out = denseMatrix(X.rows, k);
    const x = X.data;
    for (let i = 0; i < X.rows; i++) {
      for (let c = 0; c < k; c++) {
        let q = 0;
        for (let j = 0; j < d; j++) {
          const e = x[i * d + j] - theta[c * d + j];
          q += e * e * invVar[c * d + j];
        }
        out.data[i * k + c] = base[c] - 0.5 * q;
      }
    }
    return out;
  }

  protected probaEncoded(X: DenseMatrix): DenseMatrix {
    const jll = this.jointLogLikelihood(X);
    softmaxRowsInPlace(jll);
    return jll;
  }

  /** `false`: labels are the arg-max of the joint log-likelihood, which can differ from the probabilities' where they round to a tie. */
  override get predictsArgmax(): boolean {
    return false;
  }

  protected override predictEncoded(X: DenseMatrix): Int32Array {
    const jll = this.jointLogLikelihood(X);
    const k = jll.cols;
    const out = new Int32Array(X.rows);
    for (let i = 0; i < X.rows; i++) {
      let best = 0;
      for (let c = 1; c < k; c++) if (jll.data[i * k + c] > jll.data[i * k + best]) best = c;
      out[i] = best;
    }
    return out;
  }

  protected decodeModel(data: unknown): GaussianNBModel {
    const m = data as Record<string, unknown>;
    return {
      classPrior: toFloat64(m.classPrior),
      theta: toFloat64(m.theta),
      variance: toFloat64(m.variance),
      epsilon: Number(m.epsilon),
    };
  }
}

/**
 * Turns each row of log-scores into probabilities in place (`exp(s − logsumexp(s))`). A row whose
 * scores are all −∞ (overflowed distances) becomes uniform rather than NaN.
 */
export function softmaxRowsInPlace(S: DenseMatrix): void {
  const k = S.cols;
  const d = S.data;
  for (let i = 0; i < S.rows; i++) {
    const o = i * k;
    let max = -Infinity;
    for (let c = 0; c < k; c++) if (d[o + c] > max) max = d[o + c];
    if (max === -Infinity) {
      for (let c = 0; c < k; c++) d[o + c] = 1 / k;
      continue;
    }
    let sum = 0;
    for (let c = 0; c < k; c++) sum += Math.exp(d[o + c] - max);
    const lse = max + Math.log(sum);
    for (let c = 0; c < k; c++) d[o + c] = Math.exp(d[o + c] - lse);
  }
}

registerEstimator('GaussianNB', GaussianNB, (json) => GaussianNB.fromJSON(json));
