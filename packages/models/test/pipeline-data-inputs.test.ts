import { describe, expect, it } from 'vitest';
import { defaultSerializers, hashValue } from '@tideflow/core';
import {
  dataInputs,
  datasetDigest,
  makeBlobs,
  resolvePipelineConfig,
  splitData,
} from '../src/index.js';

async function splitsAndConfig() {
  const config = await resolvePipelineConfig({ set: ['data.n=300', 'data.dim=2', 'data.k=3'] });
  const blobs = makeBlobs({ n: 300, dim: 2, k: 3, std: 1, seed: 3 });
  const data = { ...blobs, featureNames: ['x', 'y'] };
  const splits = splitData(data, null, { testSize: 0.2, calibrationSize: 0.2, seed: 1 });
  return { config, splits };
}

describe('the dataset inputs of a pipeline run', () => {
  it('names each split with its context, the generator as source, the feature schema and row count', async () => {
    const { config, splits } = await splitsAndConfig();
    const inputs = dataInputs(splits, config);
    expect(inputs.map((i) => i.context)).toEqual(['training', 'calibration', 'conformal', 'test']);
    const [train] = inputs;
    expect(train.dataset).toEqual({
      name: 'blobs',
      sourceType: 'generated',
      source: `generated: blobs(n=${config.data.n}, dim=2, k=3, std=${config.data.std}, seed=${config.data.seed})`,
      digest: datasetDigest(splits.train),
      schema: [
        { name: 'x', type: 'double' },
        { name: 'y', type: 'double' },
      ],
      numRows: splits.train.X.rows,
    });
    expect(inputs.map((i) => i.dataset.numRows)).toEqual([
      splits.train.X.rows,
      splits.calibration.X.rows,
      splits.conformal.X.rows,
      splits.test.X.rows,
    ]);
  });

  it('takes the digest from the structural hash the task cache computes, within MLflow’s 36 characters', async () => {
    const { splits } = await splitsAndConfig();
    const digest = datasetDigest(splits.train);
    expect(digest).toMatch(/^[0-9a-f]{32}$/);
    expect(hashValue(splits.train, defaultSerializers).startsWith(digest)).toBe(true);
    // Equal data, equal digest; other data, another digest.
    expect(datasetDigest({ ...splits.train })).toBe(digest);
    expect(datasetDigest(splits.test)).not.toBe(digest);
  });

  it('names CSV data after its file, the test split after the test file', async () => {
    const { config, splits } = await splitsAndConfig();
    const csv = {
      ...config,
      data: {
        ...config.data,
        source: 'csv' as const,
        path: 'data/train.csv',
        testPath: 'data/holdout.csv',
      },
    };
    const inputs = dataInputs(splits, csv);
    expect(inputs.map((i) => [i.dataset.name, i.dataset.source, i.dataset.sourceType])).toEqual([
      ['train.csv', 'data/train.csv', 'local'],
      ['train.csv', 'data/train.csv', 'local'],
      ['train.csv', 'data/train.csv', 'local'],
      ['holdout.csv', 'data/holdout.csv', 'local'],
    ]);
  });
});
