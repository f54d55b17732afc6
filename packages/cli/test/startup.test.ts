// The CLI's start-up: a command loads what it needs; BullMQ, the HTTP stack and the models are
// imported by the commands that use them, not by every `tideflow ...` (which then starts in half
// the time).
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { workspace } from './helpers.js';

const BIN = fileURLToPath(new URL('../dist/bin.js', import.meta.url));
const REGISTER = fileURLToPath(new URL('./fixtures/import-log/register.mjs', import.meta.url));
const HEAVY = ['@tideflow/runner-bullmq', '@tideflow/server', '@tideflow/models'];

/** The heavy packages that `tideflow ...args` imported. */
function heavyImports(...args: string[]): string[] {
  const ws = workspace();
  const log = join(ws.cwd, 'imports.log');
  const r = spawnSync(process.execPath, ['--import', REGISTER, BIN, ...args], {
    cwd: ws.cwd,
    env: { ...process.env, ...ws.env, IMPORT_LOG: log },
    encoding: 'utf8',
  });
  expect(r.error).toBeUndefined();
  const urls = readFileSync(log, 'utf8');
  // Workspace packages resolve to packages/<name>/dist, installed ones to node_modules/@tideflow/<name>.
  return HEAVY.filter((name) => {
    const dir = name.replace('@tideflow/', '');
    return urls.includes(`/packages/${dir}/dist/`) || urls.includes(`/node_modules/${name}/`);
  });
}

describe('tideflow start-up', () => {
  it('loads neither BullMQ, the server nor the models for commands that do not use them', () => {
    expect(heavyImports('--version')).toEqual([]);
    expect(heavyImports('runs', 'ls')).toEqual([]);
    expect(heavyImports('experiments', 'ls')).toEqual([]);
  });

  it('loads each where its command needs it', () => {
    // A bad pattern is refused before any connection: BullMQ is loaded to check it.
    expect(heavyImports('deploy', 'flows.ts:f', '--cron', 'every day')).toEqual([
      '@tideflow/runner-bullmq',
    ]);
    expect(heavyImports('run', 'clustering', '--set', 'nope=1')).toEqual(['@tideflow/models']);
  });
});
