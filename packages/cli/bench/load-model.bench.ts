// loadModel('models:/<name>@champion') of the default pipeline's model in a cold process: one
// `tideflow run clustering` fills a fresh store (not timed), then each sample is a new node process
// that imports @tideflow/core, opens the store from TIDEFLOW_TRACKING_URI, loads the model and
// predicts one row. Times are measured inside the child from process start (performance.now()),
// with the child's CPU time beside them.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { median, report } from '../../../scripts/bench-stats.js';

const repo = fileURLToPath(new URL('../../../', import.meta.url));
const bin = join(repo, 'packages/cli/dist/bin.js');

const CHILD = `
const { loadModel } = await import('@tideflow/core');
const imported = performance.now();
const model = await loadModel(process.env.MODEL_URI);
const loaded = performance.now();
const { user, system } = process.cpuUsage();
const { denseMatrix } = await import('@tideflow/models/serving');
const width = Number(process.env.MODEL_INPUTS);
model.predict(denseMatrix(1, width, new Float64Array(width)));
process.stdout.write(JSON.stringify({ imported, loaded, load: loaded - imported, cpu: (user + system) / 1000 }));
`;

function tideflow(cwd: string, args: string[]): string {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`tideflow ${args.join(' ')} failed: ${r.stderr}`);
  return r.stdout;
}

const dir = mkdtempSync(join(tmpdir(), 'tideflow-bench-load-'));
try {
  tideflow(dir, ['run', 'clustering', '--json']);
  const { models } = JSON.parse(tideflow(dir, ['models', 'ls', '--json'])) as {
    models: { name: string }[];
  };
  const name = models[0].name;
  const shown = JSON.parse(tideflow(dir, ['models', 'show', name, '--json'])) as {
    latestVersion: { signature: { inputs: unknown[] } };
  };
  const env = {
    ...process.env,
    TIDEFLOW_TRACKING_URI: `sqlite:///${join(dir, '.tideflow', 'tideflow.db')}`,
    TIDEFLOW_LOGGING_LEVEL: 'error',
    MODEL_URI: `models:/${name}@champion`,
    MODEL_INPUTS: String(shown.latestVersion.signature.inputs.length),
  };
  type Sample = { imported: number; loaded: number; load: number; cpu: number };
  const samples: Sample[] = [];
  for (let i = 0; i < 11; i++) {
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', CHILD], {
      cwd: repo,
      env,
      encoding: 'utf8',
    });
    if (r.status !== 0) throw new Error(`loading failed: ${r.stderr}`);
    samples.push(JSON.parse(r.stdout) as Sample);
  }
  report('models.loadModel.champion.coldProcess', median(samples.map((s) => s.loaded)), 'ms', {
    goal: '<= 200',
    note: 'from process start to the decoded model (imports, open store, read, decode)',
    runs: samples.map((s) => Math.round(s.loaded)),
    uri: env.MODEL_URI,
  });
  report('models.loadModel.champion.coldProcess.cpu', median(samples.map((s) => s.cpu)), 'ms', {
    note: 'CPU time (user + system, every thread) of the child up to the decoded model: steadier than wall time on a loaded machine',
    runs: samples.map((s) => Math.round(s.cpu)),
  });
  report('models.loadModel.champion.call', median(samples.map((s) => s.load)), 'ms', {
    note: 'the loadModel call alone, after importing @tideflow/core',
    runs: samples.map((s) => Math.round(s.load)),
  });
} finally {
  rmSync(dir, { recursive: true, force: true });
}
