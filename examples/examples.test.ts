import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const repo = fileURLToPath(new URL('../', import.meta.url));

/** Runs an example as its npm script does (tsx against the built packages) and returns its stdout. */
async function example(name: string, env: Record<string, string> = {}): Promise<string> {
  const { stdout } = await run(process.execPath, ['--import', 'tsx', `examples/${name}.ts`], {
    cwd: repo,
    env: { ...process.env, ...env },
  });
  return stdout;
}

describe('examples', () => {
  it('cli-flow runs with `tideflow run FILE:FLOW`, recorded in the working directory', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'tideflow-cli-flow-'));
    try {
      const { stdout } = await run(
        process.execPath,
        [
          join(repo, 'packages/cli/bin/tideflow.js'),
          'run',
          join(repo, 'examples/cli-flow.ts:letterCounts'),
          '--param',
          'text=to be or not to be',
          '--param',
          'minLength=2',
          '--json',
        ],
        { cwd, env: { ...process.env, TIDEFLOW_HOME: cwd } },
      );
      const summary = JSON.parse(stdout) as { state: string; result: unknown };
      expect(summary.state).toBe('COMPLETED');
      expect(summary.result).toEqual({ to: 2, be: 2, or: 2, not: 3 });
      expect(existsSync(join(cwd, '.tideflow', 'tideflow.db'))).toBe(true);
    } finally {
      rmSync(cwd, { recursive: true, force: true });
    }
  });

  it('quickstart prints the completed state and the result', async () => {
    expect(await example('quickstart')).toBe('Completed 285\n');
  });

  it('retries-and-timeouts retries twice, then times out a stubborn task', async () => {
    const out = await example('retries-and-timeouts');
    expect(out).toContain('retrying after attempt 1\nretrying after attempt 2\n');
    expect(out).toContain('flakyFetch ended Completed after 3 attempt(s)');
    expect(out).toContain('slowReport: signal aborted');
    expect(out).toContain('slowReport ended TimedOut after 1 attempt(s)');
    expect(out).toContain('caught: "slowReport" timed out after 50 ms.');
    expect(out).toContain('flow Completed');
  });

  it('parallel-subflows runs three child runs', async () => {
    const out = await example('parallel-subflows');
    expect(out).toContain('best: gaussian_nb');
    expect(out).toContain('subflows: 3, child of search\n');
  });

  it('without-engine gives identical results with no engine events', async () => {
    const out = await example('without-engine');
    expect(out).toMatch(/with the engine: \{"mean":2.5,"max":4\} \(\d+ engine events\)/);
    expect(out).toContain('plain calls:     {"mean":2.5,"max":4} (0 engine events)');
    expect(out).toContain('identical: true');
  });

  it('caching: all hits on the second run, one recomputed task after a change', async () => {
    const lines = (await example('caching')).trim().split('\n');
    expect(lines[0]).toMatch(/^first run +load:Completed scale:Completed norm:Completed/);
    expect(lines[1]).toMatch(/^same inputs +load:Cached scale:Cached norm:Cached/);
    expect(lines[2]).toMatch(/^p changed +load:Cached scale:Cached norm:Completed/);
    const refreshed = (await example('caching', { TIDEFLOW_REFRESH_CACHE: '1' }))
      .trim()
      .split('\n');
    expect(refreshed[1]).toMatch(/load:Completed scale:Completed norm:Completed/);
  });
});
