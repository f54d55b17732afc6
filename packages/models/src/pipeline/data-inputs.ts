import { basename } from 'node:path';
import { defaultSerializers, hashValue, track } from '@tideflow/core';
import type { DatasetInputSpec } from '@tideflow/core';
import type { Dataset } from '../data/dataset.js';
import type { PipelineConfig } from './config.js';
import type { Splits } from './splits.js';

/** Hex digits of a dataset digest: a prefix of the cache's structural SHA-256 (MLflow allows 36 characters). */
export const DATASET_DIGEST_LENGTH = 32;

/**
 * A split's digest: the first {@link DATASET_DIGEST_LENGTH} hex digits of the structural hash
 * the task cache computes for it (`hashValue(split, defaultSerializers)`), so equal data has the
 * same digest in every run and process.
 */
export function datasetDigest(data: Dataset): string {
  let digest = digests.get(data);
  if (digest === undefined) {
    digest = hashValue(data, defaultSerializers).slice(0, DATASET_DIGEST_LENGTH);
    digests.set(data, digest);
  }
  return digest;
}

/** Digests by split, so that the run's inputs and its model version's tags hash each split once. */
const digests = new WeakMap<Dataset, string>();

/**
 * The dataset inputs of a run: its training, calibration, conformal and test splits, each named
 * after its file (or `blobs`), with the CSV path or the generator's call as source, the feature
 * columns as schema and the row count.
 */
export function dataInputs(splits: Splits, config: PipelineConfig): DatasetInputSpec[] {
  const d = config.data;
  const generated = `generated: blobs(n=${d.n}, dim=${d.dim}, k=${d.k}, std=${d.std}, seed=${d.seed})`;
  const origin = (path: string | null) =>
    d.source === 'csv'
      ? { name: basename(path!), source: path!, sourceType: 'local' }
      : { name: 'blobs', source: generated, sourceType: 'generated' };
  const parts: [keyof Splits, string, string | null][] = [
    ['train', 'training', d.path],
    ['calibration', 'calibration', d.path],
    ['conformal', 'conformal', d.path],
    ['test', 'test', d.testPath ?? d.path],
  ];
  return parts.map(([part, context, path]) => {
    const data = splits[part];
    return {
      dataset: {
        ...origin(path),
        digest: datasetDigest(data),
        schema: data.featureNames.map((name) => ({ name, type: 'double' })),
        numRows: data.X.rows,
      },
      context,
    };
  });
}

/** Records the run's {@link dataInputs} on the current tracked run (`track.input`); untracked runs hash nothing. */
export async function logDataInputs(splits: Splits, config: PipelineConfig): Promise<void> {
  if (track.runId() === undefined) return;
  await Promise.all(
    dataInputs(splits, config).map((input) =>
      track.input(input.dataset, { context: input.context }),
    ),
  );
}
