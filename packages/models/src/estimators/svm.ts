import type { DenseMatrix } from '../data/matrix.js';
import { denseMatrix } from '../data/matrix.js';
import { Random } from '../data/random.js';
import { EstimatorInputError } from '../errors.js';
import { BaseClassifier, checkJSONType, toFloat64, toInt32, toMatrix } from './base.js';
import type { EstimatorJSON } from './classifier.js';
import { registerEstimator } from './estimator-registry.js';
import { coupleProbabilities, fitPlattSigmoid, plattProbability } from './svm-probability.js';
import type { KernelSpec } from './svm-kernel.js';
import { KernelCache, kernelRow } from './svm-kernel.js';
import { solveBinarySvc } from './svm-solver.js';
import { checkPredictInput } from './input-checks.js';
import { declareParams } from './param-spec.js';

/** Hyper-parameters of {@link SVC}. */
export interface SVCParams {
  /** Penalty of margin violations. Default 1. */
  C: number;
  /** `rbf` (default) or `linear`. */
  kernel: 'rbf' | 'linear';
  /** RBF width: a positive number, `scale` (default: 1 / (features · Var(X))) or `auto` (1 / features). */
  gamma: number | 'scale' | 'auto';
  /** Stopping tolerance of SMO (largest KKT violation). Default 1e-3. */
  tol: number;
  /** Fit Platt probabilities with an internal 5-fold cross-validation per class pair. Default `true`. */
  probability: boolean;
  /** Kernel cache budget in MB. Default 200. */
  cacheSize: number;
  /** SMO iteration limit per subproblem; `null` (default) for libsvm's max(10⁷, 100·rows). */
  maxIter: number | null;
  /** Seed of the probability cross-validation folds. Default 0. */
  seed: number;
}

/** One one-vs-one binary machine of an {@link SVC}: class `a` (+1) against class `b` (−1). */
export interface SVCPairModel {
  /** Index of the positive class. */
  a: number;
  /** Index of the negative class. */
  b: number;
  /** Indices into the support-vector matrix. */
  sv: Int32Array;
  /** αᵢ·yᵢ of each of its support vectors. */
  coef: Float64Array;
  /** Offset: decision(x) = Σ coefᵢ k(svᵢ, x) − rho. */
  rho: number;
  /** Platt sigmoid slope (libsvm's `probA`). */
  probA: number;
  /** Platt sigmoid offset (libsvm's `probB`). */
  probB: number;
}

/** The fitted state of an {@link SVC}. */
export interface SVCModel {
  /** The γ used. */
  gamma: number;
  /** The union of every pair's support vectors. */
  supportVectors: DenseMatrix;
  /** Training-row index of each support vector. */
  support: Int32Array;
  /** The one-vs-one machines, pairs (0,1), (0,2), …, (1,2), …. */
  pairs: SVCPairModel[];
  /** Whether every SMO run met its tolerance. */
  converged: boolean;
}

/** The declared hyper-parameters of {@link SVC}. */
export const SVC_PARAMS = declareParams<SVCParams>('SVC', {
  C: {
    kind: 'number',
    min: 0,
    exclusiveMin: true,
    default: 1,
    grid: [1, 10],
    doc: 'Penalty parameter.',
  },
  gamma: {
    kind: 'number',
    min: 0,
    exclusiveMin: true,
    named: ['scale', 'auto'],
    default: 'scale',
    grid: ['scale'],
    doc: 'RBF kernel width.',
  },
  kernel: {
    kind: 'choice',
    values: ['rbf', 'linear'],
    default: 'rbf',
    grid: ['rbf'],
    doc: 'Kernel.',
  },
  tol: { kind: 'number', min: 0, exclusiveMin: true, default: 1e-3, doc: 'SMO tolerance.' },
  probability: { kind: 'boolean', default: true, doc: 'Fit Platt probabilities.' },
  cacheSize: { kind: 'number', min: 0, exclusiveMin: true, default: 200, doc: 'Kernel cache, MB.' },
  maxIter: {
    kind: 'number',
    integer: true,
    min: 1,
    nullable: true,
    default: null,
    doc: 'SMO iteration limit.',
  },
  seed: { kind: 'number', default: 0, doc: 'Seed of the probability folds.' },
});

/**
 * A support-vector classifier in the manner of libsvm / scikit-learn's `SVC`: one-vs-one binary
 * C-SVMs solved by SMO with second-order working-set selection, prediction by pairwise votes, and
 * probabilities from Platt sigmoids fitted on 5-fold cross-validated decision values then coupled
 * across pairs (Wu, Lin & Weng 2004), as `SVC(probability=True)`. Unlike libsvm the folds are
 * seeded, so fits reproduce.
 *
 * Hand-written rather than wrapping libsvm-js (wasm): that package writes to the console when it
 * loads, its probability folds are unseeded, and its models must be freed by hand; this solver is
 * plain typed arrays and serialises like every other estimator. See `bench/estimators.bench.ts`
 * for the speed comparison.
 *
 * @example
 * ```ts
 * const svc = new SVC({ C: 1, gamma: 'scale' }).fit(train.X, train.y);
 * const proba = svc.predictProba(test.X);
 * ```
 */
