import type { DenseMatrix } from '../data/matrix.js';
import { InvalidParameterError } from '../errors.js';
import type { ProbabilisticModel, ShapExplanation, ShapOptions } from './shapley.js';
import { CoalitionEvaluator } from './shapley.js';

/** Options of {@link exactShap}. */
export interface ExactShapOptions extends ShapOptions {
  /** Most features accepted: the cost doubles with each one. Default 12. */
  readonly maxFeatures?: number;
}

/**
 * Exact interventional Shapley values of a model's class probabilities by enumerating all 2^M
 * coalitions of the M features: v(S) is the mean prediction over the background rows with the
 * features in S taken from the explained row, and
 * φ_j = Σ_{S ∌ j} |S|! (M − |S| − 1)! / M! · (v(S ∪ {j}) − v(S)).
 * Each coalition costs one batched `predictProba` over (explained rows × background rows), and
 * only running sums are kept, so memory does not grow with 2^M. For more than about 12 features
 * use {@link kernelShap}.
 *
 * @example
 * ```ts
 * const shap = exactShap(model, test.X, { background: sampleBackground(train.X, 100) });
 * shapValue(shap, 0, 2, 1); // feature 2's contribution to class 1 for row 0
 * ```
 */
export function exactShap(
  model: ProbabilisticModel,
  X: DenseMatrix,
  options: ExactShapOptions,
): ShapExplanation {
  const maxFeatures = options.maxFeatures ?? 12;
  if (X && X.cols > maxFeatures) {
    throw new InvalidParameterError(
      'exactShap',
      'maxFeatures',
      `X has ${X.cols} features; exact enumeration of 2^${X.cols} coalitions is allowed up to ${maxFeatures}. Use kernelShap, or select features first.`,
    );
  }
  const ev = new CoalitionEvaluator('exactShap', model, X, options);
  const M = ev.features;
  const K = ev.classes;
  // w[s] = s! (M − s − 1)! / M!, the weight of a coalition of size s not containing j.
  const w = new Float64Array(M);
  for (let s = 0; s < M; s++) w[s] = 1 / (M * binomial(M - 1, s));
  const masks: Uint8Array[] = [];
  const sizes: number[] = [];
  for (let bits = 0; bits < 1 << M; bits++) {
    const mask = new Uint8Array(M);
    let size = 0;
    for (let j = 0; j < M; j++) {
      if (bits & (1 << j)) {
        mask[j] = 1;
        size++;
      }
    }
    masks.push(mask);
    sizes.push(size);
  }
  const values = new Float64Array(ev.rows * M * K);
  // φ_j = Σ_{T ∋ j} w(|T|−1) v(T) − Σ_{S ∌ j} w(|S|) v(S): each coalition is visited once.
  ev.forEachCoalition(masks, (k, start, count, v) => {
    const mask = masks[k];
    const size = sizes[k];
    for (let j = 0; j < M; j++) {
      const coef = mask[j] ? w[size - 1] : -w[size];
      for (let i = 0; i < count; i++) {
        const o = ((start + i) * M + j) * K;
        for (let c = 0; c < K; c++) values[o + c] += coef * v[i * K + c];
      }
    }
  });
  return {
    rows: ev.rows,
    features: M,
    classes: K,
    values,
    baseValue: ev.baseValue,
    prediction: ev.prediction,
  };
}

/** The binomial coefficient C(n, k) as a float. */
export function binomial(n: number, k: number): number {
  if (k < 0 || k > n) return 0;
  let r = 1;
  for (let i = 1; i <= Math.min(k, n - k); i++) r = (r * (n - Math.min(k, n - k) + i)) / i;
  return r;
}
