import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteTracker } from '@tideflow/tracker-sqlite';
import { main } from '@tideflow/cli';
import type { CliIo } from '@tideflow/cli';

/** The result of one in-process CLI call. */
export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** A working directory with an isolated TIDEFLOW_HOME (no user profile leaks into tests). */
export function workspace(): { cwd: string; env: NodeJS.ProcessEnv } {
  const cwd = mkdtempSync(join(tmpdir(), 'tideflow-cli-'));
  mkdirSync(join(cwd, 'home'));
  return { cwd, env: { TIDEFLOW_HOME: join(cwd, 'home') } };
}

/** Runs `tideflow ...args` in-process. */
export async function cli(
  ws: { cwd: string; env: NodeJS.ProcessEnv },
  ...args: string[]
): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    stdout: (s) => (stdout += s),
    stderr: (s) => (stderr += s),
    env: ws.env,
    cwd: ws.cwd,
    // An 80-column terminal unless a test says otherwise (undefined: output piped).
    columns: 80,
  };
  const code = await main(['node', 'tideflow', ...args], io);
  return { code, stdout, stderr };
}

/** Seeds the default store of `cwd` with two experiments, runs, task runs, artifacts and a model. */
export async function seed(cwd: string): Promise<Record<string, string>> {
  const t = new SqliteTracker({ path: join(cwd, '.tideflow', 'tideflow.db') });
  const ids: Record<string, string> = {};
  const clustering = await t.getOrCreateExperiment('clustering');
  const other = await t.getOrCreateExperiment('other');
  const specs = [
    { runId: 'aaaa1111', name: 'knn-baseline', model: 'knn', acc: 0.81, start: 1_000_000 },
    {
      runId: 'aaaa2222',
      name: 'svm-tuned-with-a-very-long-descriptive-run-name',
      model: 'svm',
      acc: 0.93,
      start: 2_000_000,
    },
    { runId: 'bbbb3333', name: 'nb', model: 'nb', acc: Number.NaN, start: 3_000_000 },
  ];
  for (const s of specs) {
    const { info } = await t.createRun({
      experimentId: clustering,
      runId: s.runId,
      name: s.name,
      startTime: s.start,
      tags: { team: 'ml' },
    });
    ids[s.name] = info.runId;
    await t.logBatch(info.runId, {
      metrics: [
        { key: 'accuracy', value: s.acc, step: 1 },
        { key: 'log_loss', value: 0.5, step: 1 },
      ],
      params: { model: s.model, 'data.n_samples': 5000 },
    });
    await t.updateRun(info.runId, { status: 'FINISHED', endTime: s.start + 65_000 });
  }
  const knn = ids['knn-baseline'];
  await t.logInputs(knn, [
    {
      dataset: {
        name: 'data.csv',
        digest: 'a1b2c3d4e5f6a7b8',
        source: 'data/data.csv',
        schema: [{ name: 'x', type: 'double' }],
        numRows: 4000,
      },
      context: 'training',
    },
    { dataset: { name: 'data.csv', digest: 'c9d0e1f2', source: 'data/data.csv' }, context: 'test' },
  ]);
  await t.setFlowRun(knn, {
    flowName: 'clustering',
    state: 'COMPLETED',
    stateHistory: [{ type: 'COMPLETED', timestamp: 2 }],
    parameters: { seed: 7 },
  });
  const base = {
    stateHistory: [],
    startTime: 1,
    endTime: 2,
    attempts: 1,
    cacheKey: null,
    cacheHit: false,
    error: null,
  };
  await t.upsertTaskRun(knn, {
    ...base,
    taskRunId: 't1',
    taskName: 'Pipeline.generate',
    taskRunName: 'Pipeline.generate',
    state: 'CACHED',
    durationMs: 12,
    cacheKey: 'k',
    cacheHit: true,
  });
  await t.upsertTaskRun(knn, {
    ...base,
    taskRunId: 't2',
    taskName: 'Pipeline.train',
    taskRunName: 'train[knn]',
    state: 'FAILED',
    durationMs: 61_500,
    attempts: 3,
    error: 'Error: diverged',
  });
  await t.logArtifact(knn, 'plots/roc.svg', '<svg/>');
  await t.logTypedArtifact(knn, { type: 'table', key: 'scores', columns: ['a'], rows: [[1]] });
  await t.logModel(knn, {
    name: 'knn',
    bytes: new Uint8Array(2048),
    flavor: 'tideflow.models.knn',
  });
  await t.registerModel('classifier', { runId: knn, modelName: 'knn' });
  await t.setModelAlias('classifier', 'champion', 1);
  const o = await t.createRun({
    experimentId: other,
    runId: 'cccc4444',
    name: 'elsewhere',
    startTime: 500,
  });
  ids.elsewhere = o.info.runId;
  await t.close();
  return ids;
}

/** The widest line of a text. */
export const widest = (text: string) => Math.max(...text.split('\n').map((l) => [...l].length));
