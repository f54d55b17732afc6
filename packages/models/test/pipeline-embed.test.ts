import { afterEach, describe, expect, it } from 'vitest';
import {
  configure,
  createMemoryCacheStore,
  resetConfiguration,
  silentLogger,
} from '@tideflow/core';
import { makeBlobs } from '../src/data/blobs.js';
import { tsne } from '../src/embed/tsne.js';
import { StandardScaler } from '../src/features/scaler.js';
import { resolvePipelineConfig } from '../src/pipeline/config-load.js';
import { embedTask } from '../src/pipeline/evaluation-tasks.js';
import { defaultPipelineConfig } from '../src/pipeline/config.js';
import { stratifiedSample } from '../src/pipeline/splits.js';

afterEach(() => resetConfiguration());

describe('the embed task', () => {
  it('runs t-SNE for tsne.nIter iterations (750 by default) on the standardised sample', async () => {
    expect(defaultPipelineConfig().tsne.nIter).toBe(750);
    configure({ tracker: false, cacheStore: createMemoryCacheStore(), logger: silentLogger });
    const test = {
      ...makeBlobs({ n: 400, dim: 3, k: 3, std: 2, seed: 3 }),
      featureNames: ['x', 'y', 'z'],
    };
    const config = await resolvePipelineConfig({ set: ['tsne.sample=120', 'tsne.nIter=300'] });
    const out = await embedTask(test, config.tsne);
    const sample = stratifiedSample(test, 120, config.tsne.seed);
    const scaled = new StandardScaler().fit(sample.X).transform(sample.X);
    const options = { perplexity: 30, seed: config.tsne.seed };
    expect([...out.X.data]).toEqual([...tsne(scaled, { ...options, nIter: 300 }).embedding.data]);
    expect([...out.X.data]).not.toEqual([...tsne(scaled, options).embedding.data]);
    await expect(resolvePipelineConfig({ set: ['tsne.nIter=0'] })).rejects.toThrow(/tsne\.nIter/);
  });
});
