import { afterEach, describe, expect, it } from 'vitest';
import {
  configure,
  createMemoryCacheStore,
  engineEvents,
  resetConfiguration,
  silentLogger,
} from '@tideflow/core';
import { ClusteringPipeline, resolvePipelineConfig } from '../src/index.js';

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
});
