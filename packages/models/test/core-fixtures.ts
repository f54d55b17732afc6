// Loaders shared by the numeric-core tests: scikit-learn fixtures and the reference CSVs, read
// through the package's own readCsv so that the CSV reader is exercised on the real files.
import type { FeaturePlan } from '../src/pipeline/features-plan.js';
import { readFileSync } from 'node:fs';
import { readCsv } from '../src/data/csv.js';
import type { Dataset } from '../src/data/dataset.js';
import type { DenseMatrix } from '../src/data/matrix.js';
import { fromRows } from '../src/data/matrix.js';

/** A path under the read-only shared directory, relative to this file. */
export const sharedUrl = (rel: string): URL =>
  new URL(`../../../../shared/${rel}`, import.meta.url);

/** Parses shared/fixtures/sklearn/<name>.json. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- fixture JSON is loosely shaped
export function fixture<T = any>(name: string): T {
  return JSON.parse(readFileSync(sharedUrl(`fixtures/sklearn/${name}.json`), 'utf8')) as T;
}

const cache = new Map<string, Promise<Dataset>>();

/** shared/data/<name>.csv (e.g. `blobs3d_5k.train`) with the `cluster` column as labels. */
export function loadData(name: string): Promise<Dataset> {
  let hit = cache.get(name);
  if (!hit) {
    hit = readCsv(sharedUrl(`data/${name}.csv`), { label: 'cluster' });
    cache.set(name, hit);
  }
  return hit;
}

/** A matrix from nested arrays. */
export const mat = (rows: number[][]): DenseMatrix => fromRows(rows);

/** Largest absolute element-wise difference. */
export function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} vs ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

/** Fraction of equal entries. */
export function agreement(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let same = 0;
  for (let i = 0; i < a.length; i++) if (a[i] === b[i]) same++;
  return same / a.length;
}

/** A feature plan of raw (cartesian) features, nothing derived or selected; standardised unless `scale` is false. */
export const cartesianPlan = (scale = true): FeaturePlan => ({
  coordinates: 'cartesian',
  derived: false,
  selection: 'none',
  k: 1,
  fdrLevel: 0.05,
  scale,
  seed: 0,
});
