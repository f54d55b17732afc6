// Issue 13's pipeline figure: the default `tideflow run clustering`, cold (a fresh directory: no
// store, no cache), on the worker pool (the default: one thread per core) against `--workers 1`
// (in-process). The runs alternate, so that a change in the machine's load falls on both; the
// figure is the ratio of the medians. `-- --runs N` sets the runs of each (default 3).
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { median, report } from '../../../scripts/bench-stats.js';
import { runClustering, type PipelineRun } from './cold-run.js';

const at = process.argv.indexOf('--runs');
const runs = at > 0 ? Number(process.argv[at + 1]) : 3;

/** One cold run in a fresh directory. */
function cold(args: readonly string[]): PipelineRun {
  const dir = mkdtempSync(join(tmpdir(), 'tideflow-bench-workers-'));
  try {
    return runClustering(dir, args);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const pool: PipelineRun[] = [];
const local: PipelineRun[] = [];
for (let i = 0; i < runs; i++) {
  pool.push(cold([]));
  local.push(cold(['--workers', '1']));
}
const same = pool.every((r) => r.summary.test_accuracy === local[0].summary.test_accuracy);
const seconds = (xs: PipelineRun[]) => xs.map((r) => Number(r.seconds.toFixed(2)));
const cpu = (xs: PipelineRun[]) => Number(median(xs.map((r) => r.cpuSeconds)).toFixed(1));
const pooled = median(pool.map((r) => r.seconds));
const inProcess = median(local.map((r) => r.seconds));
report('pipeline.cold_default.pool', pooled, 's', {
  workers: availableParallelism(),
  runs: seconds(pool),
  cpu_s: cpu(pool),
});
report('pipeline.cold_default.workers_1', inProcess, 's', {
  runs: seconds(local),
  cpu_s: cpu(local),
});
report('pipeline.cold_default.pool_ratio', pooled / inProcess, 'x', {
  goal: '<= 0.65',
  same_test_accuracy: same,
});
