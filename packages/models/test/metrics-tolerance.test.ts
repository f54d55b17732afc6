import { describe, expect, it } from 'vitest';
import { EstimatorInputError, brierScore, denseMatrix, logLoss, rocAucOvr } from '../src/index.js';

describe('probability metrics and rounding', () => {
  it('accept rows that leave [0, 1] by a rounding error, as averaged forests produce', () => {
    const proba = denseMatrix(2, 2, Float64Array.from([1.0000000000000007, -1e-17, 0.25, 0.75]));
    const y = Int32Array.from([0, 1]);
    expect(logLoss(y, proba)).toBeCloseTo(-Math.log(0.75) / 2, 12);
    expect(Number.isFinite(brierScore(y, proba))).toBe(true);
    expect(rocAucOvr(y, proba)).toBe(1);
  });

  it('still reject real excursions', () => {
    const proba = denseMatrix(2, 2, Float64Array.from([1.2, -0.2, 0.25, 0.75]));
    expect(() => logLoss(Int32Array.from([0, 1]), proba)).toThrow(EstimatorInputError);
  });
});
