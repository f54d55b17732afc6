import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { cli, workspace } from './helpers.js';

const fixtures = fileURLToPath(new URL('./fixtures/user-flows/', import.meta.url));
const tsFlows = join(fixtures, 'flows.ts');
const jsFlows = join(fixtures, 'flows.js');
// The built CLI (`npm test` builds first): a user's module and the CLI then share one
// @tideflow/core, as they do for a user of the published packages.
const shim = fileURLToPath(new URL('../bin/tideflow.js', import.meta.url));
const ws = workspace();
afterAll(() => rmSync(ws.cwd, { recursive: true, force: true }));

/** Runs the built `tideflow` in a child process, in the workspace. */
function tideflow(...args: string[]) {
  return spawnSync(process.execPath, [shim, ...args], {
    cwd: ws.cwd,
    env: { ...process.env, ...ws.env },
    encoding: 'utf8',
  });
}

describe('tideflow run FILE:FLOW', () => {
  it('runs a flow from a .ts module with typed --param values, recorded like the built-in flows', async () => {
    const r = tideflow(
      'run',
      `${tsFlows}:sumOfSquares`,
      '--param',
      'n=3',
      '--param',
      'label=squares',
      '--param',
      'scale.factor=2',
      '--json',
    );
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const summary = JSON.parse(r.stdout);
    expect(summary).toMatchObject({
      flow: 'sumOfSquares',
      file: tsFlows,
      export: 'sumOfSquares',
      state: 'COMPLETED',
      result: { label: 'squares', total: 28 },
      error: null,
    });
    expect(summary.run_id).toMatch(/^[0-9a-f]{32}$/);
    // The run, its parameters and its task runs are in the CLI's store.
    const show = JSON.parse((await cli(ws, 'runs', 'show', summary.run_id, '--json')).stdout);
    expect(show.flowRun).toMatchObject({
      flowName: 'sumOfSquares',
      state: 'COMPLETED',
      parameters: { n: '3', label: 'squares', 'scale.factor': '2' },
    });
    expect(show.taskRuns.map((t: { taskRunName: string }) => t.taskRunName).sort()).toEqual([
      'square[1]',
      'square[2]',
      'square[3]',
    ]);
    // The task cache is the CLI's too: a rerun is served from it.
    const again = JSON.parse(
      tideflow('run', `${tsFlows}:sumOfSquares`, '--param', 'n=3', '--json').stdout,
    );
    expect(again.result).toEqual({ label: 'sum', total: 14 });
    const rerun = JSON.parse((await cli(ws, 'runs', 'show', again.run_id, '--json')).stdout);
    expect(rerun.taskRuns.map((t: { state: string }) => t.state)).toEqual([
      'CACHED',
      'CACHED',
      'CACHED',
    ]);
  }, 60_000);

  it('runs a .js module by a relative path with --params, shows progress and a summary', () => {
    const paramsFile = join(ws.cwd, 'greet.yaml');
    writeFileSync(paramsFile, 'name: world\ntimes: 3\noptions:\n  punctuation: "?"\n');
    const r = tideflow(
      'run',
      `${relative(ws.cwd, jsFlows)}:greet`,
      '--params',
      'greet.yaml',
      '--param',
      'times=2',
    );
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^flow {7}greet\nstate {6}Completed\nrun {8}[0-9a-f]{32}\n/);
    expect(r.stdout).toContain('result     "world?world?"');
    expect(r.stderr).toMatch(/^▶ greet \[world\]\n/);
    expect(r.stderr).toMatch(/✔ greet \[world\] Completed in /);
  }, 60_000);

  it('runs a @flow method of an exported class on a new instance', () => {
    const r = tideflow('run', `${tsFlows}:Pipeline.run`, '--param', 'seed=41', '--json');
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toMatchObject({ flow: 'Pipeline.run', result: 42 });
  }, 60_000);

  it('prints the summary of a failed flow and exits 1 with its error', () => {
    const r = tideflow('run', `${tsFlows}:failing`, '--quiet');
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/^flow {7}failing\nstate {6}Failed\n/);
    expect(r.stderr).toMatch(/error: the failing flow failed/);
  }, 60_000);
});

