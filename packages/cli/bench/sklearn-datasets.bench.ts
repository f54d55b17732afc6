// Real wide data against tuned scikit-learn (issue 10, point 7): scikit-learn's bundled wine
// (13 features, 133 training rows), breast_cancer (30, 426) and digits (64, 1,347), each split
// stratified and seeded (test_size 0.25) by sklearn-datasets.py, which also tunes a scikit-learn
// baseline on the same split (GridSearchCV, 5 folds, the five families, StandardScaler in a
// Pipeline, best by CV). Each set then runs `tideflow run clustering --data train.csv --test-data
// test.csv --label target --json` cold. Goals: ≤ 60 s per run, and test accuracy at most 1 point
// below scikit-learn's. Without /usr/bin/python3 and scikit-learn it prints one line saying so.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { report } from '../../../scripts/bench-stats.js';
import { runClustering } from './cold-run.js';

const python = process.env.TIDEFLOW_BENCH_PYTHON ?? '/usr/bin/python3';
const script = fileURLToPath(new URL('sklearn-datasets.py', import.meta.url));

/** One data set as sklearn-datasets.py describes it, with its tuned baseline. */
interface Baseline {
  name: string;
  train: number;
  test: number;
  features: number;
  classes: number;
  accuracy: number;
  family: string;
  params: Record<string, unknown>;
  cv_score: number;
  seconds: number;
  cpu_seconds: number;
}

const probe = spawnSync(python, ['-c', 'import sklearn; print(sklearn.__version__)'], {
  encoding: 'utf8',
});
if (probe.status !== 0) {
  const why = probe.error ? probe.error.message : probe.stderr.trim().split('\n').at(-1);
  report('pipeline.sklearn_datasets', 0, 'skipped', {
    skipped: `needs ${python} with scikit-learn: ${why}`,
  });
} else {
  const dir = mkdtempSync(join(tmpdir(), 'tideflow-bench-sklearn-'));
  try {
    const sk = spawnSync(python, [script, dir], { encoding: 'utf8' });
    if (sk.status !== 0) throw new Error(`${script} failed (${sk.status}): ${sk.stderr}`);
    const baselines = sk.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Baseline);
    for (const b of baselines) {
      const cwd = mkdtempSync(join(tmpdir(), `tideflow-bench-${b.name}-`));
      try {
        const r = runClustering(cwd, [
          '--data',
          join(dir, `${b.name}.train.csv`),
          '--test-data',
          join(dir, `${b.name}.test.csv`),
          '--label',
          'target',
        ]);
        const accuracy = r.summary.test_accuracy as number;
        report(`pipeline.sklearn.${b.name}`, r.seconds, 's', {
          goal: '<= 60, gap_points <= 1',
          cpu_s: Number(r.cpuSeconds.toFixed(1)),
          shape: `${b.train}x${b.features}, ${b.classes} classes, ${b.test} test rows`,
          model: r.summary.model,
          test_accuracy: accuracy,
          sklearn_test_accuracy: b.accuracy,
          gap_points: Number(((b.accuracy - accuracy) * 100).toFixed(2)),
          sklearn_model: `${b.family} ${JSON.stringify(b.params)}`,
          sklearn_seconds: Number(b.seconds.toFixed(1)),
          sklearn_cpu_s: Number(b.cpu_seconds.toFixed(1)),
          sklearn_version: probe.stdout.trim(),
        });
      } finally {
        rmSync(cwd, { recursive: true, force: true });
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
