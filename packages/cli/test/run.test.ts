import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { Registry, engineEvents, flow, task } from '@tideflow/core';
import { ProgressDisplay } from '../src/progress.js';
import { cli, workspace } from './helpers.js';

const ws = workspace();
afterAll(() => rmSync(ws.cwd, { recursive: true, force: true }));
afterEach(() => engineEvents.clear());

/** A quick configuration: every stage runs, in a few seconds. */
const QUICK = [
  '--set',
  'data.n=1500',
  '--set',
  'data.k=4',
  '--set',
  'search.folds=3',
  '--set',
  'models.knn.nNeighbors=[15]',
  '--set',
  'models.logistic.C=[1]',
  '--set',
  'models.random_forest.nEstimators=[20]',
  '--set',
  'models.svc.C=[1]',
  '--set',
  'models.svc.maxSamples=300',
  '--set',
  'explain.shapRows=50',
  '--set',
  'tsne.sample=200',
];

describe('tideflow run clustering', () => {
  it('runs the pipeline into .tideflow, prints the summary and the report path; runs ls/show see it', async () => {
    const r = await cli(ws, 'run', 'clustering', '--quiet', ...QUICK);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^MODEL +CV SCORE +TEST ACC +LOG LOSS\n/);
    for (const family of ['knn', 'gaussian_nb', 'svc', 'logistic', 'random_forest'])
      expect(r.stdout).toMatch(new RegExp(`\\n${family} +0\\.\\d{4}`));
    expect(r.stdout.split('\n').every((l) => l.length <= 80 || /^(report|registry) /.test(l))).toBe(
      true,
    );
    expect(r.stdout).toMatch(
      /\nregistry +(clustering-[0-9a-f]{8}) v1: champion set to v1 \(0\.\d+\), the first champion of this signature\n/,
    );
    // The default strategy votes: the summary's CV score is the vote's own, and says so.
    expect(r.stdout).toMatch(/\nselected +voting\(/);
    expect(r.stdout).toMatch(/\ncv score +0\.\d{4} \(the vote\) +test accuracy 0\.\d{4}/);
    const report = /report +(.+)\n/.exec(r.stdout)![1];
    expect(report.startsWith(join(ws.cwd, '.tideflow', 'artifacts'))).toBe(true);
    expect(readFileSync(report, 'utf8')).toMatch(/^<!doctype html>[\s\S]*<svg[\s\S]*<\/html>\n$/);
    expect(existsSync(join(ws.cwd, '.tideflow', 'cache.sqlite'))).toBe(true);

    const runId = /run +([0-9a-f]{32})\n/.exec(r.stdout)![1];
    const runs = JSON.parse(
      (await cli(ws, 'runs', 'ls', '--experiment', 'clustering', '--json')).stdout,
    );
    expect(runs.runs.map((x: { runId: string }) => x.runId)).toContain(runId);
    const show = (await cli(ws, 'runs', 'show', runId)).stdout;
    expect(show).toContain('test_accuracy');
    expect(show).toContain('ClusteringPipeline');
    // Each family search says which family it searched (the taskRunName option).
    expect(show).toMatch(/\n {2}searchFamily\[[a-z_]+\] +COMPLETED/);
  }, 300_000);

  it('prints one JSON object with --json; an identical rerun is served from the cache', async () => {
    const r = await cli(ws, 'run', 'clustering', '--json', ...QUICK);
    expect(r.code).toBe(0);
    const summary = JSON.parse(r.stdout);
    for (const key of [
      'run_id',
      'model',
      'cv_score',
      'test_accuracy',
      'test_log_loss',
      'conformal_coverage',
      'report',
    ]) {
      expect(summary).toHaveProperty(key);
    }
    expect(summary.test_accuracy).toBeGreaterThan(0.7);
    const show = JSON.parse((await cli(ws, 'runs', 'show', summary.run_id, '--json')).stdout);
    const taskStates = show.taskRuns.map((t: { state: string }) => t.state);
    expect(taskStates.length).toBeGreaterThan(10);
    expect(taskStates.every((s: string) => s === 'CACHED')).toBe(true);
    const searches = show.taskRuns.filter(
      (t: { taskName: string }) => t.taskName === 'ClusteringPipeline.searchFamily',
    );
    expect(searches.length).toBeGreaterThan(1);
    const names = searches.map((t: { taskRunName: string }) => t.taskRunName);
    for (const name of names) expect(name).toMatch(/^searchFamily\[[a-z_]+\]$/);
    expect(new Set(names).size).toBe(names.length);
    expect(summary.registered_model).toMatchObject({
      name: expect.stringMatching(/^clustering-[0-9a-f]{8}$/),
      version: 1,
      champion: { moved: false, reason: 'unchanged' },
    });
  }, 300_000);

  it('reads a CSV with --data/--label/--test-data and a YAML --config', async () => {
    const rows = (n: number, seed: number) =>
      Array.from({ length: n }, (_, i) => {
        const c = i % 3;
        const jitter = Math.sin(i * 12.9898 + seed) * 0.8;
        return `${c * 4 + jitter},${7},${-c * 3 + Math.cos(i * 78.233 + seed)},${['setosa', 'versicolor', 'virginica'][c]}`;
      });
    writeFileSync(join(ws.cwd, 'train.csv'), ['a,constant,b,species', ...rows(600, 1)].join('\n'));
    writeFileSync(join(ws.cwd, 'test.csv'), ['a,constant,b,species', ...rows(150, 2)].join('\n'));
    writeFileSync(
      join(ws.cwd, 'pipeline.yaml'),
      'models:\n  svc: { enabled: false }\n  random_forest: { nEstimators: [10] }\ntsne: { enabled: false }\n',
    );
    const args = (train: string) => [
      '--json',
      '--data',
      train,
      '--label',
      'species',
      '--test-data',
      'test.csv',
      '--config',
      'pipeline.yaml',
      '--set',
      'search.folds=3',
      '--model-name',
      'iris',
    ];
    const r = await cli(ws, 'run', 'clustering', ...args('train.csv'));
    expect(r.stderr).toBe('');
    const summary = JSON.parse(r.stdout);
    expect(summary.test_accuracy).toBeGreaterThan(0.95);
    expect(summary.families.map((f: { family: string }) => f.family)).not.toContain('svc');
    expect(summary.registered_model).toMatchObject({ name: 'iris', version: 1 });
    const show = (await cli(ws, 'models', 'show', 'iris')).stdout;
    expect(show).toMatch(/Inputs +a \(double\), constant \(double\), b \(double\)\n/);
    expect(show).toMatch(
      /Outputs +setosa \(double\), versicolor \(double\), virginica \(double\)\n/,
    );

    // Other training data of the same columns: --promote makes it the champion whatever its score.
    writeFileSync(join(ws.cwd, 'train2.csv'), ['a,constant,b,species', ...rows(600, 5)].join('\n'));
    const promoted = await cli(ws, 'run', 'clustering', ...args('train2.csv'), '--promote');
    expect(promoted.stderr).toBe('');
    expect(JSON.parse(promoted.stdout).registered_model).toMatchObject({
      name: 'iris',
      version: 2,
      champion: { moved: true, reason: 'forced', previous: { version: 1 } },
    });
  }, 300_000);

  it('names bad flags and configuration keys', async () => {
    expect((await cli(ws, 'run', 'nope')).stderr).toMatch(
      /Unknown flow "nope"; the built-in flows are: clustering/,
    );
    expect((await cli(ws, 'run', 'clustering', '--dim', '4')).stderr).toMatch(
      /--dim must be 2 or 3/,
    );
    expect((await cli(ws, 'run', 'clustering', '--label', 'x')).stderr).toMatch(/need --data/);
    expect((await cli(ws, 'run', 'clustering', '--dim', '2', '--data', 'x.csv')).stderr).toMatch(
      /--dim sets the dimension of generated clusters; it cannot be used with --data/,
    );
    const missing = await cli(ws, 'run', 'clustering', '--data', 'nope.csv');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain(
      `data.path: ${join(ws.cwd, 'nope.csv')}: cannot read the data file: no such file.`,
    );
    const proto = await cli(ws, 'run', 'clustering', '--set', '__proto__.polluted=1');
    expect(proto.code).toBe(1);
    expect(proto.stderr).toMatch(/"__proto__": "__proto__" is not allowed as a configuration key/);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    const bad = await cli(ws, 'run', 'clustering', '--set', 'strategy=median');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(
      /Invalid configuration at "strategy": expected one of "best", "voting"/,
    );
  });
});

