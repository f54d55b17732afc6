import type { DenseMatrix } from '../data/matrix.js';
import { denseMatrix } from '../data/matrix.js';
import { EstimatorInputError } from '../errors.js';
import { BaseTransformer, checkJSONType } from '../estimators/base.js';
import type { EstimatorJSON } from '../estimators/classifier.js';
import { registerEstimator } from '../estimators/estimator-registry.js';
import { checkMatrix } from '../estimators/input-checks.js';
import { declareParams } from '../estimators/param-spec.js';

function checkCols(name: string, X: DenseMatrix, cols: number): void {
  checkMatrix(name, X);
  if (X.cols !== cols) {
    throw new EstimatorInputError(name, `expects ${cols} columns, got ${X.cols}.`);
  }
}

/** Cartesian (x, y) → polar (r, φ = atan2(y, x)), φ in (−π, π]. */
export function cartesianToPolar(X: DenseMatrix): DenseMatrix {
  checkCols('cartesianToPolar', X, 2);
  const out = denseMatrix(X.rows, 2);
  const a = X.data;
  const o = out.data;
  for (let i = 0; i < X.rows; i++) {
    const x = a[2 * i];
    const y = a[2 * i + 1];
    // Squares of values beyond 1e154 overflow; Math.hypot does not (and is only needed then).
    const r = Math.sqrt(x * x + y * y);
    o[2 * i] = Number.isFinite(r) ? r : Math.hypot(x, y);
    o[2 * i + 1] = Math.atan2(y, x);
  }
  return out;
}

/** Polar (r, φ) → cartesian (r cos φ, r sin φ). */
export function polarToCartesian(X: DenseMatrix): DenseMatrix {
  checkCols('polarToCartesian', X, 2);
  const out = denseMatrix(X.rows, 2);
  const a = X.data;
  const o = out.data;
  for (let i = 0; i < X.rows; i++) {
    const r = a[2 * i];
    const phi = a[2 * i + 1];
    o[2 * i] = r * Math.cos(phi);
    o[2 * i + 1] = r * Math.sin(phi);
  }
  return out;
}

/**
 * Cartesian (x, y, z) → spherical (r, θ = arccos(z / r), φ = atan2(y, x)): θ is the polar angle
 * from +z in [0, π], φ the azimuth in (−π, π]. At the origin θ = 0 (instead of NaN).
 */
export function cartesianToSpherical(X: DenseMatrix): DenseMatrix {
  checkCols('cartesianToSpherical', X, 3);
  const out = denseMatrix(X.rows, 3);
  const a = X.data;
  const o = out.data;
  for (let i = 0; i < X.rows; i++) {
    const x = a[3 * i];
    const y = a[3 * i + 1];
    const z = a[3 * i + 2];
    const squares = Math.sqrt(x * x + y * y + z * z);
    const r = Number.isFinite(squares) ? squares : Math.hypot(x, y, z);
    o[3 * i] = r;
    // Rounding can push z/r just past ±1; clamp so that arccos stays defined.
    o[3 * i + 1] = r > 0 ? Math.acos(Math.min(1, Math.max(-1, z / r))) : 0;
    o[3 * i + 2] = Math.atan2(y, x);
  }
  return out;
}

/** Spherical (r, θ, φ) → cartesian (r sin θ cos φ, r sin θ sin φ, r cos θ). */
export function sphericalToCartesian(X: DenseMatrix): DenseMatrix {
  checkCols('sphericalToCartesian', X, 3);
  const out = denseMatrix(X.rows, 3);
  const a = X.data;
  const o = out.data;
  for (let i = 0; i < X.rows; i++) {
    const r = a[3 * i];
    const theta = a[3 * i + 1];
    const phi = a[3 * i + 2];
    const s = r * Math.sin(theta);
    o[3 * i] = s * Math.cos(phi);
    o[3 * i + 1] = s * Math.sin(phi);
    o[3 * i + 2] = r * Math.cos(theta);
  }
  return out;
}

/** Hyper-parameters of {@link CoordinateTransformer}. */
export interface CoordinateTransformerParams {
  /**
   * Target system: `polar` (2 columns), `spherical` (3 columns), or `auto` (default): polar for
   * 2-column input and spherical for 3-column input.
   */
  system: 'auto' | 'polar' | 'spherical';
}

/** The declared hyper-parameters of {@link CoordinateTransformer}. */
export const COORDINATE_TRANSFORMER_PARAMS = declareParams<CoordinateTransformerParams>(
  'CoordinateTransformer',
  {
    system: {
      kind: 'choice',
      values: ['auto', 'polar', 'spherical'],
      default: 'auto',
      doc: 'Target coordinate system.',
    },
  },
);

/**
 * Maps cartesian features to polar (2D) or spherical (3D) coordinates, with the conventions of
 * {@link cartesianToPolar} and {@link cartesianToSpherical}; `inverseTransform` maps back.
 *
 * @example
 * ```ts
 * const sph = new CoordinateTransformer().fit(X3d).transform(X3d); // columns r, theta, phi
 * ```
 */
export class CoordinateTransformer extends BaseTransformer<
  CoordinateTransformerParams,
  { system: 'polar' | 'spherical' }
> {
  constructor(params: Partial<CoordinateTransformerParams> = {}) {
    super(COORDINATE_TRANSFORMER_PARAMS, params);
  }

  /** Rebuilds a `CoordinateTransformer` from `toJSON()` output. */
  static fromJSON(json: EstimatorJSON): CoordinateTransformer {
    checkJSONType(json, 'CoordinateTransformer');
    return new CoordinateTransformer(json.params).restore(json.state);
  }

  /** Maps transformed rows back to cartesian coordinates. */
  inverseTransform(X: DenseMatrix): DenseMatrix {
    return this.model.system === 'polar' ? polarToCartesian(X) : sphericalToCartesian(X);
  }

  featureNamesOut(_input: readonly string[]): string[] {
    return this.model.system === 'polar' ? ['r', 'phi'] : ['r', 'theta', 'phi'];
  }

  protected fitModel(X: DenseMatrix): { system: 'polar' | 'spherical' } {
    const want = this.params.system;
    const system = want === 'auto' ? (X.cols === 2 ? 'polar' : 'spherical') : want;
    const cols = system === 'polar' ? 2 : 3;
    if (X.cols !== cols) {
      throw new EstimatorInputError(
        this.typeName,
        `${system} coordinates need ${cols} columns, got ${X.cols}.`,
      );
    }
    return { system };
  }

  protected apply(X: DenseMatrix): DenseMatrix {
    return this.model.system === 'polar' ? cartesianToPolar(X) : cartesianToSpherical(X);
  }

  protected decodeModel(data: unknown): { system: 'polar' | 'spherical' } {
    const system = (data as { system: string }).system === 'polar' ? 'polar' : 'spherical';
    return { system };
  }
}

registerEstimator('CoordinateTransformer', CoordinateTransformer, (json) =>
  CoordinateTransformer.fromJSON(json),
);
