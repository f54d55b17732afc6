import { execFileSync, execSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const repo = fileURLToPath(new URL('../', import.meta.url));

/** The Dockerfile's build steps (RUN after COPY) and its CMD, as shell commands. */
function dockerCommands(): { run: string[]; cmd: string } {
  const lines = readFileSync(join(repo, 'Dockerfile'), 'utf8')
    .split('\n')
    .filter((l) => !l.startsWith('#'));
  const copyAt = lines.findIndex((l) => l.startsWith('COPY '));
  const run = lines
    .slice(copyAt)
    .filter((l) => l.startsWith('RUN '))
    .map((l) => l.slice(4));
  const cmdLine = lines.find((l) => l.startsWith('CMD '))!;
  const cmd = (JSON.parse(cmdLine.slice(4)) as string[]).join(' ');
  return { run, cmd };
}

const work = mkdtempSync(join(tmpdir(), 'tideflow-docker-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('Dockerfile', () => {
  it('builds the workspace and runs the pipeline in a clean copy (its commands, without a Docker engine)', () => {
    // `COPY . .` must not carry a developer's installs, builds or results into the image...
    const ignored = readFileSync(join(repo, '.dockerignore'), 'utf8').split('\n').filter(Boolean);
    expect(ignored).toEqual(expect.arrayContaining(['**/node_modules', '**/dist', '.tideflow']));
    // ...so the build context is the committed tree.
    const app = join(work, 'app');
    execSync(
      `git -C "${repo}" archive --format=tar HEAD | tar -x -C "${work}" --one-top-level=app`,
      { stdio: 'pipe' },
    );
    const { run, cmd } = dockerCommands();
    expect(run).toEqual(['npm ci', 'npm run build']);
    for (const command of run) execSync(command, { cwd: app, stdio: 'pipe', timeout: 900_000 });
    // The CMD with --json added, to check its summary: a quick configuration keeps the test short.
    const out = execFileSync(
      'npm',
      [
        ...cmd.split(' ').slice(1),
        '--',
        '--json',
        '--set',
        'data.n=1500',
        '--set',
        'models.svc.maxSamples=300',
        '--set',
        'tsne.sample=200',
      ],
      {
        cwd: app,
        encoding: 'utf8',
        timeout: 600_000,
      },
    );
    const summary = JSON.parse(out.slice(out.indexOf('{'))) as Record<string, unknown>;
    expect(summary.test_accuracy).toBeGreaterThan(0.7);
    expect(existsSync(summary.report as string)).toBe(true);
    expect(existsSync(join(app, '.tideflow', 'tideflow.db'))).toBe(true);
    // The next commands the README names: `npm ci` linked the committed bin shim, so npx runs the
    // workspace's CLI (never a download of some package called tideflow).
    const npx = (...args: string[]): string =>
      execFileSync('npx', ['--no-install', 'tideflow', ...args], {
        cwd: app,
        encoding: 'utf8',
        timeout: 120_000,
      });
    const version = (
      JSON.parse(readFileSync(join(app, 'packages', 'cli', 'package.json'), 'utf8')) as {
        version: string;
      }
    ).version;
    expect(npx('--version').trim()).toBe(version);
    const runs = JSON.parse(npx('runs', 'ls', '--json')) as { runs: { runId: string }[] };
    expect(runs.runs.length).toBeGreaterThan(0);
    // A user's flow from a TypeScript module, as the README shows it (tsx is the CLI's own
    // dependency, so the clean install has it).
    const flowRun = JSON.parse(
      npx(
        'run',
        'examples/cli-flow.ts:letterCounts',
        '--param',
        'text=to be or not to be',
        '--json',
      ),
    ) as { state: string; result: Record<string, number> };
    expect(flowRun).toMatchObject({ state: 'COMPLETED', result: { to: 2, be: 2, or: 2, not: 3 } });
  }, 1_800_000);
});