describe('ProgressDisplay', () => {
  async function runSample(display: ProgressDisplay): Promise<void> {
    const registry = new Registry();
    const t = task(
      async function step(x: number) {
        if (x === 3) throw new Error('bad input');
        return x;
      },
      { registry, taskRunName: (p) => (p.x === 3 ? 'step' : `step[${String(p.x)}]`) },
    );
    const child = flow(
      async function child(_name: string) {
        return Promise.all(t.map([1, 2]));
      },
      { registry },
    );
    const parent = flow(
      async function parent() {
        await child('first');
        await t(3).catch(() => undefined);
      },
      { registry },
    );
    display.start();
    await parent();
    display.stop();
  }

  it('prints plain lines outside a terminal: flows with their task counts, failures with their message', async () => {
    let out = '';
    await runSample(new ProgressDisplay((s) => (out += s), false));
    const lines = out.trimEnd().split('\n');
    expect(lines[0]).toBe('▶ parent');
    expect(lines).toContain('  ▶ child [first]');
    // Task runs are named by their taskRunName.
    expect(lines).toContain('    · step[1] Completed');
    expect(lines).toContain('    · step[2] Completed');
    expect(
      lines.some((l) => /^ {2}✔ child \[first\] Completed in .+ \(2\/2 tasks\)$/.test(l)),
    ).toBe(true);
    expect(lines).toContain('  · step Failed: Error: bad input');
    expect(lines.at(-1)).toMatch(/^✔ parent Completed in .+ \(1\/1 tasks, 1 failed\)$/);
  });

  it('redraws a tree in place on a terminal', async () => {
    let out = '';
    await runSample(new ProgressDisplay((s) => (out += s), true));
    expect(out).toContain('\x1b[2K✔ parent  Completed');
    expect(out).toContain('\x1b[2K  ✔ child [first]  Completed');
    expect(out).toMatch(/2\/2 tasks/);
  });
});
