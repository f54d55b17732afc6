// The main job's figures: a cold default `tideflow run clustering`, a warm identical rerun, and the
// selected model's test accuracy on each shared data set run through --data, against its Bayes limit.
// Each run is the real command in a child process, in a fresh directory. `-- --quick` skips the
// 100k data sets.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { report } from '../../../scripts/bench-stats.js';

const repo = fileURLToPath(new URL('../../../', import.meta.url));
const bin = join(repo, 'packages/cli/dist/bin.js');
const data = join(repo, '..', 'shared', 'data');
const quick = process.argv.includes('--quick');

/** Runs `tideflow run clustering --json ...args` in `cwd`; returns the summary and the wall time. */
function run(cwd: string, args: string[]): { summary: Record<string, unknown>; seconds: number } {
  const started = performance.now();
  const r = spawnSync(process.execPath, [bin, 'run', 'clustering', '--json', ...args], {
    cwd,
    encoding: 'utf8',
    maxBuffer: 1 << 24,
  });
  const seconds = (performance.now() - started) / 1000;
  if (r.status !== 0) throw new Error(`tideflow run failed (${r.status}): ${r.stderr}`);
  return { summary: JSON.parse(r.stdout) as Record<string, unknown>, seconds };
}

const dir = mkdtempSync(join(tmpdir(), 'tideflow-bench-'));
try {
  const cold = run(dir, []);
  report('pipeline.cold_default', cold.seconds, 's', {
    goal: '<= 60',
    model: cold.summary.model,
    test_accuracy: cold.summary.test_accuracy,
    conformal_coverage: cold.summary.conformal_coverage,
  });
  const warm: number[] = [];
  for (let i = 0; i < 3; i++) warm.push(run(dir, []).seconds);
  warm.sort((a, b) => a - b);
  report('pipeline.warm_rerun', warm[1], 's', {
    goal: '<= 2',
    runs: warm.map((s) => Number(s.toFixed(2))),
  });

  const limits = JSON.parse(readFileSync(join(data, 'blobs.json'), 'utf8')) as Record<
    string,
    { bayes_accuracy_test: number }
  >;
  for (const name of ['blobs2d_5k', 'blobs3d_5k', 'blobs2d_100k', 'blobs3d_100k']) {
    if (quick && name.endsWith('100k')) continue;
    const cwd = mkdtempSync(join(tmpdir(), `tideflow-bench-${name}-`));
    try {
      const r = run(cwd, [
        '--data',
        join(data, `${name}.train.csv`),
        '--label',
        'cluster',
        '--test-data',
        join(data, `${name}.test.csv`),
      ]);
      const bayes = limits[name].bayes_accuracy_test;
      const accuracy = r.summary.test_accuracy as number;
      report(`pipeline.data.${name}.test_accuracy`, accuracy, 'accuracy', {
        bayes,
        gap_points: Number(((bayes - accuracy) * 100).toFixed(2)),
        goal: `>= ${(bayes - 0.003).toFixed(4)}`,
        model: r.summary.model,
        seconds: Number(r.seconds.toFixed(1)),
      });
    } finally {
      rmSync(cwd, { recursive: true, force: true });
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
