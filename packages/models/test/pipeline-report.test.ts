import { afterEach, describe, expect, it } from 'vitest';
import {
  configure,
  createMemoryCacheStore,
  engineEvents,
  resetConfiguration,
  silentLogger,
} from '@tideflow/core';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ClusteringPipeline,
  denseMatrix,
  makeBlobs,
  resolvePipelineConfig,
  writeCsv,
} from '../src/index.js';

afterEach(() => {
  resetConfiguration();
  engineEvents.clear();
});

/** A quick run: small data, three families, small explanation samples. */
async function quickRun(extra: string[]) {
  configure({ tracker: false, logger: silentLogger, cacheStore: createMemoryCacheStore() });
  const config = await resolvePipelineConfig({
    set: [
      'data.n=600',
      'data.k=3',
      'search.folds=3',
      'models.svc.enabled=false',
      'models.random_forest.nEstimators=[10]',
      'explain.shapRows=30',
      'explain.shapBackground=20',
      'tsne.sample=80',
      ...extra,
    ],
  });
  return new ClusteringPipeline().run(config);
}

describe('the report', () => {
  it('skips local explanations with explain.localRows=0 and says so', async () => {
    const result = await quickRun(['data.dim=2', 'explain.localRows=0']);
    expect(result.explanations.local).toEqual([]);
    expect(result.explanations.shapMean.length).toBe(2);
    expect(result.html).toMatch(
      /<h3>Local explanations<\/h3>\s*<p>None: <code>explain.localRows<\/code> is 0\.<\/p>/,
    );
  }, 120_000);

  it("names 2D coordinates polar (never polar/spherical), shows run, date and data source, labels a vote's CV score", async () => {
    const result = await quickRun(['data.dim=2', 'features.coordinates=polar', 'strategy=voting']);
    expect(result.html).toContain('Coordinates: <b>polar</b>');
    expect(result.html).not.toContain('polar/spherical');
    expect(result.html).toMatch(
      /<p class="meta">run \(not tracked\) · \d{4}-\d\d-\d\dT[\d:.]+Z · data: makeBlobs: n 600, dim 2, k 3, std 3, seed 42<\/p>/,
    );
    // The vote's card and table row show its own CV score (crossValidateVote), not a member's.
    expect(result.members.length).toBeGreaterThan(1);
    expect(result.html).not.toContain('best member');
    expect(result.html).toContain(
      `<div class="card">CV score of the vote<b>${result.cvScore.toFixed(4)}</b></div>`,
    );
    expect(result.html).toContain(
      `<tr><td>soft vote of ${result.members.join(', ')} (calibrated)</td><td class="num">${result.cvScore.toFixed(4)}</td>`,
    );
  }, 120_000);

  it('gives data with more than 3 features a PCA view and a t-SNE view', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tideflow-report-'));
    try {
      const blobs = makeBlobs({ n: 600, dim: 3, k: 3, seed: 8 });
      const X = denseMatrix(600, 5);
      for (let i = 0; i < 600; i++) {
        X.data.set(blobs.X.data.subarray(i * 3, i * 3 + 3), i * 5);
        X.data[i * 5 + 3] = Math.sin(i * 1.7);
        X.data[i * 5 + 4] = Math.cos(i * 0.3);
      }
      const path = join(dir, 'wide.csv');
      await writeCsv(path, { ...blobs, X, featureNames: ['a', 'b', 'c', 'd', 'e'] });
      const result = await quickRun([`data.path=${JSON.stringify(path)}`]);
      expect(result.html).toContain('<h2>Principal components of the test data</h2>');
      expect(result.html).toMatch(/PC 1 \(\d+\.\d% of variance\)/);
      expect(result.html).toContain('<h2>t-SNE view of the test data</h2>');
      expect(result.html).toContain('near in the 5-feature space');
      expect(result.html).toContain(`data: ${path}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
