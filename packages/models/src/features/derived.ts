import type { DenseMatrix } from '../data/matrix.js';
import { denseMatrix } from '../data/matrix.js';
import { EstimatorInputError, InvalidParameterError } from '../errors.js';
import { BaseTransformer, checkJSONType } from '../estimators/base.js';
import type { EstimatorJSON } from '../estimators/classifier.js';
import { registerEstimator } from '../estimators/estimator-registry.js';
import { declareParams } from '../estimators/param-spec.js';

/** Hyper-parameters of {@link DerivedFeatures}. */
export interface DerivedFeaturesParams {
  /** Indices of the input columns that are angles (radians). Each becomes `sin` and `cos`. Default none. */
  angles: readonly number[];
  /** Keep the non-angle input columns themselves. Default true. */
  keepOriginal: boolean;
  /** Add `a*b` for every pair of non-angle columns. Default true. */
  products: boolean;
  /** Add `a/b` for every ordered pair of non-angle columns (0 where `|b| ≤ 1e-12`). Default false. */
  ratios: boolean;
  /** Add `a^2` for every non-angle column. Default true. */
  squares: boolean;
  /** Add the Euclidean norm of the non-angle columns. Default true. */
  norm: boolean;
}

/** What {@link DerivedFeatures} learned: the number of input columns. */
export interface DerivedModel {
  /** Number of input columns. */
  nInput: number;
}

/** Denominators at or below this magnitude make a ratio 0 rather than a huge or infinite value. */
const RATIO_EPSILON = 1e-12;

const flag = (def: boolean, doc: string) => ({ kind: 'boolean', default: def, doc }) as const;

/** The declared hyper-parameters of {@link DerivedFeatures}. */
export const DERIVED_FEATURES_PARAMS = declareParams<DerivedFeaturesParams>('DerivedFeatures', {
  angles: {
    kind: 'other',
    accepts: 'distinct column indices (integers ≥ 0)',
    default: [],
    doc: 'Input columns that are angles.',
    check: (estimator, name, angles) => {
      if (!Array.isArray(angles) || angles.some((a) => !Number.isInteger(a) || a < 0)) {
        throw new InvalidParameterError(
          estimator,
          name,
          'must be an array of column indices (integers ≥ 0).',
        );
      }
      if (new Set(angles).size !== angles.length) {
        throw new InvalidParameterError(estimator, name, 'lists a column twice.');
      }
    },
  },
  keepOriginal: flag(true, 'Keep the non-angle input columns.'),
  products: flag(true, 'Add pairwise products.'),
  ratios: flag(false, 'Add pairwise ratios.'),
  squares: flag(true, 'Add squares.'),
  norm: flag(true, 'Add the Euclidean norm.'),
});

/**
 * Derived features for classifiers that cannot build them themselves: pairwise products and
 * ratios, squares, the Euclidean norm, and `sin`/`cos` of angle columns. An angle wraps around
 * (φ = π and φ = −π are the same direction), so it is replaced by `sin φ` and `cos φ`, which are
 * continuous across the wrap, and kept out of products, ratios, squares and the norm. Pair it
 * with a selector (`SelectKBest`, `FreshSelector`, `RFECV`) in a `Pipeline` to keep the useful ones.
 *
 * Output columns, in order: originals, sin/cos per angle, squares, products, ratios, norm.
 *
 * @example
 * ```ts
 * // spherical [r, theta, phi]: theta and phi are angles
 * const derived = new DerivedFeatures({ angles: [1, 2] }).fit(X);
 * derived.featureNamesOut(['r', 'theta', 'phi']);
 * // ['r', 'sin(theta)', 'cos(theta)', 'sin(phi)', 'cos(phi)', 'r^2', 'norm']
 * ```
 */
export class DerivedFeatures extends BaseTransformer<DerivedFeaturesParams, DerivedModel> {
  constructor(params: Partial<DerivedFeaturesParams> = {}) {
    super(DERIVED_FEATURES_PARAMS, params);
  }

  /** Rebuilds the transformer (fitted or not) from its JSON form. */
  static fromJSON(json: EstimatorJSON): DerivedFeatures {
    checkJSONType(json, 'DerivedFeatures');
    return new DerivedFeatures(json.params).restore(json.state);
  }

