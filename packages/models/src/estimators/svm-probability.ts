/**
 * Platt scaling of SVM decision values and pairwise coupling, following libsvm's
 * `sigmoid_train`, `sigmoid_predict` and `multiclass_probability`.
 */

/**
 * Fits P(y = +1 | f) = 1 / (1 + exp(A·f + B)) to decision values `dec` with labels ±1 by Newton's
 * method with backtracking (Lin, Lin & Weng 2007, as libsvm's `sigmoid_train`), using Platt's
 * smoothed targets. Returns [A, B]. Non-finite decision values (from overflowing kernels on
 * unscaled data near ±1e308) are clamped to the largest finite ones, NaN to 0, so that the
 * sigmoid stays finite.
 */
export function fitPlattSigmoid(raw: Float64Array, labels: Int8Array): [number, number] {
  const dec = finiteDecisions(raw);
  const l = dec.length;
  let prior1 = 0;
  for (const v of labels) if (v > 0) prior1++;
  const prior0 = l - prior1;
  const hi = (prior1 + 1) / (prior1 + 2);
  const lo = 1 / (prior0 + 2);
  const t = Float64Array.from(labels, (v) => (v > 0 ? hi : lo));
  const objective = (A: number, B: number): number => {
    let f = 0;
    for (let i = 0; i < l; i++) {
      const z = dec[i] * A + B;
      f += z >= 0 ? t[i] * z + Math.log1p(Math.exp(-z)) : (t[i] - 1) * z + Math.log1p(Math.exp(z));
    }
    return f;
  };
  let A = 0;
  let B = Math.log((prior0 + 1) / (prior1 + 1));
  let fval = objective(A, B);
  for (let iter = 0; iter < 100; iter++) {
    let h11 = 1e-12;
    let h22 = 1e-12;
    let h21 = 0;
    let g1 = 0;
    let g2 = 0;
    for (let i = 0; i < l; i++) {
      const z = dec[i] * A + B;
      const e = Math.exp(-Math.abs(z));
      const p = z >= 0 ? e / (1 + e) : 1 / (1 + e);
      const q = 1 - p;
      const d2 = p * q;
      h11 += dec[i] * dec[i] * d2;
      h22 += d2;
      h21 += dec[i] * d2;
      const d1 = t[i] - p;
      g1 += dec[i] * d1;
      g2 += d1;
    }
    if (Math.abs(g1) < 1e-5 && Math.abs(g2) < 1e-5) break;
    const det = h11 * h22 - h21 * h21;
    const dA = -(h22 * g1 - h21 * g2) / det;
    const dB = -(-h21 * g1 + h11 * g2) / det;
    const gd = g1 * dA + g2 * dB;
    let step = 1;
    while (step >= 1e-10) {
      const nA = A + step * dA;
      const nB = B + step * dB;
      const nf = objective(nA, nB);
      if (nf < fval + 1e-4 * step * gd) {
        A = nA;
        B = nB;
        fval = nf;
        break;
      }
      step /= 2;
    }
    if (step < 1e-10) break;
  }
  // A failed fit (a singular Hessian) falls back to the prior: no information from f.
  return Number.isFinite(A) && Number.isFinite(B)
    ? [A, B]
    : [0, Math.log((prior0 + 1) / (prior1 + 1))];
}

/** `dec` with ±Infinity replaced by ± the largest finite magnitude in it (or 1), NaN by 0. */
function finiteDecisions(dec: Float64Array): Float64Array {
  if (dec.every(Number.isFinite)) return dec;
  let max = 0;
  for (const v of dec) if (Number.isFinite(v)) max = Math.max(max, Math.abs(v));
  const bound = max || 1;
  return dec.map((v) => (Number.isNaN(v) ? 0 : Math.max(-bound, Math.min(bound, v))));
}

/**
 * P(y = +1 | f) from a fitted sigmoid, clipped to [1e-7, 1 − 1e-7] as libsvm does; an undefined
 * decision value (NaN, from an overflowing kernel) gives 0.5, never a non-finite probability.
 */
export function plattProbability(f: number, A: number, B: number): number {
  const z = f * A + B;
  if (Number.isNaN(z)) return 0.5;
  const p = z >= 0 ? Math.exp(-z) / (1 + Math.exp(-z)) : 1 / (1 + Math.exp(z));
  return Math.min(Math.max(p, 1e-7), 1 - 1e-7);
}

/**
 * Class probabilities from pairwise ones (`r[i·k + j]` = P(i | i or j)) by Wu, Lin & Weng's
 * second method, as libsvm's `multiclass_probability`; with two classes, the pairwise value itself.
 */
export function coupleProbabilities(k: number, r: Float64Array, p: Float64Array): void {
  if (k === 2) {
    p[0] = r[1];
    p[1] = r[k];
    return;
  }
  const Q = new Float64Array(k * k);
  const Qp = new Float64Array(k);
  for (let t = 0; t < k; t++) {
    p[t] = 1 / k;
    for (let j = 0; j < k; j++) {
      if (j === t) continue;
      Q[t * k + t] += r[j * k + t] * r[j * k + t];
      Q[t * k + j] = -r[j * k + t] * r[t * k + j];
    }
  }
  const eps = 0.005 / k;
  for (let iter = 0; iter < Math.max(100, k); iter++) {
    let pQp = 0;
    for (let t = 0; t < k; t++) {
      Qp[t] = 0;
      for (let j = 0; j < k; j++) Qp[t] += Q[t * k + j] * p[j];
      pQp += p[t] * Qp[t];
    }
    let maxError = 0;
    for (let t = 0; t < k; t++) maxError = Math.max(maxError, Math.abs(Qp[t] - pQp));
    if (maxError < eps) break;
    for (let t = 0; t < k; t++) {
      const diff = (-Qp[t] + pQp) / Q[t * k + t];
      p[t] += diff;
      pQp = (pQp + diff * (diff * Q[t * k + t] + 2 * Qp[t])) / (1 + diff) / (1 + diff);
      for (let j = 0; j < k; j++) {
        Qp[j] = (Qp[j] + diff * Q[t * k + j]) / (1 + diff);
        p[j] /= 1 + diff;
      }
    }
  }
}
