import { InvalidParameterError } from '../errors.js';

/** The outcome of a false-discovery-rate procedure over a family of p-values. */
export interface FdrResult {
  /** 1 where the null hypothesis is rejected (the feature is relevant), else 0. */
  readonly reject: Uint8Array;
  /** FDR-adjusted p-values (statsmodels' `multipletests(...)[1]`). */
  readonly adjusted: Float64Array;
}

/**
 * Step-up false-discovery-rate control: Benjamini–Hochberg (`dependent: false`), or
 * Benjamini–Yekutieli (`dependent: true`), which stays valid under any dependence between the
 * tests (the default in tsfresh's FRESH, where features are often correlated). Equivalent to
 * statsmodels' `multipletests(p, level, method='fdr_bh' | 'fdr_by')`. NaN p-values are never
 * rejected.
 *
 * @param level - the false discovery rate to control, in (0, 1).
 */
export function falseDiscoveryControl(
  pValues: ArrayLike<number>,
  level: number,
  dependent = true,
): FdrResult {
  if (!(level > 0 && level < 1)) {
    throw new InvalidParameterError(
      'falseDiscoveryControl',
      'level',
      `must be in (0, 1), got ${level}.`,
    );
  }
  const m = pValues.length;
  const reject = new Uint8Array(m);
  const adjusted = new Float64Array(m).fill(NaN);
  const order: number[] = [];
  for (let i = 0; i < m; i++) if (!Number.isNaN(pValues[i])) order.push(i);
  order.sort((a, b) => pValues[a] - pValues[b]);
  const mt = order.length;
  if (mt === 0) return { reject, adjusted };
  let cm = 1;
  if (dependent) {
    cm = 0;
    for (let i = 1; i <= mt; i++) cm += 1 / i;
  }
  let last = -1;
  for (let r = 0; r < mt; r++) {
    if (pValues[order[r]] <= ((r + 1) / mt) * (level / cm)) last = r;
  }
  for (let r = 0; r <= last; r++) reject[order[r]] = 1;
  let running = 1;
  for (let r = mt - 1; r >= 0; r--) {
    running = Math.min(running, (pValues[order[r]] * mt * cm) / (r + 1));
    adjusted[order[r]] = running;
  }
  return { reject, adjusted };
}
