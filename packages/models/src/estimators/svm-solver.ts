import type { KernelCache } from './svm-kernel.js';

/** The solution of one binary C-SVC dual problem. */
export interface BinarySolution {
  /** Dual coefficients α (0 ≤ α ≤ C), one per subproblem row. */
  alpha: Float64Array;
  /** The offset: decision(x) = Σ αᵢ yᵢ k(xᵢ, x) − rho. */
  rho: number;
  /** SMO iterations used. */
  iterations: number;
}

const TAU = 1e-12;

/**
 * Solves the C-SVC dual  min ½ αᵀQα − Σα  s.t. 0 ≤ α ≤ C, yᵀα = 0  (Qᵢⱼ = yᵢyⱼk(xᵢ, xⱼ)) by SMO
 * with libsvm's second-order working-set selection (WSS3, Fan, Chen & Lin 2005), its analytic
 * two-variable update and its stopping rule (maximal violation < `eps`). Shrinking is left out:
 * libsvm only shrinks every min(n, 1000) iterations, which these subproblems rarely reach.
 *
 * The gradient update of one iteration and the first half of the next working-set selection
 * share one pass over the rows.
 *
 * @param sub - the subproblem's rows as indices into `cache`, or `null` for all of its rows.
 * @param y - +1/−1 label of each subproblem row.
 */
export function solveBinarySvc(
  sub: Int32Array | null,
  y: Int8Array,
  C: number,
  eps: number,
  cache: KernelCache,
  maxIter: number,
): BinarySolution {
  const n = y.length;
  const alpha = new Float64Array(n);
  const G = new Float64Array(n).fill(-1);
  const QD = new Float64Array(n);
  for (let t = 0; t < n; t++) QD[t] = cache.diagonal[sub ? sub[t] : t];
  // canUp: αₜ may move so that −yₜGₜ grows (I_up); canLow: the I_low membership.
  const canUp = new Uint8Array(n);
  const canLow = new Uint8Array(n);
  const status = (t: number) => {
    const a = alpha[t];
    if (y[t] === 1) {
      canUp[t] = a < C ? 1 : 0;
      canLow[t] = a > 0 ? 1 : 0;
    } else {
      canUp[t] = a > 0 ? 1 : 0;
      canLow[t] = a < C ? 1 : 0;
    }
  };
  for (let t = 0; t < n; t++) status(t);
  const local: (Float32Array | null)[] = sub ? new Array<Float32Array | null>(n).fill(null) : [];
  const kRow = (i: number): Float32Array => {
    if (!sub) return cache.row(i);
    let r = local[i];
    if (r === null) {
      const full = cache.row(sub[i]);
      r = new Float32Array(n);
      for (let t = 0; t < n; t++) r[t] = full[sub[t]];
      local[i] = r;
    }
    return r;
  };

  // First working-set half: i = arg max over I_up of −yₜGₜ.
  let Gmax = -Infinity;
  let i = -1;
  for (let t = 0; t < n; t++) {
    if (canUp[t] && -y[t] * G[t] >= Gmax) {
      Gmax = -y[t] * G[t];
      i = t;
    }
  }
  let iter = 0;
  while (iter < maxIter && i >= 0) {
    const Ki = kRow(i);
    const yi = y[i];
    // Second half: j minimising −(Gmax + yₜGₜ)² / (Kᵢᵢ + Kₜₜ − 2yᵢyₜKᵢₜ) over I_low.
    let Gmax2 = -Infinity;
    let j = -1;
    let best = Infinity;
    const QDi = QD[i];
    for (let t = 0; t < n; t++) {
      if (!canLow[t]) continue;
      const v = y[t] * G[t];
      if (v >= Gmax2) Gmax2 = v;
      const gd = Gmax + v;
      if (gd > 0) {
        const q = QDi + QD[t] - 2 * yi * y[t] * Ki[t];
        const obj = -(gd * gd) / (q > 0 ? q : TAU);
        if (obj <= best) {
          j = t;
          best = obj;
        }
      }
    }
    if (Gmax + Gmax2 < eps || j < 0) break;
    iter++;

    const Kj = kRow(j);
    const yj = y[j];
    const Qij = yi * yj * Ki[j];
    const oldAi = alpha[i];
    const oldAj = alpha[j];
    // libsvm's analytic update of (αi, αj) on the constraint line, clipped to the box.
    if (yi !== yj) {
      let quad = QD[i] + QD[j] + 2 * Qij;
      if (quad <= 0) quad = TAU;
      const delta = (-G[i] - G[j]) / quad;
      const diff = alpha[i] - alpha[j];
      alpha[i] += delta;
      alpha[j] += delta;
      if (diff > 0) {
        if (alpha[j] < 0) {
          alpha[j] = 0;
          alpha[i] = diff;
        }
      } else if (alpha[i] < 0) {
        alpha[i] = 0;
        alpha[j] = -diff;
      }
      if (diff > 0) {
        if (alpha[i] > C) {
          alpha[i] = C;
          alpha[j] = C - diff;
        }
      } else if (alpha[j] > C) {
        alpha[j] = C;
        alpha[i] = C + diff;
      }
    } else {
      let quad = QD[i] + QD[j] - 2 * Qij;
      if (quad <= 0) quad = TAU;
      const delta = (G[i] - G[j]) / quad;
      const sum = alpha[i] + alpha[j];
      alpha[i] -= delta;
      alpha[j] += delta;
      if (sum > C) {
        if (alpha[i] > C) {
          alpha[i] = C;
          alpha[j] = sum - C;
        }
      } else if (alpha[j] < 0) {
        alpha[j] = 0;
        alpha[i] = sum;
      }
      if (sum > C) {
        if (alpha[j] > C) {
          alpha[j] = C;
          alpha[i] = sum - C;
        }
      } else if (alpha[i] < 0) {
        alpha[i] = 0;
        alpha[j] = sum;
      }
    }
    status(i);
    status(j);
    // Gₜ += Qₜᵢ Δαᵢ + Qₜⱼ Δαⱼ (Qₜᵢ = yₜyᵢKₜᵢ), fused with the next selection of i.
    const di = (alpha[i] - oldAi) * yi;
    const dj = (alpha[j] - oldAj) * yj;
    Gmax = -Infinity;
    i = -1;
    for (let t = 0; t < n; t++) {
      const yt = y[t];
      const g = G[t] + yt * (Ki[t] * di + Kj[t] * dj);
      G[t] = g;
      if (canUp[t] && -yt * g >= Gmax) {
        Gmax = -yt * g;
        i = t;
      }
    }
  }

  // rho: mean of yG over free variables, else the middle of the feasible interval.
  let ub = Infinity;
  let lb = -Infinity;
  let nFree = 0;
  let sumFree = 0;
  for (let t = 0; t < n; t++) {
    const yG = y[t] * G[t];
    if (alpha[t] >= C) {
      if (y[t] === -1) ub = Math.min(ub, yG);
      else lb = Math.max(lb, yG);
    } else if (alpha[t] <= 0) {
      if (y[t] === 1) ub = Math.min(ub, yG);
      else lb = Math.max(lb, yG);
    } else {
      nFree++;
      sumFree += yG;
    }
  }
  const rho = nFree > 0 ? sumFree / nFree : (ub + lb) / 2;
  return { alpha, rho, iterations: iter };
}
