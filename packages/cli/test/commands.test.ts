import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatTime } from '../src/format/values.js';
import { SqliteTracker } from '@tideflow/tracker-sqlite';
import { cli, seed, widest, workspace } from './helpers.js';

const ws = workspace();
let ids: Record<string, string>;
beforeAll(async () => {
  ids = await seed(ws.cwd);
});
afterAll(() => rmSync(ws.cwd, { recursive: true, force: true }));

describe('tideflow experiments ls', () => {
  it('lists experiments as a table and as JSON', async () => {
    const table = await cli(ws, 'experiments', 'ls');
    expect(table.code).toBe(0);
    expect(table.stdout.split('\n')[0]).toMatch(/^ID\s+NAME\s+CREATED$/);
    expect(table.stdout).toMatch(/^ 1 {2}clustering/m);
    const json = JSON.parse((await cli(ws, 'experiments', 'ls', '--json')).stdout);
    expect(json.experiments.map((e: { name: string }) => e.name)).toEqual([
      'Default',
      'clustering',
      'other',
    ]);
    expect(Object.keys(json.experiments[1])).toEqual([
      'experimentId',
      'name',
      'lifecycleStage',
      'creationTime',
      'lastUpdateTime',
      'tags',
    ]);
  });
});

describe('tideflow runs ls', () => {
  it('lists runs newest first in a table that fits 80 columns', async () => {
    const r = await cli(ws, 'runs', 'ls');
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^RUN ID\s+NAME\s+EXPERIMENT\s+STATUS\s+STARTED\s+DURATION$/);
    expect(lines.slice(1).map((l) => l.slice(0, 8))).toEqual([
      'bbbb3333',
      'aaaa2222',
      'aaaa1111',
      'cccc4444',
    ]);
    expect(r.stdout).toContain(formatTime(3_000_000));
    expect(r.stdout).toContain('1m05s');
    expect(r.stdout).toContain('svm-tuned');
    expect(widest(r.stdout)).toBeLessThanOrEqual(80);
  });

  it('filters, orders and shows the metrics it sorts on', async () => {
    const r = await cli(
      ws,
      'runs',
      'ls',
      '--experiment',
      'clustering',
      '--filter',
      "params.model != 'nb'",
      '--order-by',
      'metrics.accuracy DESC',
    );
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/accuracy$/);
    expect(lines.slice(1).map((l) => [l.slice(0, 8), l.trim().split(/\s+/).at(-1)])).toEqual([
      ['aaaa2222', '0.93'],
      ['aaaa1111', '0.81'],
    ]);
    const byId = await cli(ws, 'runs', 'ls', '-e', '2', '--json');
    expect(JSON.parse(byId.stdout).runs.map((x: { name: string }) => x.name)).toEqual([
      'elsewhere',
    ]);
    const nan = await cli(ws, 'runs', 'ls', '-o', 'metrics.accuracy DESC');
    // MLflow's order: NaN after every number, in both directions.
    const rows = nan.stdout.trimEnd().split('\n');
    expect(rows[1]).toMatch(/^aaaa2222.*0\.93$/);
    expect(rows.at(-2)).toMatch(/^bbbb3333.*NaN$/);
    expect(rows.at(-1)).toMatch(/^cccc4444.*-$/);
  });

  it('pages with --max-results and --page-token', async () => {
    const first = JSON.parse((await cli(ws, 'runs', 'ls', '-n', '3', '--json')).stdout);
    expect(first.runs).toHaveLength(3);
    expect(typeof first.nextPageToken).toBe('string');
    const rest = JSON.parse(
      (await cli(ws, 'runs', 'ls', '-n', '3', '--page-token', first.nextPageToken, '--json'))
        .stdout,
    );
    expect(rest.runs.map((x: { runId: string }) => x.runId)).toEqual(['cccc4444']);
    expect(rest.nextPageToken).toBe(null);
    const table = await cli(ws, 'runs', 'ls', '-n', '1');
    expect(table.stdout).toMatch(/\(more runs: --page-token \S+\)/);
  });

  it('prints a stable JSON document per run', async () => {
    const r = await cli(ws, 'runs', 'ls', '--filter', "attributes.run_name = 'nb'", '--json');
    const { runs } = JSON.parse(r.stdout);
    const { tags, ...rest } = runs[0];
    expect(rest).toEqual({
      runId: 'bbbb3333',
      name: 'nb',
      experimentId: '1',
      experimentName: 'clustering',
      status: 'FINISHED',
      lifecycleStage: 'active',
      startTime: 3_000_000,
      endTime: 3_065_000,
      parentRunId: null,
      params: { 'data.n_samples': '5000', model: 'nb' },
      metrics: { accuracy: 'NaN', log_loss: 0.5 },
      childCount: 0,
    });
    expect(Object.keys(runs[0])).toEqual([
      'runId',
      'name',
      'experimentId',
      'experimentName',
      'status',
      'lifecycleStage',
      'startTime',
      'endTime',
      'parentRunId',
      'params',
      'metrics',
      'tags',
      'childCount',
    ]);
    expect(Object.keys(tags)).toEqual([...Object.keys(tags)].sort());
    expect(tags.team).toBe('ml');
    expect(r.stdout).toBe(
      (await cli(ws, 'runs', 'ls', '--filter', "attributes.run_name = 'nb'", '--json')).stdout,
    );
  });

  it("lists top-level runs with their child count; --all adds children, --parent lists one run's", async () => {
    const nested = workspace();
    try {
      const t = new SqliteTracker({ path: join(nested.cwd, '.tideflow', 'tideflow.db') });
      const experimentId = await t.getOrCreateExperiment('pipeline');
      const top = await t.createRun({
        experimentId,
        runId: 'dddd0001',
        name: 'top',
        startTime: 10,
      });
      for (const [i, name] of ['data', 'search'].entries()) {
        await t.createRun({
          experimentId,
          runId: `eeee000${i}`,
          name,
          parentRunId: top.info.runId,
          startTime: 20 + i,
        });
      }
      await t.createRun({ experimentId, runId: 'ffff0001', name: 'alone', startTime: 5 });
      await t.close();
      const ls = async (...args: string[]) =>
        JSON.parse((await cli(nested, 'runs', 'ls', ...args, '--json')).stdout).runs.map(
          (r: { runId: string; childCount: number }) => [r.runId, r.childCount],
        );
      expect(await ls()).toEqual([
        ['dddd0001', 2],
        ['ffff0001', 0],
      ]);
      expect(await ls('--all')).toEqual([
        ['eeee0001', 0],
        ['eeee0000', 0],
        ['dddd0001', 2],
        ['ffff0001', 0],
      ]);
      expect(await ls('--parent', 'dddd')).toEqual([
        ['eeee0001', 0],
        ['eeee0000', 0],
      ]);
      expect(await ls('-e', 'pipeline', '--filter', "attributes.run_name = 'top'")).toEqual([
        ['dddd0001', 2],
      ]);
      const table = (await cli(nested, 'runs', 'ls')).stdout.split('\n');
      expect(table[0]).toMatch(/\sCHILDREN$/);
      expect(table[1]).toMatch(/^dddd0001\s.*\s2$/);
    } finally {
      rmSync(nested.cwd, { recursive: true, force: true });
    }
  });

  it('reports a malformed filter with its position, and bad options, with exit code 1', async () => {
    const r = await cli(ws, 'runs', 'ls', '--filter', 'metrics.accuracy > 0.9 or params.a = 1');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('position 23: OR is not supported');
    expect(r.stderr).toContain(`\n  ${' '.repeat(23)}^`);
    const unknown = await cli(ws, 'runs', 'ls', '--experiment', 'nope');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/No experiment "nope"/);
    const bad = await cli(ws, 'runs', 'ls', '--max-results', 'zero');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/expected a positive integer/);
  });
});

