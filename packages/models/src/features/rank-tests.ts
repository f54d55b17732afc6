import { erfc, gammainc } from './special-functions.js';

/** Ranks of a sample with ties averaged (scipy's `rankdata`), and the tie-correction term. */
export interface Ranks {
  /** Rank of each value, 1-based, ties sharing their mean rank. */
  readonly ranks: Float64Array;
  /** Σ (t³ − t) over groups of t tied values. */
  readonly tieSum: number;
}

/** Average ranks of `values` (1-based) and the tie term Σ(t³ − t). */
export function averageRanks(values: ArrayLike<number>): Ranks {
  const n = values.length;
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  order.sort((a, b) => values[a] - values[b]);
  const ranks = new Float64Array(n);
  let tieSum = 0;
  let i = 0;
  while (i < n) {
    let j = i + 1;
    while (j < n && values[order[j]] === values[order[i]]) j++;
    const r = (i + 1 + j) / 2;
    for (let t = i; t < j; t++) ranks[order[t]] = r;
    const t = j - i;
    tieSum += t * t * t - t;
    i = j;
  }
  return { ranks, tieSum };
}

/** Upper tail of the standard normal distribution at `z`. */
export function normalSurvival(z: number): number {
  return 0.5 * erfc(z / Math.SQRT2);
}

/** Upper tail of the chi-squared distribution with `df` degrees of freedom at `x`. */
export function chi2Survival(x: number, df: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x <= 0) return 1;
  return gammainc(x / 2, df / 2, true, true);
}

/**
 * Two-sided Mann–Whitney U test of "group" against "rest", from precomputed ranks of the pooled
 * sample: the normal approximation with tie and continuity corrections, as scipy's
 * `mannwhitneyu(method='asymptotic', use_continuity=True)`. Returns the p-value (1 when every value
 * is tied).
 *
 * @param ranks - ranks of the pooled sample (see {@link averageRanks}).
 * @param inGroup - whether each sample belongs to the group.
 */
export function mannWhitneyPValue(ranks: Ranks, inGroup: (i: number) => boolean): number {
  const n = ranks.ranks.length;
  let n1 = 0;
  let r1 = 0;
  for (let i = 0; i < n; i++) {
    if (inGroup(i)) {
      n1++;
      r1 += ranks.ranks[i];
    }
  }
  const n2 = n - n1;
  if (n1 === 0 || n2 === 0) return 1;
  const u1 = r1 - (n1 * (n1 + 1)) / 2;
  const u = Math.max(u1, n1 * n2 - u1);
  const mu = (n1 * n2) / 2;
  const variance = ((n1 * n2) / 12) * (n + 1 - ranks.tieSum / (n * (n - 1)));
  if (!(variance > 0)) return 1;
  const z = (u - mu - 0.5) / Math.sqrt(variance);
  return Math.min(1, 2 * normalSurvival(z));
}

/**
 * Kruskal–Wallis H test across the groups `group[i] ∈ 0 … k−1`, from precomputed ranks: H with the
 * tie correction and its chi-squared p-value with `k − 1` degrees of freedom, as scipy's `kruskal`.
 * Groups without samples are ignored; returns `{ h: 0, pValue: 1 }` when fewer than two groups have
 * samples or every value is tied.
 */
export function kruskalWallis(
  ranks: Ranks,
  group: Int32Array,
  k: number,
): { h: number; pValue: number } {
  const n = ranks.ranks.length;
  const sums = new Float64Array(k);
  const counts = new Float64Array(k);
  for (let i = 0; i < n; i++) {
    sums[group[i]] += ranks.ranks[i];
    counts[group[i]]++;
  }
  let s = 0;
  let groups = 0;
  for (let c = 0; c < k; c++) {
    if (counts[c] > 0) {
      s += (sums[c] * sums[c]) / counts[c];
      groups++;
    }
  }
  const ties = 1 - ranks.tieSum / (n * n * n - n);
  if (groups < 2 || !(ties > 0)) return { h: 0, pValue: 1 };
  const h = ((12 / (n * (n + 1))) * s - 3 * (n + 1)) / ties;
  return { h, pValue: chi2Survival(h, groups - 1) };
}
