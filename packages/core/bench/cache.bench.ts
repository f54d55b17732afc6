// Cache figures of issue 3: key derivation on 100k×3 numeric data, a hit of a 100k×3 result from
// the SQLite store end to end, and the overhead of a miss for a small result.
//
// Sources are imported directly (not through the built packages) so the figures always measure the
// code in the tree; the SQLite store lives in tracker-sqlite, which core itself must not depend on.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Keyv } from 'keyv';
import { Matrix } from 'ml-matrix';
import {
  TaskCache,
  codeHash,
  createMemoryCacheStore,
  inputs,
  normalizeCacheOptions,
  silentLogger,
  taskSource,
} from '../src/index.js';
import type { CacheRequest, CacheStore } from '../src/index.js';
import { SqliteKeyvStore, createSqliteCacheStore } from '../../tracker-sqlite/src/index.js';
import { median, report } from '../../../scripts/bench-stats.js';

const gc = (globalThis as { gc?: () => void }).gc ?? (() => {});
const ROWS = 100_000;
const COLS = 3;

function timeMs(fn: () => unknown, reps: number, warmup = 3): number[] {
  for (let i = 0; i < warmup; i++) fn();
  const times: number[] = [];
  for (let i = 0; i < reps; i++) {
    gc();
    const t0 = performance.now();
    fn();
    times.push(performance.now() - t0);
  }
  return times;
}

async function timeMsAsync(
  fn: () => Promise<unknown>,
  reps: number,
  warmup = 3,
): Promise<number[]> {
  for (let i = 0; i < warmup; i++) await fn();
  const times: number[] = [];
  for (let i = 0; i < reps; i++) {
    gc();
    const t0 = performance.now();
    await fn();
    times.push(performance.now() - t0);
  }
  return times;
}

function train(data: unknown, cfg: { k: number }) {
  return { data, cfg };
}

const cache = new TaskCache({ logger: silentLogger });
const options = normalizeCacheOptions('Pipeline.train', true);
const request = (args: unknown[]): CacheRequest => ({
  taskName: 'Pipeline.train',
  fn: train,
  args,
  paramNames: ['data', 'cfg'],
});

// 1. Keys of 100k×3 data, with the default policy (inputs + taskSource).
const flat = new Float64Array(ROWS * COLS).map(() => Math.random());
const nested: number[][] = Array.from({ length: ROWS }, (_, i) => [
  flat[i * 3],
  flat[i * 3 + 1],
  flat[i * 3 + 2],
]);
const REPS = 25;
const flatTimes = timeMs(() => cache.computeKey(options, request([flat, { k: 5 }])), REPS);
report('cache.key_float64array_100kx3', median(flatTimes), 'ms', {
  goal: '<= 5',
  reps: REPS,
  min: Number(Math.min(...flatTimes).toFixed(3)),
});
const nestedTimes = timeMs(() => cache.computeKey(options, request([nested, { k: 5 }])), REPS);
report('cache.key_number_array_100kx3', median(nestedTimes), 'ms', {
  goal: '<= 30',
  reps: REPS,
  min: Number(Math.min(...nestedTimes).toFixed(3)),
});

const matrix = new Matrix(nested);
const matrixTimes = timeMs(() => cache.computeKey(options, request([matrix, { k: 5 }])), REPS);
report('cache.key_matrix_100kx3', median(matrixTimes), 'ms', {
  reps: REPS,
  min: Number(Math.min(...matrixTimes).toFixed(3)),
  note: 'ml-matrix Matrix, hashed through its registered serializer',
});

