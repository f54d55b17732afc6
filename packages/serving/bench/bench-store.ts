import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultSerializers } from '@tideflow/core';
import { GaussianNB, makeBlobs, type DenseMatrix } from '@tideflow/models';
import { SqliteTracker } from '@tideflow/tracker-sqlite';

/** The columns of the bench model. */
export const BENCH_COLUMNS = ['x', 'y', 'z'];

/**
 * A fresh SQLite store in a temporary directory holding `blobs` v1 (Gaussian naive Bayes on 3D
 * blobs, the pipeline's model flavor and signature) with `champion` on it, and rows to score.
 */
export async function benchStore(): Promise<{ dir: string; dbPath: string; rows: DenseMatrix }> {
  const dir = mkdtempSync(join(tmpdir(), 'tideflow-serving-bench-'));
  const dbPath = join(dir, 'tideflow.db');
  const tracker = new SqliteTracker({ path: dbPath });
  const train = makeBlobs({ n: 5000, dim: 3, k: 6, std: 2, seed: 1 });
  const model = new GaussianNB().fit(train.X, train.y);
  const { info } = await tracker.createRun({
    experimentId: await tracker.getOrCreateExperiment('bench'),
  });
  await tracker.logModel(info.runId, {
    name: 'model',
    bytes: defaultSerializers.serialize(model),
    flavor: 'tideflow.models',
    signature: {
      inputs: BENCH_COLUMNS.map((name) => ({ name, type: 'double' })),
      outputs: ['0', '1', '2', '3', '4', '5'].map((name) => ({ name, type: 'double' })),
    },
  });
  await tracker.registerModel('blobs', { runId: info.runId, modelName: 'model' });
  await tracker.setModelAlias('blobs', 'champion', 1);
  await tracker.close();
  return { dir, dbPath, rows: makeBlobs({ n: 10_000, dim: 3, k: 6, std: 2, seed: 2 }).X };
}
