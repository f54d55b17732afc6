import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { defaultSerializers } from '@tideflow/core';
import {
  EstimatorInputError,
  InvalidParameterError,
  LogisticRegression,
  accuracy,
  estimatorFromJSON,
  fromRows,
  minimizeLbfgs,
  takeRows,
} from '../src/index.js';
import { loadData, maxDiff } from './core-fixtures.js';

// The optimum of scikit-learn's lbfgs objective, computed with SciPy's L-BFGS-B to a tight
// tolerance by fixtures/make_logistic_reference.py (scikit-learn itself is not installed here).
const reference = JSON.parse(
  readFileSync(new URL('./fixtures/logistic_reference.json', import.meta.url), 'utf8'),
) as {
  cases: {
    data: string;
    C: number;
    fitIntercept: boolean;
    coef: number[][];
    intercept: number[];
  }[];
};

async function caseData(name: string) {
  if (name === 'blobs3d_5k.train') return loadData(name);
  const d = await loadData('blobs2d_5k.train');
  const rows = Array.from(d.y.keys()).filter((i) => d.y[i] < 2);
  return { X: takeRows(d.X, rows), y: Int32Array.from(rows, (i) => d.y[i]) };
}

describe('minimizeLbfgs', () => {
  it('finds the minimum of the Rosenbrock function', () => {
    const res = minimizeLbfgs(
      (x, g) => {
        const [a, b] = x;
        g[0] = -2 * (1 - a) - 400 * a * (b - a * a);
        g[1] = 200 * (b - a * a);
        return (1 - a) ** 2 + 100 * (b - a * a) ** 2;
      },
      Float64Array.from([-1.2, 1]),
      { maxIter: 200, gtol: 1e-10 },
    );
    expect(res.converged).toBe(true);
    expect(res.x[0]).toBeCloseTo(1, 6);
    expect(res.x[1]).toBeCloseTo(1, 6);
  });
});

describe('LogisticRegression reaches the scikit-learn lbfgs optimum', () => {
  for (const c of reference.cases) {
    it(`${c.data}, C=${c.C}, fitIntercept=${c.fitIntercept}`, async () => {
      const { X, y } = await caseData(c.data);
      const tight = new LogisticRegression({
        C: c.C,
        fitIntercept: c.fitIntercept,
        tol: 1e-8,
        maxIter: 1000,
      }).fit(X, y);
      expect(tight.fitted.converged).toBe(true);
      expect(maxDiff(tight.fitted.coef, c.coef.flat())).toBeLessThan(1e-5);
      expect(maxDiff(tight.fitted.intercept, c.intercept)).toBeLessThan(1e-4);
      // With scikit-learn's default tol=1e-4 the model stops near the optimum, as scikit-learn does.
      const byDefault = new LogisticRegression({ C: c.C, fitIntercept: c.fitIntercept }).fit(X, y);
      expect(maxDiff(byDefault.predictProba(X).data, tight.predictProba(X).data)).toBeLessThan(
        2e-3,
      );
    });
  }

  it('reaches scikit-learn accuracy 0.8393 within 0.5 points on blobs3d_100k', async () => {
    const [train, test] = await Promise.all([
      loadData('blobs3d_100k.train'),
      loadData('blobs3d_100k.test'),
    ]);
    const lr = new LogisticRegression().fit(train.X, train.y);
    expect(lr.fitted.converged).toBe(true);
    expect(Math.abs(accuracy(test.y, lr.predict(test.X)) - 0.8393)).toBeLessThanOrEqual(0.005);
  });
});

describe('LogisticRegression behaviour', () => {
  it('uses one coefficient row for two classes and softmax rows for more', async () => {
    const { X, y } = await caseData('blobs2d_5k.train classes 0 and 1');
    const bin = new LogisticRegression().fit(X, y);
    expect(bin.fitted.coef.length).toBe(2);
    const p = bin.predictProba(X);
    const z = bin.decisionFunction(X);
    expect(z.cols).toBe(1);
    expect(p.data[1]).toBeCloseTo(1 / (1 + Math.exp(-z.data[0])), 14);
    expect(p.data[0] + p.data[1]).toBeCloseTo(1, 14);
    const multi = await loadData('blobs3d_5k.train');
    const lr = new LogisticRegression().fit(multi.X, multi.y);
    expect(lr.fitted.coef.length).toBe(18);
    const intercepts = lr.fitted.intercept.reduce((a, b) => a + b, 0);
    expect(Math.abs(intercepts)).toBeLessThan(1e-12);
    const P = lr.predictProba(multi.X);
    for (let i = 0; i < 20; i++) {
      let s = 0;
      for (let c = 0; c < 6; c++) s += P.data[i * 6 + c];
      expect(s).toBeCloseTo(1, 12);
    }
  });

  it('stronger regularisation shrinks the coefficients', async () => {
    const { X, y } = await loadData('blobs3d_5k.train');
    const norm = (C: number) =>
      new LogisticRegression({ C }).fit(X, y).fitted.coef.reduce((a, v) => a + v * v, 0);
    expect(norm(0.001)).toBeLessThan(norm(1));
  });

  it('round-trips through JSON text and the tideflow serializer', async () => {
    const { X, y } = await loadData('blobs3d_5k.train');
    const lr = new LogisticRegression({ C: 0.5 }).fit(X, y);
    const a = estimatorFromJSON(JSON.parse(JSON.stringify(lr))) as LogisticRegression;
    const b = defaultSerializers.deserialize(
      defaultSerializers.serialize(lr),
    ) as LogisticRegression;
    expect(maxDiff(a.predictProba(X).data, lr.predictProba(X).data)).toBe(0);
    expect(maxDiff(b.predictProba(X).data, lr.predictProba(X).data)).toBe(0);
    expect(a.fitted.converged).toBe(true);
  });

  it('refuses bad input and bad hyper-parameters with typed errors naming it', () => {
    const X = fromRows([
      [0, 1],
      [1, 0],
      [3, 3],
      [4, 4],
    ]);
    expect(() => new LogisticRegression().fit(X, Int32Array.from([1, 1, 1, 1]))).toThrow(
      /^LogisticRegression: y has only one class/,
    );
    expect(() =>
      new LogisticRegression().fit(
        fromRows([
          [NaN, 1],
          [1, 1],
        ]),
        Int32Array.from([0, 1]),
      ),
    ).toThrow(EstimatorInputError);
    const lr = new LogisticRegression().fit(X, Int32Array.from([0, 0, 1, 1]));
    expect(() => lr.predict(fromRows([[1]]))).toThrow(/1 features but the model was fitted with 2/);
    expect(() => new LogisticRegression({ C: 0 })).toThrow(InvalidParameterError);
    expect(() => new LogisticRegression({ C: Infinity })).toThrow(/"C".*finite/);
    expect(() => new LogisticRegression({ maxIter: 0 })).toThrow(/maxIter/);
    expect(() => new LogisticRegression({ tol: NaN })).toThrow(/tol/);
  });
});
