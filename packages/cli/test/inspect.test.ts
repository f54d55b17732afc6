import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { SqliteTracker } from '@tideflow/tracker-sqlite';
import { main } from '@tideflow/cli';
import { cli, seed, widest, workspace } from './helpers.js';

const ws = workspace();
let ids: Record<string, string>;

/** Adds what the shared seed lacks: logs, a metric history, a second model version, long params. */
async function seedMore(): Promise<void> {
  const t = new SqliteTracker({ path: join(ws.cwd, '.tideflow', 'tideflow.db') });
  const knn = ids['knn-baseline'];
  await t.logLines(knn, [
    { timestamp: Date.UTC(2026, 0, 1, 10, 0, 5), level: 'info', message: 'loading data' },
    {
      timestamp: Date.UTC(2026, 0, 1, 10, 0, 6),
      level: 'warn',
      message: 'slow fold',
      taskRunId: 't2',
    },
  ]);
  await t.logBatch(knn, {
    metrics: [0.7, 0.75, 0.8].map((value, step) => ({ key: 'fold_acc', value, step })),
  });
  const svm = ids['svm-tuned-with-a-very-long-descriptive-run-name'];
  await t.logModel(svm, {
    name: 'svm',
    bytes: new Uint8Array(10),
    flavor: 'tideflow.models.svm',
    signature: {
      inputs: [
        { name: 'x', type: 'double' },
        { name: 'y', type: 'double' },
      ],
      outputs: [{ name: 'label', type: 'string' }],
    },
    metrics: { test_accuracy: 0.93 },
  });
  await t.registerModel('classifier', { runId: svm, modelName: 'svm' });
  for (const [id, v] of [
    [knn, 1],
    [svm, 2],
  ] as const) {
    await t.logBatch(id, {
      params: {
        'config.models.gaussianNb.varSmoothing': v,
        'config.models.gaussianNb.priors': v,
      },
    });
  }
  await t.close();
}

beforeAll(async () => {
  ids = await seed(ws.cwd);
  await seedMore();
});

describe('tideflow models show|versions|alias', () => {
  it('shows a model: latest version, aliases, signature and metrics', async () => {
    const r = await cli(ws, 'models', 'show', 'classifier');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Model classifier\n {2}Latest +v2 \(run aaaa2222, svm\)\n/);
    expect(r.stdout).toMatch(/Aliases +champion=v1\n/);
    expect(r.stdout).toMatch(/Inputs +x \(double\), y \(double\)\n {2}Outputs +label \(string\)\n/);
    expect(r.stdout).toMatch(/Source +runs:\/aaaa2222\/models\/svm\/model\.bin\n/);
    expect(r.stdout).toMatch(/Metrics \(v2\)\n {2}KEY +VALUE\n {2}test_accuracy +0\.93\n/);
    const json = JSON.parse((await cli(ws, 'models', 'show', 'classifier', '--json')).stdout);
    expect(json.latestVersion).toMatchObject({
      version: 2,
      flavor: 'tideflow.models.svm',
      metrics: { test_accuracy: 0.93 },
    });
    const missing = await cli(ws, 'models', 'show', 'nope');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/nope/);
  });

  it('lists versions, and moves and removes aliases', async () => {
    const table = (await cli(ws, 'models', 'versions', 'classifier')).stdout.split('\n');
    expect(table[0]).toMatch(/^VERSION +ALIASES +RUN +CREATED +METRICS$/);
    expect(table[1]).toMatch(/^ +v1 +champion +aaaa1111 .* -$/);
    expect(table[2]).toMatch(/^ +v2 +- +aaaa2222 .* test_accuracy=0\.93$/);
    expect((await cli(ws, 'models', 'alias', 'set', 'classifier', 'champion')).stdout).toBe(
      'classifier@champion -> v2\n',
    );
    expect((await cli(ws, 'models', 'alias', 'set', 'classifier', 'staging', 'v1')).code).toBe(0);
    const versions = JSON.parse(
      (await cli(ws, 'models', 'versions', 'classifier', '--json')).stdout,
    ).versions;
    expect(versions.map((v: { aliases: string[] }) => v.aliases)).toEqual([
      ['staging'],
      ['champion'],
    ]);
    expect((await cli(ws, 'models', 'alias', 'delete', 'classifier', 'staging')).code).toBe(0);
    const gone = await cli(ws, 'models', 'alias', 'delete', 'classifier', 'staging');
    expect(gone.code).toBe(1);
    expect(gone.stderr).toMatch(/no alias "staging" \(aliases: champion\)/);
    const bad = await cli(ws, 'models', 'alias', 'set', 'classifier', 'x', 'three');
    expect(bad.stderr).toMatch(/Invalid version "three"/);
    const unknownVersion = await cli(ws, 'models', 'alias', 'set', 'classifier', 'x', '9');
    expect(unknownVersion.code).toBe(1);
  });
});

