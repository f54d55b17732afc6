/**
 * Limited-memory BFGS minimisation on typed arrays, with a strong-Wolfe line search.
 *
 * Hand-written because no maintained npm package offers L-BFGS over typed arrays: ml.js has no
 * quasi-Newton optimizer and `fmin` provides only Nelder–Mead and conjugate gradient. The
 * algorithm is the textbook one (Nocedal & Wright, Algorithms 7.4 and 3.5/3.6), with scipy's
 * L-BFGS-B stopping rules: the largest gradient component below `gtol`, or a relative decrease of
 * the objective below `ftol`.
 */

/** Evaluates the objective at `x`, writes its gradient into `grad` and returns the value. */
export type Objective = (x: Float64Array, grad: Float64Array) => number;

/** Options of {@link minimizeLbfgs}. */
export interface LbfgsOptions {
  /** Most iterations. Default 100. */
  maxIter?: number;
  /** Stop when max |gradient component| ≤ gtol. Default 1e-5. */
  gtol?: number;
  /** Stop when (f_k − f_{k+1}) / max(|f_k|, |f_{k+1}|, 1) ≤ ftol. Default 2.2e-9 (scipy's). */
  ftol?: number;
  /** Number of correction pairs kept. Default 10 (scipy's `maxcor`). */
  memory?: number;
  /** Most objective evaluations per line search. Default 50 (scikit-learn passes `maxls=50`). */
  maxLineSearch?: number;
  /**
   * The size compared with `gtol`; default max |gᵢ|. Lets a caller that optimises in transformed
   * coordinates stop on the gradient in the original ones.
   */
  gradientNorm?: (grad: Float64Array) => number;
}

/** The outcome of {@link minimizeLbfgs}. */
export interface LbfgsResult {
  /** The minimiser found. */
  x: Float64Array;
  /** Objective value at `x`. */
  f: number;
  /** Iterations performed. */
  nIter: number;
  /** Objective/gradient evaluations. */
  nEval: number;
  /** Whether a stopping rule (not the iteration limit or a failed line search) ended the run. */
  converged: boolean;
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

function maxAbs(a: Float64Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    const v = Math.abs(a[i]);
    if (v > m) m = v;
  }
  return m;
}