export class SVC extends BaseClassifier<SVCParams, SVCModel> {
  constructor(params: Partial<SVCParams> = {}) {
    super(SVC_PARAMS, params);
  }

  /** Rebuilds an `SVC` from `toJSON()` output. */
  static fromJSON(json: EstimatorJSON): SVC {
    checkJSONType(json, 'SVC');
    return new SVC(json.params).restore(json.state);
  }

  /** The support vectors (rows of the training set with a non-zero dual coefficient). */
  get supportVectors(): DenseMatrix {
    return this.model.supportVectors;
  }

  /** Training-row index of each support vector (scikit-learn's `support_`). */
  get support(): Int32Array {
    return this.model.support;
  }

  /** The γ actually used (resolved from `scale`/`auto`). */
  get gamma(): number {
    return this.model.gamma;
  }

  /** `false`: labels are the one-vs-one votes (as libsvm's), not the arg-max of the Platt probabilities. */
  override get predictsArgmax(): boolean {
    return false;
  }

  /** Whether every SMO subproblem met `tol` within `maxIter`. */
  get converged(): boolean {
    return this.model.converged;
  }

  /**
   * One-vs-one decision values, one column per class pair (0,1), (0,2), …, (1,2), …: positive
   * means the first class of the pair (scikit-learn's `decision_function_shape='ovo'`).
   */
  decisionFunction(X: DenseMatrix): DenseMatrix {
    checkPredictInput(this.typeName, X, this.nFeatures);
    return this.pairDecisions(X);
  }

  protected fitEncoded(X: DenseMatrix, y: Int32Array, k: number): SVCModel {
    const { C, tol, probability, cacheSize, seed } = this.params;
    const gamma = this.resolveGamma(X);
    const spec: KernelSpec = { kind: this.params.kernel, gamma };
    const budget = cacheSize * 1024 * 1024;
    const rng = new Random(seed);
    const byClass: number[][] = Array.from({ length: k }, () => []);
    for (let i = 0; i < X.rows; i++) byClass[y[i]].push(i);
    const pairs: (Omit<SVCPairModel, 'sv'> & { rows: Int32Array })[] = [];
    let converged = true;
    for (let a = 0; a < k; a++) {
      for (let b = a + 1; b < k; b++) {
        // Class a is +1, class b is −1; each pair has its own kernel cache over its rows.
        const rows = Int32Array.from([...byClass[a], ...byClass[b]]);
        const labels = new Int8Array(rows.length);
        labels.fill(1, 0, byClass[a].length);
        labels.fill(-1, byClass[a].length);
        const cache = new KernelCache(X, rows, spec, budget);
        const maxIter = this.params.maxIter ?? Math.max(10_000_000, 100 * rows.length);
        let probA = 0;
        let probB = 0;
        if (probability) {
          const dec = crossValidatedDecisions(labels, C, tol, cache, maxIter, rng);
          [probA, probB] = fitPlattSigmoid(dec, labels);
        }
        const sol = solveBinarySvc(null, labels, C, tol, cache, maxIter);
        if (sol.iterations >= maxIter) converged = false;
        const keep: number[] = [];
        for (let t = 0; t < rows.length; t++) if (sol.alpha[t] > 0) keep.push(t);
        pairs.push({
          a,
          b,
          rows: Int32Array.from(keep, (t) => rows[t]),
          coef: Float64Array.from(keep, (t) => sol.alpha[t] * labels[t]),
          rho: sol.rho,
          probA,
          probB,
        });
      }
    }
    // Gather the union of support vectors once, so prediction computes each kernel value once.
    const support = Int32Array.from(new Set(pairs.flatMap((p) => Array.from(p.rows)))).sort();
    const position = new Map<number, number>();
    support.forEach((r, i) => position.set(r, i));
    const d = X.cols;
    const sv = denseMatrix(support.length, d);
    support.forEach((r, i) => sv.data.set(X.data.subarray(r * d, r * d + d), i * d));
    return {
      gamma,
      supportVectors: sv,
      support,
      converged,
      pairs: pairs.map(({ rows, ...p }) => ({
        ...p,
        sv: Int32Array.from(rows, (r) => position.get(r)!),
      })),
    };
  }

  private resolveGamma(X: DenseMatrix): number {
    const g = this.params.gamma;
    if (typeof g === 'number') return g;
    if (g === 'auto') return 1 / X.cols;
    let mean = 0;
    for (const v of X.data) mean += v;
    mean /= X.data.length;
    let ss = 0;
    for (const v of X.data) ss += (v - mean) ** 2;
    const variance = ss / X.data.length;
    return variance > 0 ? 1 / (X.cols * variance) : 1;
  }

