import type { DenseMatrix } from '../data/matrix.js';
import { denseMatrix } from '../data/matrix.js';
import { BaseClassifier, checkJSONType, toFloat64 } from './base.js';
import type { EstimatorJSON } from './classifier.js';
import { minimizeLbfgs } from './lbfgs.js';
import { registerEstimator } from './estimator-registry.js';
import { declareParams } from './param-spec.js';

/** Hyper-parameters of {@link LogisticRegression}. */
export interface LogisticRegressionParams {
  /** Inverse L2 regularisation strength (smaller = stronger). Default 1. */
  C: number;
  /** Fit an (unpenalised) intercept per class. Default `true`. */
  fitIntercept: boolean;
  /** Most L-BFGS iterations. Default 100. */
  maxIter: number;
  /** Stop when the largest gradient component of the mean loss is below `tol`. Default 1e-4. */
  tol: number;
}

/** The fitted coefficients of {@link LogisticRegression}. */
export interface LogisticRegressionModel {
  /**
   * Coefficients, `rows × nFeatures` row-major: one row per class (multinomial), or a single row
   * for the positive class when there are two classes (as scikit-learn's `coef_`).
   */
  coef: Float64Array;
  /** Intercepts, one per coefficient row. */
  intercept: Float64Array;
  /** L-BFGS iterations used. */
  nIter: number;
  /** Whether L-BFGS met its tolerance within `maxIter`. */
  converged: boolean;
}

/** The declared hyper-parameters of {@link LogisticRegression}. */
export const LOGISTIC_PARAMS = declareParams<LogisticRegressionParams>('LogisticRegression', {
  C: {
    kind: 'number',
    min: 0,
    exclusiveMin: true,
    default: 1,
    grid: [0.1, 1, 10],
    doc: 'Inverse regularisation strength.',
  },
  fitIntercept: { kind: 'boolean', default: true, doc: 'Fit an intercept per class.' },
  maxIter: { kind: 'number', integer: true, min: 1, default: 100, doc: 'Most L-BFGS iterations.' },
  tol: { kind: 'number', min: 0, exclusiveMin: true, default: 1e-4, doc: 'Gradient tolerance.' },
});

/**
 * L2-regularised logistic regression fitted with L-BFGS, as scikit-learn's `LogisticRegression`
 * with `solver='lbfgs'`: multinomial (softmax) for three or more classes, a single logistic
 * model for two. It minimises the mean log-loss plus `‖W‖² / (2·C·n)` (the intercept is not
 * penalised), the same optimum scikit-learn's objective has.
 *
 * @example
 * ```ts
 * const lr = new LogisticRegression({ C: 1 }).fit(train.X, train.y);
 * lr.fitted.converged; // true
 * ```
 */
export class LogisticRegression extends BaseClassifier<
  LogisticRegressionParams,
  LogisticRegressionModel
