import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  configure,
  createMemoryCacheStore,
  resetConfiguration,
  silentLogger,
} from '@tideflow/core';
import {
  ClusteringPipeline,
  resolvePipelineConfig,
  writeCsv,
  SVC,
  StandardScaler,
  cartesianToPolar,
  cartesianToSpherical,
  denseMatrix,
  fromRows,
  makeBlobs,
} from '../src/index.js';

const blobs = makeBlobs({ n: 200, dim: 2, k: 3, seed: 1 });
const times = (factor: number) =>
  denseMatrix(
    blobs.X.rows,
    2,
    Float64Array.from(blobs.X.data, (v) => v * factor),
  );

describe('finite but huge values (1e306 .. 1.7e308)', () => {
  it('StandardScaler fits and transforms them without overflow, as the same data in ordinary units', () => {
    const plain = new StandardScaler().fit(blobs.X);
    const huge = new StandardScaler().fit(times(1e306));
    for (let j = 0; j < 2; j++) {
      expect(huge.fitted.mean[j] / 1e306).toBeCloseTo(plain.fitted.mean[j], 10);
      expect(huge.fitted.scale[j] / 1e306).toBeCloseTo(plain.fitted.scale[j], 10);
    }
    const a = plain.transform(blobs.X).data;
    const b = huge.transform(times(1e306)).data;
    expect(b.every(Number.isFinite)).toBe(true);
    for (let i = 0; i < a.length; i++) expect(b[i]).toBeCloseTo(a[i], 10);
  });

  it('StandardScaler transforms a value whose distance to the mean exceeds the largest double', () => {
    const scaler = new StandardScaler().fit(fromRows([[-1.7e308], [-1.6e308]]));
    const out = scaler.transform(fromRows([[1.7e308]])).data[0];
    expect(Number.isFinite(out)).toBe(true);
    expect(out).toBeCloseTo(1.7e308 / 0.05e308 - -1.65e308 / 0.05e308, 6);
  });

  it('polar and spherical radii of values beyond 1e154 stay finite', () => {
    expect(cartesianToPolar(fromRows([[3e200, 4e200]])).data[0]).toBeCloseTo(5e200, -190);
    const s = cartesianToSpherical(fromRows([[0, 3e300, 4e300]])).data;
    expect(s[0] / 5e300).toBeCloseTo(1, 12);
    expect(s[1]).toBeCloseTo(Math.acos(0.8), 12);
  });

  it.each(['rbf', 'linear'] as const)(
    'SVC (%s) never returns a non-finite probability on unscaled 1e308 cells',
    (kernel) => {
      const X = denseMatrix(
        blobs.X.rows,
        2,
        Float64Array.from(blobs.X.data, (v, i) => (i % 7 === 0 ? 1e308 : v)),
      );
      const proba = new SVC({ kernel, maxIter: 20_000 }).fit(X, blobs.y).predictProba(X);
      expect(proba.data.every(Number.isFinite)).toBe(true);
      for (let i = 0; i < proba.rows; i++) {
        const row = proba.data.subarray(i * 3, i * 3 + 3);
        expect(row.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 6);
      }
    },
  );
});

describe('the pipeline on data in units of 1e306', () => {
  it('runs every stage and reports finite probabilities', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tideflow-huge-'));
    try {
      configure({ tracker: false, logger: silentLogger, cacheStore: createMemoryCacheStore() });
      const data = makeBlobs({ n: 450, dim: 3, k: 3, std: 2, seed: 4 });
      const path = join(dir, 'huge.csv');
      await writeCsv(path, {
        ...data,
        X: denseMatrix(
          data.X.rows,
          3,
          Float64Array.from(data.X.data, (v) => v * 1e306),
        ),
      });
      const config = await resolvePipelineConfig({
        overrides: { data: { path } },
        set: [
          'search.folds=3',
          'models.svc.maxSamples=200',
          'explain.shapRows=20',
          'tsne.sample=60',
        ],
      });
      const result = await new ClusteringPipeline().run(config);
      expect(result.testAccuracy).toBeGreaterThan(0.8);
      expect(Number.isFinite(result.testLogLoss)).toBe(true);
      for (const f of result.families) expect(Number.isFinite(f.testLogLoss)).toBe(true);
    } finally {
      resetConfiguration();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