  /** Names of the output columns, given the input column names. */
  featureNamesOut(input: readonly string[]): string[] {
    const n = this.model.nInput;
    if (input.length !== n) {
      throw new EstimatorInputError(
        this.typeName,
        `got ${input.length} feature names for ${n} features.`,
      );
    }
    return this.plan(n, (j) => input[j]).names;
  }

  protected fitModel(X: DenseMatrix): DerivedModel {
    for (const a of this.params.angles) {
      if (a >= X.cols) {
        throw new InvalidParameterError(
          this.typeName,
          'angles',
          `column ${a} does not exist: X has ${X.cols} columns.`,
        );
      }
    }
    return { nInput: X.cols };
  }

  protected apply(X: DenseMatrix): DenseMatrix {
    const { ops } = this.plan(X.cols, (j) => `x${j}`);
    const k = ops.length;
    const out = denseMatrix(X.rows, k);
    const plain = this.plainColumns(X.cols);
    for (let i = 0; i < X.rows; i++) {
      const row = X.data.subarray(i * X.cols, (i + 1) * X.cols);
      const o = i * k;
      for (let c = 0; c < k; c++) {
        const op = ops[c];
        let v: number;
        switch (op.kind) {
          case 'copy':
            v = row[op.a];
            break;
          case 'sin':
            v = Math.sin(row[op.a]);
            break;
          case 'cos':
            v = Math.cos(row[op.a]);
            break;
          case 'square':
            v = row[op.a] * row[op.a];
            break;
          case 'product':
            v = row[op.a] * row[op.b];
            break;
          case 'ratio':
            v = Math.abs(row[op.b]) > RATIO_EPSILON ? row[op.a] / row[op.b] : 0;
            break;
          default: {
            let s = 0;
            for (const j of plain) s += row[j] * row[j];
            v = Math.sqrt(s);
          }
        }
        out.data[o + c] = v;
      }
    }
    return out;
  }

  protected decodeModel(data: unknown): DerivedModel {
    return { nInput: Number((data as DerivedModel).nInput) };
  }

  private plainColumns(n: number): number[] {
    const angles = new Set(this.params.angles);
    return Array.from({ length: n }, (_, j) => j).filter((j) => !angles.has(j));
  }

  /** The output columns as operations on input columns, with their names. */
  private plan(n: number, name: (j: number) => string): { ops: Op[]; names: string[] } {
    const p = this.params;
    const plain = this.plainColumns(n);
    const ops: Op[] = [];
    const names: string[] = [];
    const add = (op: Op, label: string): void => {
      ops.push(op);
      names.push(label);
    };
    if (p.keepOriginal) for (const j of plain) add({ kind: 'copy', a: j, b: 0 }, name(j));
    for (const a of p.angles) {
      add({ kind: 'sin', a, b: 0 }, `sin(${name(a)})`);
      add({ kind: 'cos', a, b: 0 }, `cos(${name(a)})`);
    }
    if (p.squares) for (const j of plain) add({ kind: 'square', a: j, b: 0 }, `${name(j)}^2`);
    if (p.products) {
      for (let x = 0; x < plain.length; x++) {
        for (let y = x + 1; y < plain.length; y++) {
          add({ kind: 'product', a: plain[x], b: plain[y] }, `${name(plain[x])}*${name(plain[y])}`);
        }
      }
    }
    if (p.ratios) {
      for (const a of plain)
        for (const b of plain) if (a !== b) add({ kind: 'ratio', a, b }, `${name(a)}/${name(b)}`);
    }
    if (p.norm && plain.length > 0) add({ kind: 'norm', a: 0, b: 0 }, 'norm');
    if (ops.length === 0) {
      throw new InvalidParameterError(
        this.typeName,
        'keepOriginal',
        'every option is off: there would be no output column.',
      );
    }
    return { ops, names };
  }
}

/** One output column: which operation on which input columns. */
interface Op {
  kind: 'copy' | 'sin' | 'cos' | 'square' | 'product' | 'ratio' | 'norm';
  a: number;
  b: number;
}

registerEstimator('DerivedFeatures', DerivedFeatures, (json) => DerivedFeatures.fromJSON(json));