describe('tideflow runs show', () => {
  it('shows params, metrics, tags, task runs with states and durations, artifacts and models', async () => {
    const r = await cli(ws, 'runs', 'show', 'aaaa1111');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(
      /^Run aaaa1111\n {2}Name {8}knn-baseline\n {2}Experiment {2}clustering \(1\)\n {2}Status {6}FINISHED\n/,
    );
    expect(r.stdout).toContain('Flow        clustering: COMPLETED');
    expect(r.stdout).toMatch(
      /Params\n {2}KEY\s+VALUE\n {2}data\.n_samples\s+5000\n {2}model\s+knn\n/,
    );
    expect(r.stdout).toMatch(
      /Metrics \(latest\)\n {2}KEY\s+VALUE\n {2}accuracy\s+0\.81\n {2}log_loss\s+0\.5\n/,
    );
    expect(r.stdout).toMatch(/Tags\n {2}KEY\s+VALUE\n {2}team\s+ml\n\n/);
    expect(r.stdout).toMatch(
      /Inputs\n {2}DATASET\s+DIGEST\s+CONTEXT\s+ROWS\s+SOURCE\n {2}data\.csv\s+a1b2c3d4e5f6a7b8\s+training\s+4000\s+data\/data\.csv\n {2}data\.csv\s+c9d0e1f2\s+test\s+-\s+data\/data\.csv\n/,
    );
    expect(r.stdout).toMatch(/Pipeline\.generate\s+CACHED\s+12ms\s+1\s+hit/);
    // A task run named by taskRunName is shown by its name.
    expect(r.stdout).toMatch(/ {2}train\[knn\]\s+FAILED\s+1m02s\s+3\s+-\s+Error: diverged/);
    expect(r.stdout).toMatch(/plots\/roc\.svg\s+file\s+-\s+6 B/);
    expect(r.stdout).toMatch(/table\/scores\/v1\.json\s+table\s+v1/);
    expect(r.stdout).toMatch(/Models\n.*\n {2}knn\s+tideflow\.models\.knn\s+2\.0 KiB/);
    expect(widest(r.stdout)).toBeLessThanOrEqual(80);
  });

  it('finds the runs that used a dataset with a datasets.* filter', async () => {
    const r = await cli(
      ws,
      'runs',
      'ls',
      '--filter',
      "datasets.digest = 'a1b2c3d4e5f6a7b8'",
      '--json',
    );
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).runs.map((x: { runId: string }) => x.runId)).toEqual(['aaaa1111']);
    const byContext = await cli(ws, 'runs', 'ls', '--filter', "datasets.context = 'evaluation'");
    expect(byContext.stdout.trimEnd().split('\n')).toHaveLength(1);
  });

  it('finds a run by unique id prefix or by name, and explains ambiguity', async () => {
    expect((await cli(ws, 'runs', 'show', 'bbbb')).stdout).toMatch(/^Run bbbb3333\n/);
    expect((await cli(ws, 'runs', 'show', 'elsewhere')).stdout).toMatch(/^Run cccc4444\n/);
    const amb = await cli(ws, 'runs', 'show', 'aaaa');
    expect(amb.code).toBe(1);
    expect(amb.stderr).toMatch(/"aaaa" matches several runs/);
    const none = await cli(ws, 'runs', 'show', 'zzzz9');
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(/No run with id "zzzz9"/);
  });

  it('prints everything as JSON', async () => {
    const j = JSON.parse((await cli(ws, 'runs', 'show', ids['knn-baseline'], '--json')).stdout);
    expect(Object.keys(j)).toEqual([
      'run',
      'flowRun',
      'childRuns',
      'inputs',
      'taskRuns',
      'artifacts',
      'models',
    ]);
    expect(j.childRuns).toEqual([]);
    expect(j.inputs[0]).toEqual({
      dataset: {
        name: 'data.csv',
        digest: 'a1b2c3d4e5f6a7b8',
        sourceType: 'local',
        source: 'data/data.csv',
        schema: [{ name: 'x', type: 'double' }],
        numRows: 4000,
      },
      context: 'training',
    });
    expect(j.flowRun).toMatchObject({
      flowName: 'clustering',
      state: 'COMPLETED',
      parameters: { seed: 7 },
    });
    expect(j.taskRuns.map((t: { state: string }) => t.state)).toEqual(['CACHED', 'FAILED']);
    expect(j.taskRuns.map((t: { taskRunName: string }) => t.taskRunName)).toEqual([
      'Pipeline.generate',
      'train[knn]',
    ]);
    expect(j.artifacts.map((a: { path: string }) => a.path)).toEqual([
      'models/knn/MLmodel.json',
      'models/knn/model.bin',
      'plots/roc.svg',
      'table/scores/v1.json',
    ]);
    expect(j.models[0]).toMatchObject({ name: 'knn', flavor: 'tideflow.models.knn', size: 2048 });
    const bare = JSON.parse((await cli(ws, 'runs', 'show', 'elsewhere', '--json')).stdout);
    expect(bare.flowRun).toBe(null);
  });
});

