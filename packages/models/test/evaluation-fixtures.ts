// Shared loaders for the evaluation tests: scikit-learn fixtures and the reference CSVs.
import { readFileSync } from 'node:fs';
import type { DenseMatrix } from '../src/data/matrix.js';

const shared = (rel: string): URL => new URL(`../../../../shared/${rel}`, import.meta.url);

/** Parses a scikit-learn fixture from shared/fixtures/sklearn. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- fixture JSON is loosely shaped
export function sklearnFixture<T = any>(name: string): T {
  return JSON.parse(readFileSync(shared(`fixtures/sklearn/${name}.json`), 'utf8')) as T;
}

/** A reference data set: numeric feature columns and the integer `cluster` column as labels. */
export interface Blobs {
  X: DenseMatrix;
  y: Int32Array;
  featureNames: string[];
}

const cache = new Map<string, Blobs>();

/** Reads shared/data/<name>.csv (e.g. `blobs3d_5k.train`). */
export function loadBlobs(name: string): Blobs {
  const hit = cache.get(name);
  if (hit) return hit;
  const lines = readFileSync(shared(`data/${name}.csv`), 'utf8')
    .trim()
    .split('\n');
  const header = lines[0].split(',');
  const cols = header.length - 1;
  const rows = lines.length - 1;
  const data = new Float64Array(rows * cols);
  const y = new Int32Array(rows);
  for (let i = 0; i < rows; i++) {
    const parts = lines[i + 1].split(',');
    for (let j = 0; j < cols; j++) data[i * cols + j] = Number(parts[j]);
    y[i] = Number(parts[cols]);
  }
  const out = { X: { data, rows, cols }, y, featureNames: header.slice(0, cols) };
  cache.set(name, out);
  return out;
}

/** Largest absolute difference between two equally long numeric sequences. */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} vs ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}
