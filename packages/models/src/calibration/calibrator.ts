import { DataFormatError } from '../errors.js';
import { toFloat64 } from '../estimators/base.js';
import { IsotonicRegression } from './isotonic.js';
import type { SigmoidParams } from './sigmoid.js';
import { applySigmoid, fitSigmoid } from './sigmoid.js';

/** A fitted one-dimensional calibrator, as stored in a calibrated model's JSON form. */
export type CalibratorJSON =
  | { readonly kind: 'sigmoid'; readonly a: number; readonly b: number }
  | { readonly kind: 'isotonic'; readonly x: Float64Array; readonly y: Float64Array };

/** A fitted map from a classifier's score for one class to a calibrated probability. */
export interface Calibrator {
  /** Calibrated probabilities for the scores `f`. */
  predict(f: ArrayLike<number>): Float64Array;
  /** Structured-clone data that {@link calibratorFromJSON} turns back into the calibrator. */
  toJSON(): CalibratorJSON;
}

/** Fits a sigmoid (Platt) or isotonic calibrator on scores `f` and binary outcomes `y`. */
export function fitCalibrator(
  method: 'sigmoid' | 'isotonic',
  f: Float64Array,
  y: Float64Array,
): Calibrator {
  if (method === 'isotonic') return isotonicCalibrator(new IsotonicRegression().fit(f, y));
  return sigmoidCalibrator(fitSigmoid(f, y));
}

/** Rebuilds a calibrator from its JSON form. */
export function calibratorFromJSON(json: unknown): Calibrator {
  const j = json as { kind?: unknown; a?: unknown; b?: unknown; x?: unknown; y?: unknown };
  if (j?.kind === 'sigmoid') return sigmoidCalibrator({ a: Number(j.a), b: Number(j.b) });
  if (j?.kind === 'isotonic') {
    return isotonicCalibrator(
      IsotonicRegression.fromState({ x: toFloat64(j.x), y: toFloat64(j.y) }),
    );
  }
  throw new DataFormatError(
    `Unknown calibrator in a CalibratedClassifier's JSON form: ${JSON.stringify(j?.kind)}.`,
  );
}

function sigmoidCalibrator(p: SigmoidParams): Calibrator {
  return {
    predict: (f) => applySigmoid(p, f),
    toJSON: () => ({ kind: 'sigmoid', a: p.a, b: p.b }),
  };
}

function isotonicCalibrator(iso: IsotonicRegression): Calibrator {
  return {
    predict: (f) => iso.predict(f),
    toJSON: () => ({ kind: 'isotonic', x: iso.knots.x, y: iso.knots.y }),
  };
}
