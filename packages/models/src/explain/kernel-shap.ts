import { Matrix, pseudoInverse } from 'ml-matrix';
import type { DenseMatrix } from '../data/matrix.js';
import { Random } from '../data/random.js';
import { checkNumber } from '../estimators/param-checks.js';
import { binomial } from './exact-shap.js';
import type { ProbabilisticModel, ShapExplanation, ShapOptions } from './shapley.js';
import { CoalitionEvaluator } from './shapley.js';

/** Options of {@link kernelShap}. */
export interface KernelShapOptions extends ShapOptions {
  /**
   * Coalitions evaluated per explained row (each costs one batched prediction). When 2^M − 2 is
   * within it, every coalition is used and the values are exact. Default `2M + 2048`, as shap.
   */
  readonly nSamples?: number;
  /** Seed of the coalition sampling. Default 0. */
  readonly seed?: number;
}

/** A coalition and its weight in the regression. */
interface WeightedCoalition {
  mask: Uint8Array;
  weight: number;
}

/**
 * Kernel SHAP (Lundberg & Lee 2017) for models with many features: Shapley values as the solution
 * of a weighted least-squares fit of coalition values v(S) with the Shapley kernel weights
 * (M − 1) / (C(M, |S|) |S| (M − |S|)), constrained so that the values add up exactly to
 * f(x) − E[f]. Coalition sizes are enumerated completely from the outside in while the sampling
 * budget allows (as the shap library does) and the rest are sampled in complementary pairs,
 * seeded. With enough budget to enumerate every coalition the result equals {@link exactShap}.
 *
 * @example
 * ```ts
 * const shap = kernelShap(model, test.X.slice(0, 50), { background: sampleBackground(train.X, 50), nSamples: 500 });
 * ```
 */
export function kernelShap(
  model: ProbabilisticModel,
  X: DenseMatrix,
  options: KernelShapOptions,
): ShapExplanation {
  const ev = new CoalitionEvaluator('kernelShap', model, X, options);
  const M = ev.features;
  const K = ev.classes;
  const nSamples = options.nSamples ?? 2 * M + 2048;
  checkNumber('kernelShap', 'nSamples', nSamples, { min: 1, integer: true });
  checkNumber('kernelShap', 'seed', options.seed ?? 0);
  const values = new Float64Array(ev.rows * M * K);
  const base = ev.baseValue;
  const pred = ev.prediction.data;
  if (M === 1) {
    for (let i = 0; i < ev.rows; i++)
      for (let c = 0; c < K; c++) values[i * K + c] = pred[i * K + c] - base[c];
    return {
      rows: ev.rows,
      features: M,
      classes: K,
      values,
      baseValue: base,
      prediction: ev.prediction,
    };
  }
  const coalitions = chooseCoalitions(M, nSamples, options.seed ?? 0);
  // Eliminate φ_M with the constraint Σφ = Δ = f(x) − E[f]:
  // v(z) − E[f] − z_M Δ = Σ_{j<M} (z_j − z_M) φ_j. The design is the same for every row and
  // class, so its weighted pseudo-inverse A = (ZᵀWZ)⁺ZᵀW is computed once.
  const Z = coalitions.length;
  const design = new Matrix(Z, M - 1);
  for (let z = 0; z < Z; z++) {
    const m = coalitions[z].mask;
    for (let j = 0; j < M - 1; j++) design.set(z, j, m[j] - m[M - 1]);
  }
  const weighted = design.clone();
  for (let z = 0; z < Z; z++)
    for (let j = 0; j < M - 1; j++) weighted.set(z, j, design.get(z, j) * coalitions[z].weight);
  const A = pseudoInverse(design.transpose().mmul(weighted)).mmul(weighted.transpose()); // (M−1) × Z
  const a = A.to2DArray();
  // φ_j (j < M) = Σ_z A[j][z] (v_z − E[f] − z_M Δ); precompute Σ_z A[j][z] and Σ_z A[j][z] z_M.
  const rowSum = new Float64Array(M - 1);
  const lastSum = new Float64Array(M - 1);
  for (let j = 0; j < M - 1; j++) {
    for (let z = 0; z < Z; z++) {
      rowSum[j] += a[j][z];
      lastSum[j] += a[j][z] * coalitions[z].mask[M - 1];
    }
  }
  const masks = coalitions.map((c) => c.mask);
  ev.forEachCoalition(masks, (z, start, count, v) => {
    for (let i = 0; i < count; i++) {
      for (let j = 0; j < M - 1; j++) {
        const coef = a[j][z];
        const o = ((start + i) * M + j) * K;
        for (let c = 0; c < K; c++) values[o + c] += coef * v[i * K + c];
      }
    }
  });
  for (let i = 0; i < ev.rows; i++) {
    for (let c = 0; c < K; c++) {
      const delta = pred[i * K + c] - base[c];
      let sum = 0;
      for (let j = 0; j < M - 1; j++) {
        const o = (i * M + j) * K + c;
        values[o] -= rowSum[j] * base[c] + lastSum[j] * delta;
        sum += values[o];
      }
      values[(i * M + M - 1) * K + c] = delta - sum;
    }
  }
  return {
    rows: ev.rows,
    features: M,
    classes: K,
    values,
    baseValue: base,
    prediction: ev.prediction,
  };
}