describe('tideflow runs compare', () => {
  it('puts runs side by side and marks the rows that differ', async () => {
    const r = await cli(ws, 'runs', 'compare', 'aaaa1111', 'bbbb3333');
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toMatch(/^\s+aaaa1111\s+bbbb3333$/);
    expect(r.stdout).toMatch(/^\* params\.model\s+knn\s+nb$/m);
    expect(r.stdout).toMatch(/^ {2}params\.data\.n_samples\s+5000\s+5000$/m);
    expect(r.stdout).toMatch(/^\* metrics\.accuracy\s+0\.81\s+NaN$/m);
    expect(r.stdout).toMatch(/^ {2}metrics\.log_loss\s+0\.5\s+0\.5$/m);
  });

  it('splits many runs into tables that each fit 80 columns', async () => {
    const r = await cli(ws, 'runs', 'compare', 'aaaa1111', 'aaaa2222', 'bbbb3333', 'cccc4444');
    expect(widest(r.stdout)).toBeLessThanOrEqual(80);
    const headers = r.stdout.split('\n').filter((l) => /^\s+[a-z]{4}\d{4}/.test(l));
    expect(headers).toHaveLength(2);
    expect(r.stdout).toMatch(/^\* params\.model\s+-$/m);
  });

  it('prints aligned JSON columns and needs two runs', async () => {
    const j = JSON.parse(
      (await cli(ws, 'runs', 'compare', 'aaaa1111', 'cccc4444', '--json')).stdout,
    );
    expect(j.runs.map((x: { runId: string }) => x.runId)).toEqual(['aaaa1111', 'cccc4444']);
    expect(j.params.model).toEqual(['knn', null]);
    expect(j.metrics.accuracy).toEqual([0.81, null]);
    const one = await cli(ws, 'runs', 'compare', 'aaaa1111');
    expect(one.code).toBe(1);
    expect(one.stderr).toMatch(/at least two runs/);
  });
});