> {
  constructor(params: Partial<LogisticRegressionParams> = {}) {
    super(LOGISTIC_PARAMS, params);
  }

  /** Rebuilds a `LogisticRegression` from `toJSON()` output. */
  static fromJSON(json: EstimatorJSON): LogisticRegression {
    checkJSONType(json, 'LogisticRegression');
    return new LogisticRegression(json.params).restore(json.state);
  }

  /** The fitted coefficients and convergence information. */
  get fitted(): Readonly<LogisticRegressionModel> {
    return this.model;
  }

  protected fitEncoded(X: DenseMatrix, y: Int32Array, k: number): LogisticRegressionModel {
    const { C, fitIntercept, maxIter, tol } = this.params;
    const { rows: n, cols: d } = X;
    const binary = k === 2;
    const r = binary ? 1 : k; // coefficient rows
    const stride = d + 1; // each row: d coefficients then the intercept
    const lambda = 1 / (C * n);

    // Optimise over standardised features u = (x − μ)/s, an exact reparametrisation
    // (v = w·s, a = b + w·μ, penalty Σ (v/s)²) with the same optimum but a far better
    // conditioned problem, so that L-BFGS converges in fewer iterations on raw coordinates.
    const mu = new Float64Array(d);
    const sd = new Float64Array(d);
    for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mu[j] += X.data[i * d + j];
    for (let j = 0; j < d; j++) mu[j] = fitIntercept ? mu[j] / n : 0;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < d; j++) sd[j] += (X.data[i * d + j] - mu[j]) ** 2;
    }
    for (let j = 0; j < d; j++) sd[j] = Math.sqrt(sd[j] / n) || 1;
    const u = new Float64Array(n * d);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < d; j++) u[i * d + j] = (X.data[i * d + j] - mu[j]) / sd[j];
    }
    const invS2 = sd.map((v) => 1 / (v * v));

    const zs = new Float64Array(r);

    // One pass per row (scores, softmax, loss and gradient together) keeps the working set in
    // registers and cache: at 80k rows this is most of the fitting time.
    const fg = (w: Float64Array, grad: Float64Array): number => {
      grad.fill(0);
      let loss = 0;
      for (let i = 0; i < n; i++) {
        const xo = i * d;
        const yi = y[i];
        let max = -Infinity;
        for (let c = 0; c < r; c++) {
          const wo = c * stride;
          let s = w[wo + d];
          for (let j = 0; j < d; j++) s += u[xo + j] * w[wo + j];
          zs[c] = s;
          if (s > max) max = s;
        }
        if (binary) {
          // log(1 + e^z) − y·z without overflow; the residual sigmoid(z) − y from the same exp.
          const z = zs[0];
          const e = Math.exp(-Math.abs(z));
          loss += (z > 0 ? z : 0) + Math.log1p(e) - yi * z;
          zs[0] = (z >= 0 ? 1 / (1 + e) : e / (1 + e)) - yi;
        } else {
          let sum = 0;
          for (let c = 0; c < r; c++) {
            const e = Math.exp(zs[c] - max);
            zs[c] = e;
            sum += e;
          }
          // −log softmax_y = log Σ e^(z−max) + max − z_y, and z_y − max = log(zs[y]).
          loss += Math.log(sum / zs[yi]);
          const inv = 1 / sum;
          for (let c = 0; c < r; c++) zs[c] *= inv;
          zs[yi] -= 1;
        }
        for (let c = 0; c < r; c++) {
          const e = zs[c];
          const o = c * stride;
          for (let j = 0; j < d; j++) grad[o + j] += e * u[xo + j];
          grad[o + d] += e;
        }
      }
      let penalty = 0;
      for (let c = 0; c < r; c++) {
        const o = c * stride;
        for (let j = 0; j < d; j++) {
          const v = w[o + j];
          penalty += v * v * invS2[j];
          grad[o + j] = grad[o + j] / n + lambda * v * invS2[j];
        }
        grad[o + d] = fitIntercept ? grad[o + d] / n : 0;
      }
      return loss / n + 0.5 * lambda * penalty;
    };

    // Stop as scikit-learn does: on the gradient with respect to the original coefficients,
    // ∂f/∂w_j = s_j·∂f/∂v_j + μ_j·∂f/∂a, and ∂f/∂b = ∂f/∂a.
    const originalGradientNorm = (g: Float64Array): number => {
      let m = 0;
      for (let c = 0; c < r; c++) {
        const ga = g[c * stride + d];
        m = Math.max(m, Math.abs(ga));
        for (let j = 0; j < d; j++)
          m = Math.max(m, Math.abs(sd[j] * g[c * stride + j] + mu[j] * ga));
      }
      return m;
    };
    const res = minimizeLbfgs(fg, new Float64Array(r * stride), {
      maxIter,
      gtol: tol,
      ftol: 64 * Number.EPSILON,
      maxLineSearch: 50,
      gradientNorm: originalGradientNorm,
    });
    const coef = new Float64Array(r * d);
    const intercept = new Float64Array(r);
    for (let c = 0; c < r; c++) {
      let b = fitIntercept ? res.x[c * stride + d] : 0;
      for (let j = 0; j < d; j++) {
        coef[c * d + j] = res.x[c * stride + j] / sd[j];
        b -= coef[c * d + j] * mu[j];
      }
      intercept[c] = b;
    }
    if (!binary && fitIntercept) {
      // Softmax ignores a common shift of the intercepts; scikit-learn's iterates (started at 0,
      // moving along gradients whose intercept parts sum to 0) keep Σ b = 0, so report that one.
      let mean = 0;
      for (let c = 0; c < r; c++) mean += intercept[c] / r;
      for (let c = 0; c < r; c++) intercept[c] -= mean;
    }
    return { coef, intercept, nIter: res.nIter, converged: res.converged };
  }

  /** Raw scores `X·coefᵀ + intercept` (`decision_function`): one column, or one per class. */
  decisionFunction(X: DenseMatrix): DenseMatrix {
    this.predictProba(X); // validates X
    return this.scores(X);
  }

  private scores(X: DenseMatrix): DenseMatrix {
    const { coef, intercept } = this.model;
    const r = intercept.length;
    const d = X.cols;
    const out = denseMatrix(X.rows, r);
    for (let i = 0; i < X.rows; i++) {
      for (let c = 0; c < r; c++) {
        let s = intercept[c];
        for (let j = 0; j < d; j++) s += X.data[i * d + j] * coef[c * d + j];
        out.data[i * r + c] = s;
      }
    }
    return out;
  }

  protected probaEncoded(X: DenseMatrix): DenseMatrix {
    const S = this.scores(X);
    if (S.cols === 1) {
      const out = denseMatrix(X.rows, 2);
      for (let i = 0; i < X.rows; i++) {
        const z = S.data[i];
        const p = z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
        out.data[2 * i] = 1 - p;
        out.data[2 * i + 1] = p;
      }
      return out;
    }
    const k = S.cols;
    for (let i = 0; i < X.rows; i++) {
      const o = i * k;
      let max = -Infinity;
      for (let c = 0; c < k; c++) if (S.data[o + c] > max) max = S.data[o + c];
      let sum = 0;
      for (let c = 0; c < k; c++) {
        S.data[o + c] = Math.exp(S.data[o + c] - max);
        sum += S.data[o + c];
      }
      for (let c = 0; c < k; c++) S.data[o + c] /= sum;
    }
    return S;
  }

  protected decodeModel(data: unknown): LogisticRegressionModel {
    const m = data as Record<string, unknown>;
    return {
      coef: toFloat64(m.coef),
      intercept: toFloat64(m.intercept),
      nIter: Number(m.nIter),
      converged: Boolean(m.converged),
    };
  }
}

registerEstimator('LogisticRegression', LogisticRegression, (json) =>
  LogisticRegression.fromJSON(json),
);
