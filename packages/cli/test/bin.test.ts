import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { seed, workspace } from './helpers.js';

const repo = fileURLToPath(new URL('../../../', import.meta.url));
const bin = fileURLToPath(new URL('../src/bin.ts', import.meta.url));
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
});
