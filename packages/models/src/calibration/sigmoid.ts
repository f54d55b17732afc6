import { EstimatorInputError } from '../errors.js';

/** Parameters of a Platt sigmoid: `p = 1 / (1 + exp(a·f + b))`. */
export interface SigmoidParams {
  /** Slope (negative when higher scores mean the positive class). */
  readonly a: number;
  /** Intercept. */
  readonly b: number;
}

/**
 * Fits Platt's sigmoid `p = 1 / (1 + exp(a·f + b))` to scores `f` and binary outcomes `y`
 * (positive when `y[i] > 0`), with Platt's smoothed targets `(N₊+1)/(N₊+2)` and `1/(N₋+2)` and
 * scikit-learn's starting point `(0, log((N₋+1)/(N₊+1)))`.
 *
 * scikit-learn minimises the same convex loss with BFGS; here Newton's method with a backtracking
 * line search (Lin, Lin & Weng 2007, "A note on Platt's probabilistic outputs") is run to a much
 * tighter gradient, so both land on the same minimiser up to BFGS's stopping tolerance.
 */
export function fitSigmoid(
  f: ArrayLike<number>,
  y: ArrayLike<number>,
  sampleWeight?: ArrayLike<number>,
): SigmoidParams {
  const n = f.length;
  if (n === 0) throw new EstimatorInputError('fitSigmoid', 'no scores given.');
  if (y.length !== n)
    throw new EstimatorInputError('fitSigmoid', `${n} scores but ${y.length} outcomes.`);
  let prior1 = 0;
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(f[i]))
      throw new EstimatorInputError('fitSigmoid', `score ${i} is not finite.`);
    if (y[i] > 0) prior1++;
  }
  const prior0 = n - prior1;
  const hiTarget = (prior1 + 1) / (prior1 + 2);
  const loTarget = 1 / (prior0 + 2);
  const t = new Float64Array(n);
  const w = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    t[i] = y[i] > 0 ? hiTarget : loTarget;
    w[i] = sampleWeight ? sampleWeight[i] : 1;
  }

  // Loss of (a, b): Σ w·[-t log p - (1-t) log(1-p)], p = 1/(1+exp(a f + b)), in a form that never
  // overflows exp.
  const loss = (a: number, b: number): number => {
    let s = 0;
    for (let i = 0; i < n; i++) {
      const z = a * f[i] + b;
      s +=
        w[i] *
        (z >= 0 ? t[i] * z + Math.log1p(Math.exp(-z)) : (t[i] - 1) * z + Math.log1p(Math.exp(z)));
    }
    return s;
  };

  let a = 0;
  let b = Math.log((prior0 + 1) / (prior1 + 1));
  let fval = loss(a, b);
  const minStep = 1e-14;
  // A tiny ridge keeps the Hessian invertible when the scores are all equal.
  const ridge = 1e-12;
  for (let iter = 0; iter < 200; iter++) {
    let h11 = ridge;
    let h22 = ridge;
    let h21 = 0;
    let g1 = 0;
    let g2 = 0;
    for (let i = 0; i < n; i++) {
      const z = a * f[i] + b;
      let p: number;
      let q: number;
      if (z >= 0) {
        const e = Math.exp(-z);
        p = e / (1 + e);
        q = 1 / (1 + e);
      } else {
        const e = Math.exp(z);
        p = 1 / (1 + e);
        q = e / (1 + e);
      }
      const d2 = w[i] * p * q;
      h11 += f[i] * f[i] * d2;
      h22 += d2;
      h21 += f[i] * d2;
      const d1 = w[i] * (t[i] - p);
      g1 += f[i] * d1;
      g2 += d1;
    }
    const scale = Math.max(1, Math.abs(fval));
    if (Math.abs(g1) < 1e-13 * scale && Math.abs(g2) < 1e-13 * scale) break;
    const det = h11 * h22 - h21 * h21;
    const dA = -(h22 * g1 - h21 * g2) / det;
    const dB = -(-h21 * g1 + h11 * g2) / det;
    const gd = g1 * dA + g2 * dB;
    let step = 1;
    let moved = false;
    while (step >= minStep) {
      const na = a + step * dA;
      const nb = b + step * dB;
      const nf = loss(na, nb);
      if (nf <= fval + 1e-4 * step * gd) {
        moved = na !== a || nb !== b;
        a = na;
        b = nb;
        fval = nf;
        break;
      }
      step /= 2;
    }
    if (!moved) break;
  }
  return { a, b };
}

/** Applies a fitted sigmoid to scores: `1 / (1 + exp(a·f + b))`. */
export function applySigmoid(params: SigmoidParams, f: ArrayLike<number>): Float64Array {
  const out = new Float64Array(f.length);
  for (let i = 0; i < f.length; i++) {
    const z = params.a * f[i] + params.b;
    // expit(-z), written to avoid overflow for large |z|.
    out[i] = z >= 0 ? Math.exp(-z) / (1 + Math.exp(-z)) : 1 / (1 + Math.exp(z));
  }
  return out;
}
