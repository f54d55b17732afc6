import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { seed, workspace } from './helpers.js';

const repo = fileURLToPath(new URL('../../../', import.meta.url));
const bin = fileURLToPath(new URL('../src/bin.ts', import.meta.url));
const shim = fileURLToPath(new URL('../bin/tideflow.js', import.meta.url));
const cliPackage = JSON.parse(
  readFileSync(new URL('../package.json', import.meta.url), 'utf8'),
) as { version: string; bin: Record<string, string> };
const ws = workspace();
afterAll(() => rmSync(ws.cwd, { recursive: true, force: true }));

/** Runs the real entry point in a child process (tsx compiles it; @tideflow/* resolve to sources). */
function tideflow(...args: string[]) {
  // tsx is resolved from the repository: the child runs in a temporary directory.
  return spawnSync(
    process.execPath,
    ['--import', pathToFileURL(`${repo}node_modules/tsx/dist/loader.mjs`).href, bin, ...args],
    {
      cwd: ws.cwd,
      env: { ...process.env, ...ws.env, TSX_TSCONFIG_PATH: `${repo}tsconfig.check.json` },
      encoding: 'utf8',
    },
  );
}

describe('the tideflow executable', () => {
  it('starts with a node shebang', () => {
    expect(readFileSync(bin, 'utf8').split('\n')[0]).toBe('#!/usr/bin/env node');
  });

  it('runs commands and sets the exit code', async () => {
    await seed(ws.cwd);
    const ok = tideflow('runs', 'ls', '--json');
    expect(ok.stderr).toBe('');
    expect(ok.status).toBe(0);
    expect(JSON.parse(ok.stdout).runs).toHaveLength(4);
    const bad = tideflow('runs', 'show', 'no-such-run');
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/^error: No run with id "no-such-run"/);
  });

  it('prints its version with --version', () => {
    const out = tideflow('--version');
    expect(out.status).toBe(0);
    expect(out.stdout.trim()).toBe(cliPackage.version);
  });
});

describe('the committed bin shim (linked by npm install before anything is built)', () => {
  it('is the package bin, a node script, and runs the built CLI', () => {
    expect(cliPackage.bin.tideflow).toBe('./bin/tideflow.js');
    expect(readFileSync(shim, 'utf8').split('\n')[0]).toBe('#!/usr/bin/env node');
    // dist/ is built by `npm test` (and by `npm run build` before the CLI is used).
    const out = spawnSync(process.execPath, [shim, '--version'], { encoding: 'utf8' });
    expect(out.stderr).toBe('');
    expect(out.stdout.trim()).toBe(cliPackage.version);
  });

  it('says how to build the workspace when dist/ is missing', () => {
    const unbuilt = mkdtempSync(join(tmpdir(), 'tideflow-unbuilt-'));
    try {
      mkdirSync(join(unbuilt, 'bin'));
      copyFileSync(shim, join(unbuilt, 'bin', 'tideflow.js'));
      const out = spawnSync(process.execPath, [join(unbuilt, 'bin', 'tideflow.js'), 'runs', 'ls'], {
        encoding: 'utf8',
      });
      expect(out.status).toBe(1);
      expect(out.stderr).toMatch(/the tideflow CLI is not built .*run `npm run build`/);
    } finally {
      rmSync(unbuilt, { recursive: true, force: true });
    }
  });
});
