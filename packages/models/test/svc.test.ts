import { describe, expect, it } from 'vitest';
import { defaultSerializers } from '@tideflow/core';
import {
  EstimatorInputError,
  InvalidParameterError,
  SVC,
  accuracy,
  estimatorFromJSON,
  fromRows,
  takeRows,
} from '../src/index.js';
import { agreement, loadData, maxDiff } from './core-fixtures.js';

describe('SVC', () => {
  it('reaches accuracy ≥ 0.94 on blobs2d_5k (scikit-learn figure; Bayes rate 0.944)', async () => {
    const [train, test] = await Promise.all([
      loadData('blobs2d_5k.train'),
      loadData('blobs2d_5k.test'),
    ]);
    const svc = new SVC().fit(train.X, train.y);
    expect(svc.converged).toBe(true);
    expect(accuracy(test.y, svc.predict(test.X))).toBeGreaterThanOrEqual(0.94);
  });

  it('solves the hard-margin problem of two points exactly (linear kernel)', () => {
    const svc = new SVC({ kernel: 'linear', C: 100, probability: false }).fit(
      fromRows([[-1], [1]]),
      Int32Array.from([0, 1]),
    );
    const f = svc.decisionFunction(fromRows([[-1], [1], [0.5]]));
    // Pair (0, 1): positive means class 0, which sits at −1; the optimum is f(x) = −x.
    expect(Array.from(f.data).map((v) => Number(v.toFixed(6)))).toEqual([1, -1, -0.5]);
    expect(Array.from(svc.predict(fromRows([[-3], [0.1]])))).toEqual([0, 1]);
  });

  it('meets the KKT conditions of the dual within the tolerance', async () => {
    const data = await loadData('blobs2d_5k.train');
    const rows = Array.from(data.y.keys()).filter((i) => data.y[i] === 0 || data.y[i] === 1);
    const X = takeRows(data.X, rows);
    const y = Int32Array.from(rows, (i) => data.y[i]);
    const C = 1;
    const svc = new SVC({ C, probability: false, tol: 1e-4 }).fit(X, y);
    const f = svc.decisionFunction(X).data;
    const alpha = new Float64Array(X.rows);
    const pair = (
      svc.toJSON().state as { model: { pairs: { coef: Float64Array; sv: Int32Array }[] } }
    ).model.pairs[0];
    pair.sv.forEach((s, t) => (alpha[svc.support[s]] = Math.abs(pair.coef[t])));
    let worst = 0;
    for (let i = 0; i < X.rows; i++) {
      const margin = (y[i] === 0 ? 1 : -1) * f[i]; // class 0 is +1 in pair (0, 1)
      if (alpha[i] === 0) worst = Math.max(worst, 1 - margin);
      else if (alpha[i] >= C) worst = Math.max(worst, margin - 1);
      else worst = Math.max(worst, Math.abs(margin - 1));
    }
    expect(worst).toBeLessThan(1e-3);
  });

  it('gives probabilities summing to 1 that agree with the votes, reproducibly', async () => {
    const [train, test] = await Promise.all([
      loadData('blobs3d_5k.train'),
      loadData('blobs3d_5k.test'),
    ]);
    const svc = new SVC({ seed: 1 }).fit(train.X, train.y);
    const P = svc.predictProba(test.X);
    for (let i = 0; i < test.X.rows; i++) {
      let s = 0;
      for (let c = 0; c < 6; c++) s += P.data[i * 6 + c];
      expect(s).toBeCloseTo(1, 6);
    }
    const pred = svc.predict(test.X);
    const argmax = Int32Array.from({ length: test.X.rows }, (_, i) => {
      const row = Array.from(P.data.subarray(i * 6, i * 6 + 6));
      return row.indexOf(Math.max(...row));
    });
    expect(agreement(pred, argmax)).toBeGreaterThan(0.97);
    expect(accuracy(test.y, pred)).toBeGreaterThan(0.85);
    const again = new SVC({ seed: 1 }).fit(train.X, train.y);
    expect(maxDiff(again.predictProba(test.X).data, P.data)).toBe(0);
    const other = new SVC({ seed: 2 }).fit(train.X, train.y);
    expect(other.predict(test.X)).toEqual(pred); // the votes do not depend on the probability folds
    expect(maxDiff(other.predictProba(test.X).data, P.data)).toBeGreaterThan(0);
  });

  it('resolves gamma "scale" and "auto" as scikit-learn does', () => {
    const X = fromRows([
      [0, 0],
      [2, 0],
      [0, 4],
      [2, 4],
    ]);
    const y = Int32Array.from([0, 0, 1, 1]);
    const values = Array.from(X.data);
    const mean = values.reduce((a, b) => a + b) / values.length;
    const variance = values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length;
    expect(new SVC({ probability: false }).fit(X, y).gamma).toBeCloseTo(1 / (2 * variance), 14);
    expect(new SVC({ gamma: 'auto', probability: false }).fit(X, y).gamma).toBe(0.5);
    expect(new SVC({ gamma: 0.1, probability: false }).fit(X, y).gamma).toBe(0.1);
  });

  it('round-trips through JSON text and the tideflow serializer', async () => {
    const [train, test] = await Promise.all([
      loadData('blobs2d_5k.train'),
      loadData('blobs2d_5k.test'),
    ]);
    const svc = new SVC({ C: 2 }).fit(train.X, train.y);
    const a = estimatorFromJSON(JSON.parse(JSON.stringify(svc))) as SVC;
    const b = defaultSerializers.deserialize(defaultSerializers.serialize(svc)) as SVC;
    for (const m of [a, b]) {
      expect(maxDiff(m.predictProba(test.X).data, svc.predictProba(test.X).data)).toBe(0);
      expect(m.predict(test.X)).toEqual(svc.predict(test.X));
    }
    // A decoded model encodes to the same bytes as the fitted one (a cached rerun registers no
    // new model version), although fit builds its state in another key order than decoding.
    const bytes = defaultSerializers.serialize(svc);
    expect(defaultSerializers.serialize(b).equals(bytes)).toBe(true);
  });

  it('refuses bad input, probabilities when disabled, and bad hyper-parameters', () => {
    const X = fromRows([[0], [1], [2], [3]]);
    const y = Int32Array.from([0, 0, 1, 1]);
    expect(() => new SVC().fit(X, Int32Array.from([1, 1, 1, 1]))).toThrow(
      /^SVC: y has only one class/,
    );
    expect(() => new SVC().fit(fromRows([[NaN], [1]]), Int32Array.from([0, 1]))).toThrow(
      EstimatorInputError,
    );
    const noProba = new SVC({ probability: false }).fit(X, y);
    expect(() => noProba.predictProba(X)).toThrow(/^SVC: probabilities were not fitted/);
    expect(() => noProba.predict(fromRows([[1, 2]]))).toThrow(
      /2 features but the model was fitted with 1/,
    );
    expect(() => new SVC({ C: 0 })).toThrow(InvalidParameterError);
    expect(() => new SVC({ C: NaN })).toThrow(/"C".*finite/);
    expect(() => new SVC({ gamma: -1 })).toThrow(/gamma/);
    expect(() => new SVC({ gamma: 'big' as never })).toThrow(/gamma/);
    expect(() => new SVC({ kernel: 'poly' as never })).toThrow(/'rbf', 'linear'/);
    expect(() => new SVC({ tol: Infinity })).toThrow(/tol/);
  });
});
