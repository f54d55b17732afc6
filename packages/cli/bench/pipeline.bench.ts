// The main job's figures: a cold default `tideflow run clustering`, a warm identical rerun, and the
// selected model's test accuracy on each shared data set run through --data, against its Bayes limit.
// Each run is the real command in a child process, in a fresh directory. `-- --quick` skips the
// 100k data sets.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { report } from '../../../scripts/bench-stats.js';
import { runClustering as run } from './cold-run.js';

const repo = fileURLToPath(new URL('../../../', import.meta.url));
const data = join(repo, '..', 'shared', 'data');
const quick = process.argv.includes('--quick');

const dir = mkdtempSync(join(tmpdir(), 'tideflow-bench-'));
try {
  const cold = run(dir, []);
  report('pipeline.cold_default', cold.seconds, 's', {
    goal: '<= 17',
    cpu_s: Number(cold.cpuSeconds.toFixed(1)),
    model: cold.summary.model,
    test_accuracy: cold.summary.test_accuracy,
    conformal_coverage: cold.summary.conformal_coverage,
  });
  const warm = [0, 1, 2].map(() => run(dir, [])).sort((a, b) => a.seconds - b.seconds);
  report('pipeline.warm_rerun', warm[1].seconds, 's', {
    goal: '<= 2',
    cpu_s: Number(warm[1].cpuSeconds.toFixed(2)),
    runs: warm.map((r) => Number(r.seconds.toFixed(2))),
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
        cpu_s: Number(r.cpuSeconds.toFixed(1)),
      });
    } finally {
      rmSync(cwd, { recursive: true, force: true });
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