describe('tideflow models ls', () => {
  it('lists registered models with versions and aliases', async () => {
    const r = await cli(ws, 'models', 'ls');
    expect(r.stdout).toMatch(
      /^NAME\s+LATEST\s+ALIASES\s+UPDATED\nclassifier\s+v1\s+champion=v1\s+\d{4}-/,
    );
    const j = JSON.parse((await cli(ws, 'models', 'ls', '--json')).stdout);
    expect(j.models).toEqual([
      {
        name: 'classifier',
        latestVersion: 1,
        aliases: { champion: 1 },
        description: null,
        tags: {},
        createdAt: expect.any(Number),
        updatedAt: expect.any(Number),
      },
    ]);
  });
});

describe('the tracking store', () => {
  it('defaults to .tideflow/tideflow.db, else --tracking-uri (before or after the command) or TIDEFLOW_TRACKING_URI', async () => {
    const empty = workspace();
    const missing = await cli(empty, 'runs', 'ls');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain(
      `No tracking store at ${join(empty.cwd, '.tideflow', 'tideflow.db')}`,
    );
    // An absolute path after sqlite:/// gives the four-slash absolute form.
    const uri = `sqlite:///${join(ws.cwd, '.tideflow', 'tideflow.db')}`;
    const before = await cli(empty, '--tracking-uri', uri, 'models', 'ls', '--json');
    expect(before.code).toBe(0);
    const after = await cli(empty, 'models', 'ls', '--json', '--tracking-uri', uri);
    expect(after.stdout).toBe(before.stdout);
    const viaEnv = await cli(
      { cwd: empty.cwd, env: { ...empty.env, TIDEFLOW_TRACKING_URI: uri } },
      'models',
      'ls',
      '--json',
    );
    expect(viaEnv.stdout).toBe(before.stdout);
    const mem = await cli(
      { cwd: empty.cwd, env: { ...empty.env, TIDEFLOW_TRACKING_URI: 'memory:' } },
      'runs',
      'ls',
    );
    expect(mem.code).toBe(1);
    expect(mem.stderr).toMatch(/"memory:"/);
    rmSync(empty.cwd, { recursive: true, force: true });
  });
});

describe('the program', () => {
  it('prints help with exit code 0 and rejects unknown commands with 1', async () => {
    const help = await cli(ws, '--help');
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/Usage: tideflow/);
    for (const c of ['experiments', 'runs', 'models']) expect(help.stdout).toContain(c);
    const runsHelp = await cli(ws, 'runs', '--help');
    for (const c of ['ls', 'show', 'compare']) expect(runsHelp.stdout).toContain(c);
    const bad = await cli(ws, 'runz');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/unknown command 'runz'/);
  });
});