  /** Decision values of every pair for every row, `X.rows × nPairs`. */
  private pairDecisions(X: DenseMatrix): DenseMatrix {
    const { supportVectors: sv, pairs, gamma } = this.model;
    const spec: KernelSpec = { kind: this.params.kernel, gamma };
    const out = denseMatrix(X.rows, pairs.length);
    const kx = new Float64Array(sv.rows);
    for (let i = 0; i < X.rows; i++) {
      kernelRow(spec, X.data, i, sv, kx);
      for (let p = 0; p < pairs.length; p++) {
        const { sv: idx, coef, rho } = pairs[p];
        let f = -rho;
        for (let t = 0; t < idx.length; t++) f += coef[t] * kx[idx[t]];
        out.data[i * pairs.length + p] = f;
      }
    }
    return out;
  }

  protected override predictEncoded(X: DenseMatrix): Int32Array {
    const k = this.classes.length;
    const D = this.pairDecisions(X);
    const pairs = this.model.pairs;
    const votes = new Int32Array(k);
    const out = new Int32Array(X.rows);
    for (let i = 0; i < X.rows; i++) {
      votes.fill(0);
      pairs.forEach((p, q) => votes[D.data[i * pairs.length + q] > 0 ? p.a : p.b]++);
      let best = 0;
      for (let c = 1; c < k; c++) if (votes[c] > votes[best]) best = c;
      out[i] = best;
    }
    return out;
  }

  protected probaEncoded(X: DenseMatrix): DenseMatrix {
    if (!this.params.probability) {
      throw new EstimatorInputError(
        this.typeName,
        'probabilities were not fitted; construct it with probability: true (the default).',
      );
    }
    const k = this.classes.length;
    const D = this.pairDecisions(X);
    const pairs = this.model.pairs;
    const out = denseMatrix(X.rows, k);
    const r = new Float64Array(k * k);
    for (let i = 0; i < X.rows; i++) {
      pairs.forEach((p, q) => {
        const v = plattProbability(D.data[i * pairs.length + q], p.probA, p.probB);
        r[p.a * k + p.b] = v;
        r[p.b * k + p.a] = 1 - v;
      });
      coupleProbabilities(k, r, out.data.subarray(i * k, (i + 1) * k));
    }
    return out;
  }

  protected override encodeModel(m: SVCModel): unknown {
    return { ...m, pairs: m.pairs.map((p) => ({ ...p })) };
  }

  protected decodeModel(data: unknown): SVCModel {
    const m = data as Record<string, unknown>;
    return {
      gamma: Number(m.gamma),
      supportVectors: toMatrix(m.supportVectors),
      support: toInt32(m.support),
      converged: Boolean(m.converged),
      pairs: (m.pairs as Record<string, unknown>[]).map((p) => ({
        a: Number(p.a),
        b: Number(p.b),
        sv: toInt32(p.sv),
        coef: toFloat64(p.coef),
        rho: Number(p.rho),
        probA: Number(p.probA),
        probB: Number(p.probB),
      })),
    };
  }
}

/**
 * Decision values of each row from a model trained without it: libsvm's 5-fold
 * `svm_binary_svc_probability`, with a seeded permutation. Rows are indices into `cache`.
 */
function crossValidatedDecisions(
  labels: Int8Array,
  C: number,
  tol: number,
  cache: KernelCache,
  maxIter: number,
  rng: Random,
): Float64Array {
  const l = labels.length;
  const folds = 5;
  const perm = rng.permutation(l);
  const dec = new Float64Array(l);
  for (let f = 0; f < folds; f++) {
    const begin = Math.floor((f * l) / folds);
    const end = Math.floor(((f + 1) * l) / folds);
    const sub = new Int32Array(l - (end - begin));
    let c = 0;
    for (let j = 0; j < begin; j++) sub[c++] = perm[j];
    for (let j = end; j < l; j++) sub[c++] = perm[j];
    const subLabels = Int8Array.from(sub, (t) => labels[t]);
    let pos = 0;
    for (const v of subLabels) if (v > 0) pos++;
    if (pos === 0 || pos === subLabels.length) {
      // One class only in the training folds: libsvm assigns ±1.
      for (let j = begin; j < end; j++) dec[perm[j]] = pos > 0 ? 1 : -1;
      continue;
    }
    const sol = solveBinarySvc(sub, subLabels, C, tol, cache, maxIter);
    for (let j = begin; j < end; j++) dec[perm[j]] = -sol.rho;
    // Every support vector was in a working set, so its kernel row is cached: sum by rows.
    for (let t = 0; t < sub.length; t++) {
      if (!(sol.alpha[t] > 0)) continue;
      const coef = sol.alpha[t] * subLabels[t];
      const kr = cache.row(sub[t]);
      for (let j = begin; j < end; j++) dec[perm[j]] += coef * kr[perm[j]];
    }
  }
  return dec;
}

registerEstimator('SVC', SVC, (json) => SVC.fromJSON(json));
