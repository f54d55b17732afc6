import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultSerializers } from '@tideflow/core';
import type { ModelSignature } from '@tideflow/core';
import {
  ConformalClassifier,
  GaussianNB,
  KNeighborsClassifier,
  makeBlobs,
  type Classifier,
  type DenseMatrix,
} from '@tideflow/models';
import { SqliteTracker } from '@tideflow/tracker-sqlite';

/** The columns of the served test model, in the order `predict` takes them. */
export const COLUMNS = ['x', 'y', 'z'];

/** A store in a fresh directory holding `blobs` (v1 naive Bayes, v2 kNN, champion → v1) and `sets` (conformal). */
export interface Fixture {
  dir: string;
  dbPath: string;
  tracker: SqliteTracker;
  /** Training rows. */
  X: DenseMatrix;
  y: Int32Array;
  /** Held-out rows to score. */
  test: DenseMatrix;
  nb: Classifier;
  knn: Classifier;
  conformal: ConformalClassifier;
  runId: string;
  cleanup(): Promise<void>;
}

const signature: ModelSignature = {
  inputs: COLUMNS.map((name) => ({ name, type: 'double' })),
  outputs: ['a', 'b', 'c'].map((name) => ({ name, type: 'double' })),
};

/** Builds the {@link Fixture}: real models logged and registered in a real SQLite store. */
export async function fixture(): Promise<Fixture> {
  const dir = mkdtempSync(join(tmpdir(), 'tideflow-serving-'));
  const dbPath = join(dir, 'tideflow.db');
  const tracker = new SqliteTracker({ path: dbPath });
  const { X, y } = makeBlobs({ n: 600, dim: 3, k: 3, std: 2.5, seed: 11 });
  const test = makeBlobs({ n: 60, dim: 3, k: 3, std: 2.5, seed: 12 }).X;
  const nb = new GaussianNB().fit(X, y);
  const knn = new KNeighborsClassifier({ nNeighbors: 15 }).fit(X, y);
  const conformal = new ConformalClassifier({ estimator: nb, cv: 'prefit', alpha: 0.2 }).fit(X, y);
  const experimentId = await tracker.getOrCreateExperiment('serving');
  const log = async (model: Classifier, name: string) => {
    const { info } = await tracker.createRun({ experimentId, name });
    await tracker.logModel(info.runId, {
      name: 'model',
      bytes: defaultSerializers.serialize(model),
      flavor: 'tideflow.models',
      signature,
    });
    return info.runId;
  };
  const runId = await log(nb, 'nb');
  await tracker.registerModel('blobs', { runId, modelName: 'model' });
  await tracker.registerModel('blobs', { runId: await log(knn, 'knn'), modelName: 'model' });
  await tracker.setModelAlias('blobs', 'champion', 1);
  await tracker.registerModel('sets', {
    runId: await log(conformal, 'conformal'),
    modelName: 'model',
  });
  return {
    dir,
    dbPath,
    tracker,
    X,
    y,
    test,
    nb,
    knn,
    conformal,
    runId,
    cleanup: async () => {
      await tracker.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Row `i` of `m` as a plain array. */
export function rowOf(m: DenseMatrix, i: number): number[] {
  return Array.from(m.data.subarray(i * m.cols, (i + 1) * m.cols));
}

/** Every row of `m` as plain arrays. */
export function rowsOf(m: DenseMatrix): number[][] {
  return Array.from({ length: m.rows }, (_, i) => rowOf(m, i));
}

/** An answer body as the tests read it: predictions, or MLflow's error JSON. */
export interface AnswerJson {
  predictions?: unknown[];
  classes?: number[];
  alpha?: number;
  error_code?: string;
  message?: string;
}

/** POSTs `body` to `url/invocations` and returns status, headers and parsed JSON. */
export async function invoke(
  url: string,
  body: string | Buffer,
  contentType: string | null = 'application/json',
  headers: Record<string, string> = {},
): Promise<{ status: number; json: AnswerJson; headers: Headers }> {
  const res = await fetch(`${url}/invocations`, {
    method: 'POST',
    headers: { ...(contentType === null ? {} : { 'content-type': contentType }), ...headers },
    body,
  });
  const text = await res.text();
  let json: AnswerJson;
  try {
    json = JSON.parse(text) as AnswerJson;
  } catch {
    json = { message: `not JSON: ${text}` };
  }
  return { status: res.status, json, headers: res.headers };
}