/**
 * The coalitions and their regression weights, following shap's KernelExplainer: subset sizes s
 * and M − s are enumerated in full, smallest s first, while the budget allows; the remaining
 * kernel weight is spread over coalitions sampled (in complementary pairs) from the remaining
 * sizes in proportion to their kernel weight.
 */
function chooseCoalitions(M: number, nSamples: number, seed: number): WeightedCoalition[] {
  const total = 2 ** M - 2;
  const budget = Math.min(nSamples, total);
  const out: WeightedCoalition[] = [];
  const nSizes = Math.ceil((M - 1) / 2);
  const nPaired = Math.floor((M - 1) / 2);
  // Kernel weight of each size class s (both s and M − s when paired), normalised.
  const sizeWeight = new Float64Array(nSizes + 1);
  let wSum = 0;
  for (let s = 1; s <= nSizes; s++) {
    sizeWeight[s] = ((M - 1) / (s * (M - s))) * (s <= nPaired ? 2 : 1);
    wSum += sizeWeight[s];
  }
  for (let s = 1; s <= nSizes; s++) sizeWeight[s] /= wSum;
  let left = budget;
  let remainingWeight = 1;
  let fullSizes = 0;
  for (let s = 1; s <= nSizes; s++) {
    const paired = s <= nPaired;
    const count = binomial(M, s) * (paired ? 2 : 1);
    const share = sizeWeight[s] / remainingWeight;
    // Enumerate this size only if the budget's share for it would cover every subset.
    if (left * share + 1e-9 < count) break;
    const per = sizeWeight[s] / count;
    for (const mask of subsetsOfSize(M, s)) {
      out.push({ mask, weight: per });
      if (paired) out.push({ mask: complement(mask), weight: per });
    }
    left -= count;
    remainingWeight -= sizeWeight[s];
    fullSizes = s;
  }
  if (fullSizes < nSizes && left > 0) {
    const rng = new Random(seed);
    const sampled = new Map<string, WeightedCoalition>();
    const sizes: number[] = [];
    const cum: number[] = [];
    let acc = 0;
    for (let s = fullSizes + 1; s <= nSizes; s++) {
      acc += sizeWeight[s];
      sizes.push(s);
      cum.push(acc);
    }
    let draws = 0;
    let attempts = 0;
    // Sample until the budget is used (repeats add weight instead of new coalitions).
    while (left > 0 && attempts < budget * 20) {
      attempts++;
      const u = rng.next() * acc;
      let t = 0;
      while (t < cum.length - 1 && cum[t] < u) t++;
      const s = sizes[t];
      const mask = new Uint8Array(M);
      for (const j of rng.sample(M, s)) mask[j] = 1;
      const pair = s <= nPaired ? [mask, complement(mask)] : [mask];
      for (const m of pair) {
        const key = m.join('');
        const hit = sampled.get(key);
        if (hit) hit.weight += 1;
        else {
          sampled.set(key, { mask: m, weight: 1 });
          left--;
        }
        draws++;
      }
    }
    for (const c of sampled.values())
      out.push({ mask: c.mask, weight: (c.weight * remainingWeight) / draws });
  }
  return out;
}

function complement(mask: Uint8Array): Uint8Array {
  return mask.map((b) => 1 - b);
}

/** Every subset of {0 … M−1} with `s` members, as masks. */
function* subsetsOfSize(M: number, s: number): Generator<Uint8Array> {
  const idx = Array.from({ length: s }, (_, i) => i);
  for (;;) {
    const mask = new Uint8Array(M);
    for (const j of idx) mask[j] = 1;
    yield mask;
    let k = s - 1;
    while (k >= 0 && idx[k] === M - s + k) k--;
    if (k < 0) return;
    idx[k]++;
    for (let r = k + 1; r < s; r++) idx[r] = idx[r - 1] + 1;
  }
}
