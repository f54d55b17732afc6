// The pipeline on wide and large data (issue 10, points 7 and 8): a cold `tideflow run clustering
// --data <file>` on generated CSVs of 300 × 200 and 1,347 × 64 training rows (goal ≤ 60 s each),
// and, with TIDEFLOW_BENCH_LARGE=1, on 1,000,000 × 3 rows (goal ≤ 180 s), with the size of the
// task cache it leaves. Each run is the real command in a child process, in a fresh directory.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeBlobs, writeCsv } from '@tideflow/models';
import { report } from '../../../scripts/bench-stats.js';
import { runClustering, type PipelineRun } from './cold-run.js';

/** A CSV of generated clusters: `rows` training rows (plus a quarter more as the test split). */
async function blobsCsv(dir: string, rows: number, dim: number, k: number, std: number) {
  const n = Math.round(rows / 0.8);
  const blobs = makeBlobs({ n, dim, k, std, seed: 17 });
  const file = join(dir, `blobs-${rows}x${dim}.csv`);
  await writeCsv(file, blobs, { label: 'label' });
  return file;
}

/** A cold run on `file`, in a fresh directory. */
function coldRun(file: string): PipelineRun {
  const cwd = mkdtempSync(join(tmpdir(), 'tideflow-bench-shape-'));
  try {
    return runClustering(cwd, ['--data', file, '--label', 'label']);
  } finally {
    rmSync(cwd, { recursive: true, force: true });
  }
}

const shapes: { name: string; rows: number; dim: number; k: number; std: number; goal: number }[] =
  [
    { name: 'wide_300x200', rows: 300, dim: 200, k: 4, std: 25, goal: 60 },
    { name: 'wide_1347x64', rows: 1347, dim: 64, k: 10, std: 9, goal: 60 },
  ];
if (process.env.TIDEFLOW_BENCH_LARGE === '1')
  shapes.push({ name: 'large_1Mx3', rows: 1_000_000, dim: 3, k: 6, std: 3, goal: 180 });

const dir = mkdtempSync(join(tmpdir(), 'tideflow-bench-shapes-'));
try {
  for (const s of shapes) {
    const file = await blobsCsv(dir, s.rows, s.dim, s.k, s.std);
    const r = coldRun(file);
    report(`pipeline.cold.${s.name}`, r.seconds, 's', {
      goal: `<= ${s.goal}`,
      cpu_s: Number(r.cpuSeconds.toFixed(1)),
      model: r.summary.model,
      test_accuracy: r.summary.test_accuracy,
      cache_mb: Number(r.cacheMb.toFixed(1)),
      csv_mb: Number((statSync(file).size / 2 ** 20).toFixed(1)),
    });
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