describe('tideflow runs logs|metrics|artifacts', () => {
  it('prints log lines in order, filtered by task run', async () => {
    const r = await cli(ws, 'runs', 'logs', 'knn-baseline');
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/:05 INFO {2}loading data$/);
    expect(lines[1]).toMatch(/:06 WARN {2}\[t2\] slow fold$/);
    const t2 = JSON.parse(
      (await cli(ws, 'runs', 'logs', 'aaaa1111', '--task', 't2', '--json')).stdout,
    );
    expect(t2.lines.map((l: { message: string }) => l.message)).toEqual(['slow fold']);
    expect((await cli(ws, 'runs', 'logs', 'nb')).stdout).toMatch(/has no log lines/);
    expect((await cli(ws, 'runs', 'logs', 'nb', '--limit', '0')).stderr).toMatch(/--limit/);
  });

  it("prints a metric's history with steps, and names the run's metrics when the key is wrong", async () => {
    const r = await cli(ws, 'runs', 'metrics', 'knn-baseline', 'fold_acc');
    expect(
      r.stdout
        .split('\n')
        .slice(0, 4)
        .map((l) => l.trim().split(/\s+/).slice(0, 2)),
    ).toEqual([
      ['STEP', 'VALUE'],
      ['0', '0.7'],
      ['1', '0.75'],
      ['2', '0.8'],
    ]);
    const wrong = await cli(ws, 'runs', 'metrics', 'knn-baseline', 'fold_ac');
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(
      /no metric "fold_ac" \(its metrics: accuracy, fold_acc, log_loss\)/,
    );
  });

  it('lists artifacts under a prefix and gets one to stdout or a file', async () => {
    const ls = await cli(ws, 'runs', 'artifacts', 'ls', 'knn-baseline', 'plots/');
    expect(ls.stdout).toMatch(/^PATH +TYPE +SIZE +LOGGED\nplots\/roc\.svg +file +6 B /);
    expect(ls.stdout).not.toMatch(/scores/);
    expect(
      (await cli(ws, 'runs', 'artifacts', 'get', 'knn-baseline', 'plots/roc.svg')).stdout,
    ).toBe('<svg/>');
    const binary = await cli(
      ws,
      'runs',
      'artifacts',
      'get',
      'knn-baseline',
      'models/knn/model.bin',
    );
    expect(binary.stderr).toMatch(/application\/octet-stream, not text; pass -o FILE/);
    const saved = await cli(
      ws,
      'runs',
      'artifacts',
      'get',
      'knn-baseline',
      'models/knn/model.bin',
      '-o',
      'model.bin',
    );
    expect(saved.stdout).toMatch(/Wrote 2\.0 KiB to /);
    expect(readFileSync(join(ws.cwd, 'model.bin'))).toHaveLength(2048);
    const missing = await cli(ws, 'runs', 'artifacts', 'get', 'knn-baseline', 'nope.txt');
    expect(missing.code).toBe(1);
  });
});

describe('table width', () => {
  const piped = async (...args: string[]) => {
    let stdout = '';
    await main(['node', 'tideflow', ...args], {
      stdout: (s) => (stdout += s),
      stderr: () => undefined,
      env: ws.env,
      cwd: ws.cwd,
    });
    return stdout;
  };

  it('cuts cells to the terminal width, never when piped or with --wide', async () => {
    const long = 'svm-tuned-with-a-very-long-descriptive-run-name';
    const terminal = (await cli(ws, 'runs', 'ls')).stdout;
    expect(widest(terminal)).toBeLessThanOrEqual(80);
    expect(terminal).not.toContain(long);
    expect(await piped('runs', 'ls')).toContain(long);
    expect((await cli(ws, '--wide', 'runs', 'ls')).stdout).toContain(long);
    expect((await cli(ws, 'runs', 'ls', '--wide')).stdout).toContain(long);
  });

  it('runs compare keeps long param names apart', async () => {
    const r = await cli(ws, 'runs', 'compare', 'aaaa1111', 'aaaa2222');
    const labels = r.stdout
      .split('\n')
      .filter((l) => /^\* params\.\S*(priors|Smoothing)/.test(l))
      .map((l) => l.slice(0, 26).trim());
    expect(labels).toHaveLength(2);
    expect(new Set(labels).size).toBe(2);
    expect(labels.join(' ')).toMatch(/priors.*varSmoothing/);
    expect(await piped('runs', 'compare', 'aaaa1111', 'aaaa2222')).toContain(
      'params.config.models.gaussianNb.varSmoothing',
    );
  });
});
