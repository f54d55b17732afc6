// Issue 16's pipeline figure: the default `tideflow run clustering`, cold (a fresh directory: no
// store, no cache), with its family searches on two `tideflow worker` processes through
// `--runner bullmq://...`, against `--workers 1` (in-process). The runs alternate so that the
// machine's load falls on both; the figure is the ratio of the medians, and the metrics must be the
// same. `-- --runs N` sets the runs of each (default 3).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { median, report } from '../../../scripts/bench-stats.js';
import { startRedisServer } from '../../../test/helpers/redis-server.js';
import { runClustering, type PipelineRun } from '../../cli/bench/cold-run.js';

const at = process.argv.indexOf('--runs');
const runs = at > 0 ? Number(process.argv[at + 1]) : 3;
const cli = fileURLToPath(new URL('../../cli/dist/bin.js', import.meta.url));

/** One cold run in a fresh directory. */
function cold(args: readonly string[]): PipelineRun {
  const dir = mkdtempSync(join(tmpdir(), 'tideflow-bench-bullmq-'));
  try {
    return runClustering(dir, args);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Starts a `tideflow worker` and resolves once it serves the queue. One job at a time on one
 * thread: two such workers fill this machine's two cores, and neither holds a job it cannot start
 * while the other is idle (with `--concurrency 2` a worker takes a second search that then waits
 * for its thread).
 */
function worker(url: string, dir: string): Promise<ChildProcess> {
  mkdirSync(dir, { recursive: true });
  const child = spawn(
    process.execPath,
    [
      cli,
      'worker',
      '--queue',
      'pipeline',
      '--redis',
      url,
      '--module',
      '@tideflow/models',
      '--concurrency',
      '1',
      '--threads',
      '1',
    ],
    { cwd: dir, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('serving queue')) resolve(child);
    });
    child.once('exit', (code) => reject(new Error(`worker exited with ${code}: ${out}`)));
  });
}

const redis = await startRedisServer();
const home = mkdtempSync(join(tmpdir(), 'tideflow-bench-workers-'));
const workers = await Promise.all([0, 1].map((i) => worker(redis.url, join(home, `w${i}`))));
const runner = `bullmq://${new URL(redis.url).host}/pipeline`;
try {
  const remote: PipelineRun[] = [];
  const local: PipelineRun[] = [];
  for (let i = 0; i < runs; i++) {
    remote.push(cold(['--runner', runner]));
    local.push(cold(['--workers', '1']));
  }
  const metrics = (r: PipelineRun) =>
    JSON.stringify([
      r.summary.model,
      r.summary.cv_score,
      r.summary.test_accuracy,
      r.summary.test_log_loss,
      r.summary.families,
    ]);
  const same = [...remote, ...local].every((r) => metrics(r) === metrics(local[0]));
  const seconds = (xs: PipelineRun[]) => xs.map((r) => Number(r.seconds.toFixed(2)));
  const onWorkers = median(remote.map((r) => r.seconds));
  const inProcess = median(local.map((r) => r.seconds));
  report('bullmq.pipeline.cold_default.two_workers', onWorkers, 's', {
    runs: seconds(remote),
    workers: 2,
  });
  report('bullmq.pipeline.cold_default.workers_1', inProcess, 's', { runs: seconds(local) });
  report('bullmq.pipeline.cold_default.ratio', onWorkers / inProcess, 'x', {
    goal: '<= 0.75',
    same_metrics: same,
    test_accuracy: local[0].summary.test_accuracy,
  });
} finally {
  await Promise.all(
    workers.map((c) => {
      const exited = new Promise((resolve) => c.once('exit', resolve));
      c.kill('SIGTERM');
      return exited;
    }),
  );
  await redis.stop();
  rmSync(home, { recursive: true, force: true });
}