// 2. A hit of a 100k×3 Float64Array result from the SQLite store, end to end through TaskCache:
//    key of the (small) arguments, lookup, checksum, deserialization.
const dir = mkdtempSync(join(tmpdir(), 'tideflow-cache-bench-'));
async function hitTimes(store: CacheStore): Promise<number[]> {
  const sqliteCache = new TaskCache({ store, logger: silentLogger });
  const args = [{ path: 'blobs3d_100k.csv' }, { k: 5 }];
  const prime = sqliteCache.computeKey(options, request(args))!;
  await sqliteCache.run(options, prime, () => Promise.resolve(flat), false);
  return timeMsAsync(async () => {
    const key = sqliteCache.computeKey(options, request(args))!;
    const r = await sqliteCache.run(options, key, () => Promise.reject(new Error('miss')), false);
    if (!r.hit || (r.value as Float64Array).length !== ROWS * COLS) throw new Error('not a hit');
  }, REPS);
}
const blobStore = createSqliteCacheStore({ path: join(dir, 'blob.sqlite') });
const blobHits = await hitTimes(blobStore);
report('cache.hit_sqlite_float64array_100kx3', median(blobHits), 'ms', {
  goal: '<= 20',
  reps: REPS,
  store: 'createSqliteCacheStore (BLOB)',
  min: Number(Math.min(...blobHits).toFixed(3)),
});
const jsonStore = new Keyv({ store: new SqliteKeyvStore({ path: join(dir, 'json.sqlite') }) });
const jsonHits = await hitTimes(jsonStore);
report('cache.hit_sqlite_keyv_json_float64array_100kx3', median(jsonHits), 'ms', {
  reps: REPS,
  store: 'new Keyv({ store: new SqliteKeyvStore() }) (keyv JSON, base64)',
  min: Number(Math.min(...jsonHits).toFixed(3)),
});

// 3. Overhead of a miss for a small result: key + lookup + serialization + store write, around a
//    task that returns at once. Every call has new arguments, so every call is a miss.
async function missOverheadUs(store: CacheStore): Promise<number[]> {
  const missCache = new TaskCache({ store, logger: silentLogger });
  const result = { accuracy: 0.93, model: 'knn', k: 5 };
  const compute = () => Promise.resolve(result);
  let n = 0;
  const batch = async () => {
    for (let i = 0; i < 200; i++) {
      const key = missCache.computeKey(options, request([{ seed: n++ }, { k: 5 }]))!;
      const r = await missCache.run(options, key, compute, false);
      if (r.hit) throw new Error('unexpected hit');
    }
  };
  const times = await timeMsAsync(batch, 15, 2);
  return times.map((ms) => (ms * 1000) / 200);
}
const sqliteMiss = await missOverheadUs(createSqliteCacheStore({ path: join(dir, 'miss.sqlite') }));
report('cache.miss_overhead_small_sqlite', median(sqliteMiss), 'us', {
  goal: '<= 200',
  reps: 15,
  callsPerRep: 200,
  store: 'createSqliteCacheStore',
  min: Number(Math.min(...sqliteMiss).toFixed(2)),
});
const memoryMiss = await missOverheadUs(createMemoryCacheStore());
report('cache.miss_overhead_small_memory', median(memoryMiss), 'us', {
  goal: '<= 200',
  reps: 15,
  callsPerRep: 200,
  store: 'createMemoryCacheStore',
  min: Number(Math.min(...memoryMiss).toFixed(2)),
});

// 4. The code-version policy over the models package's built code (issue 11 §7): the digest is
//    computed once per process (first call), after which a key costs what it did without it.
const modelsDist = new URL('../../models/dist', import.meta.url);
const firstDigest = timeMs(() => codeHash({ files: [modelsDist] }).digest(), 9, 1);
report('cache.code_hash_first_digest_models_dist', median(firstDigest), 'ms', {
  reps: 9,
  min: Number(Math.min(...firstDigest).toFixed(3)),
  note: 'codeHash({ files: [packages/models/dist] }).digest() in a fresh policy',
});
const withCode = normalizeCacheOptions('Pipeline.train', {
  policy: [inputs, taskSource, codeHash({ files: [modelsDist] })],
});
const smallArgs = [{ path: 'blobs3d_100k.csv' }, { k: 5 }];
const keysUs = (opts: typeof options) =>
  timeMs(() => {
    for (let i = 0; i < 1000; i++) cache.computeKey(opts, request(smallArgs));
  }, 15); // 1000 keys per rep: ms per rep = µs per key
const plainKey = keysUs(options);
const codeKey = keysUs(withCode);
report('cache.key_small_with_code_hash', median(codeKey), 'us', {
  reps: 15,
  callsPerRep: 1000,
  withoutCodeHash: Number(median(plainKey).toFixed(3)),
  note: '[inputs, taskSource, codeHash] against [inputs, taskSource], same run',
});

await blobStore.disconnect();
await jsonStore.disconnect();
rmSync(dir, { recursive: true, force: true });