/** Minimises `fg` from `x0` (not modified). */
export function minimizeLbfgs(
  fg: Objective,
  x0: Float64Array,
  options: LbfgsOptions = {},
): LbfgsResult {
  const maxIter = options.maxIter ?? 100;
  const gtol = options.gtol ?? 1e-5;
  const ftol = options.ftol ?? 2.220446049250313e-9;
  const m = options.memory ?? 10;
  const maxLs = options.maxLineSearch ?? 50;
  const gnorm = options.gradientNorm ?? maxAbs;
  const n = x0.length;

  let x = Float64Array.from(x0);
  let g = new Float64Array(n);
  let f = fg(x, g);
  let nEval = 1;
  const S = Array.from({ length: m }, () => new Float64Array(n));
  const Y = Array.from({ length: m }, () => new Float64Array(n));
  const rho = new Float64Array(m);
  const alpha = new Float64Array(m);
  let stored = 0;
  let head = 0; // next slot to overwrite
  const d = new Float64Array(n);
  let xNew = new Float64Array(n);
  let gNew = new Float64Array(n);
  let xLo = new Float64Array(n);
  let gLo = new Float64Array(n);

  if (gnorm(g) <= gtol) return { x, f, nIter: 0, nEval, converged: true };

  let iter = 0;
  let converged = false;
  while (iter < maxIter) {
    iter++;
    // Two-loop recursion: d = −H·g.
    for (let i = 0; i < n; i++) d[i] = -g[i];
    for (let j = 0; j < stored; j++) {
      const k = (head - 1 - j + m) % m;
      alpha[k] = rho[k] * dot(S[k], d);
      const a = alpha[k];
      const y = Y[k];
      for (let i = 0; i < n; i++) d[i] -= a * y[i];
    }
    if (stored > 0) {
      const k = (head - 1 + m) % m;
      const gamma = dot(S[k], Y[k]) / dot(Y[k], Y[k]);
      for (let i = 0; i < n; i++) d[i] *= gamma;
    }
    for (let j = stored - 1; j >= 0; j--) {
      const k = (head - 1 - j + m) % m;
      const b = rho[k] * dot(Y[k], d);
      const c = alpha[k] - b;
      const s = S[k];
      for (let i = 0; i < n; i++) d[i] += c * s[i];
    }
    let dphi0 = dot(g, d);
    if (!(dphi0 < 0)) {
      // Not a descent direction (numerical trouble): restart from steepest descent.
      stored = 0;
      for (let i = 0; i < n; i++) d[i] = -g[i];
      dphi0 = dot(g, d);
    }
    const a0 = stored === 0 ? Math.min(1, 1 / Math.sqrt(-dphi0)) : 1;

    // Strong-Wolfe line search (Nocedal & Wright 3.5) with cubic-interpolation zoom (3.6).
    const c1 = 1e-4;
    const c2 = 0.9;
    const evalAt = (a: number, xo: Float64Array, go: Float64Array): number => {
      for (let i = 0; i < n; i++) xo[i] = x[i] + a * d[i];
      nEval++;
      return fg(xo, go);
    };
    let accepted = -1;
    let fAcc = f;
    let aPrev = 0;
    let fPrev = f;
    let dPrev = dphi0;
    let a = a0;
    let lo = 0;
    let hi = 0;
    let fLo = f;
    let fHi = 0;
    let dLo = dphi0;
    let dHi = 0;
    let needZoom = false;
    let budget = maxLs;
    for (let ls = 0; budget > 0; ls++, budget--) {
      const fa = evalAt(a, xNew, gNew);
      const da = dot(gNew, d);
      if (!Number.isFinite(fa) || fa > f + c1 * a * dphi0 || (ls > 0 && fa >= fPrev)) {
        // xLo/gLo already hold the point at aPrev (when aPrev > 0).
        [lo, hi, fLo, fHi, dLo, dHi] = [aPrev, a, fPrev, fa, dPrev, da];
        needZoom = true;
        break;
      }
      if (Math.abs(da) <= -c2 * dphi0) {
        accepted = a;
        fAcc = fa;
        break;
      }
      if (da >= 0) {
        [lo, hi, fLo, fHi, dLo, dHi] = [a, aPrev, fa, fPrev, da, dPrev];
        xLo.set(xNew);
        gLo.set(gNew);
        needZoom = true;
        break;
      }
      aPrev = a;
      fPrev = fa;
      dPrev = da;
      xLo.set(xNew);
      gLo.set(gNew);
      a *= 2;
    }
    if (needZoom) {
      for (; budget > 0; budget--) {
        const width = Math.abs(hi - lo);
        let t = cubicMin(lo, fLo, dLo, hi, fHi, dHi);
        const left = Math.min(lo, hi);
        if (!Number.isFinite(t) || t < left + 0.1 * width || t > left + 0.9 * width) {
          t = (lo + hi) / 2;
        }
        const ft = evalAt(t, xNew, gNew);
        const dt = dot(gNew, d);
        if (!Number.isFinite(ft) || ft > f + c1 * t * dphi0 || ft >= fLo) {
          hi = t;
          fHi = ft;
          dHi = dt;
        } else {
          if (Math.abs(dt) <= -c2 * dphi0) {
            accepted = t;
            fAcc = ft;
            break;
          }
          if (dt * (hi - lo) >= 0) {
            hi = lo;
            fHi = fLo;
            dHi = dLo;
          }
          lo = t;
          fLo = ft;
          dLo = dt;
          xLo.set(xNew);
          gLo.set(gNew);
        }
        if (width < 1e-16 * Math.max(1, Math.abs(lo))) break;
      }
      if (accepted < 0 && lo > 0 && fLo < f) {
        // Sufficient decrease without the curvature condition: take the best point found.
        [xNew, xLo] = [xLo, xNew];
        [gNew, gLo] = [gLo, gNew];
        accepted = lo;
        fAcc = fLo;
      }
    }
    if (accepted < 0) break; // line search failed: x is as good as we can do

    // Update the correction pairs.
    const slot = head;
    const s = S[slot];
    const y = Y[slot];
    for (let i = 0; i < n; i++) {
      s[i] = xNew[i] - x[i];
      y[i] = gNew[i] - g[i];
    }
    const sy = dot(s, y);
    if (sy > 1e-10 * dot(y, y)) {
      rho[slot] = 1 / sy;
      head = (head + 1) % m;
      stored = Math.min(stored + 1, m);
    }
    const fOld = f;
    [x, xNew] = [xNew, x];
    [g, gNew] = [gNew, g];
    f = fAcc;
    if (gnorm(g) <= gtol || (fOld - f) / Math.max(Math.abs(fOld), Math.abs(f), 1) <= ftol) {
      converged = true;
      break;
    }
  }
  return { x, f, nIter: iter, nEval, converged };
}

/** Minimiser of the cubic interpolating (a, fa, da) and (b, fb, db); NaN when it has none. */
function cubicMin(a: number, fa: number, da: number, b: number, fb: number, db: number): number {
  const d1 = da + db - (3 * (fa - fb)) / (a - b);
  const disc = d1 * d1 - da * db;
  if (!(disc >= 0)) return NaN;
  const d2 = Math.sign(b - a) * Math.sqrt(disc);
  return b - ((b - a) * (db + d2 - d1)) / (db - da + 2 * d2);
}