describe('tideflow run FILE:FLOW refuses, before anything runs', () => {
  const fresh = workspace();
  afterAll(() => rmSync(fresh.cwd, { recursive: true, force: true }));
  const run = (...args: string[]) => cli(fresh, 'run', ...args);

  it('a missing file, a missing export and an export that is not a flow, naming file and export', async () => {
    const missing = await run('nope/flows.ts:train');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe(
      `error: Cannot run nope/flows.ts:train: there is no file ${join(fresh.cwd, 'nope/flows.ts')}.\n`,
    );
    const noExport = await run(`${jsFlows}:train`);
    expect(noExport.code).toBe(1);
    expect(noExport.stderr).toContain(
      `Cannot run ${jsFlows}:train: ${jsFlows} has no export "train" (its flows: greet).`,
    );
    const notAFlow = await run(`${jsFlows}:plain`);
    expect(notAFlow.stderr).toContain(
      `Cannot run ${jsFlows}:plain: the export "plain" is a function but not a flow (wrap it with flow() or decorate it with @flow)`,
    );
    const noName = await run(jsFlows);
    expect(noName.stderr).toContain('name the flow to run as FILE:FLOW (its flows: greet)');
    const broken = join(fresh.cwd, 'broken.js');
    writeFileSync(broken, 'export const x = ;\n');
    const loadFailed = await run(`${broken}:x`);
    expect(loadFailed.stderr).toContain(`Cannot run ${broken}:x: loading ${broken} failed:`);
    // Nothing ran: no store was created.
    expect((await cli(fresh, 'runs', 'ls')).stderr).toMatch(/No tracking store/);
  });

  it('unknown parameters, prototype keys and malformed values, naming the parameter', async () => {
    const cases: [string[], RegExp][] = [
      [
        ['--param', 'nmae=x'],
        /parameter "nmae" of "greet": the flow has no parameter "nmae" \(its parameters: name, times, options\)/,
      ],
      [
        ['--param', '__proto__.polluted=1'],
        /parameter "__proto__" of "greet": "__proto__" is not allowed/,
      ],
      [
        ['--param', 'options.constructor.prototype=1'],
        /parameter "options.constructor".*not allowed/,
      ],
      [['--param', 'options={"__proto__": {"x": 1}}'], /"options.__proto__".*not allowed/],
      [['--param', 'times'], /expected --param name=value/],
      [['--param', 'options..x=1'], /empty key segment/],
    ];
    for (const [args, message] of cases) {
      const r = await run(`${jsFlows}:greet`, ...args);
      expect(r.code, args.join(' ')).toBe(1);
      expect(r.stderr).toMatch(message);
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    mkdirSync(join(fresh.cwd, 'p'), { recursive: true });
    writeFileSync(join(fresh.cwd, 'p', 'evil.json'), '{"options": {"__proto__": {"x": 1}}}');
    const evil = await run(`${jsFlows}:greet`, '--params', 'p/evil.json');
    expect(evil.stderr).toMatch(/"options.__proto__".*not allowed/);
    writeFileSync(join(fresh.cwd, 'p', 'list.yaml'), '- 1\n- 2\n');
    const list = await run(`${jsFlows}:greet`, '--params', 'p/list.yaml');
    expect(list.stderr).toMatch(/must hold a mapping from parameter names to values/);
    const gone = await run(`${jsFlows}:greet`, '--params', 'p/none.yaml');
    expect(gone.stderr).toMatch(/cannot read .*none\.yaml/);
  });

  it('--param values that do not parse as the declared type of their parameter', async () => {
    const typed = `${join(fixtures, 'typed.ts')}:Typed.run`;
    const ok = await run(
      typed,
      '--param',
      'label=007',
      '--param',
      'n=5',
      '--param',
      'on=true',
      '--json',
    );
    expect(ok.stderr).toBe('');
    // A string parameter keeps "007" as written; without the declared type it would be 7.
    expect(JSON.parse(ok.stdout).result).toEqual(['007', 5, true]);
    const n = await run(typed, '--param', 'n=five');
    expect(n.stderr).toMatch(/parameter "n" of "typed": expected a number, got "five"/);
    const on = await run(typed, '--param', 'on=yes');
    expect(on.stderr).toMatch(/parameter "on" of "typed": expected true or false, got "yes"/);
  });

  it('the options of the other kind of flow', async () => {
    const set = await run(`${jsFlows}:greet`, '--set', 'data.n=5', '--dim', '3');
    expect(set.stderr).toMatch(/--dim, --set configure the built-in clustering flow/);
    const param = await run('clustering', '--param', 'n=5');
    expect(param.stderr).toMatch(/--param and --params pass parameters to a flow from a file/);
    const unknown = await run('clusterin');
    expect(unknown.stderr).toMatch(/Unknown flow "clusterin".*FILE:FLOW/);
  });
});
