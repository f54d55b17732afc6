import { existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cli, workspace } from './helpers.js';

const spaces: string[] = [];
function fresh() {
  const ws = workspace();
  spaces.push(ws.cwd);
  return ws;
}
afterAll(() => {
  for (const cwd of spaces) rmSync(cwd, { recursive: true, force: true });
});

/** Every command that only reads the tracking store. */
const READS = [
  ['runs', 'ls'],
  ['runs', 'show', 'aaaa1111'],
  ['runs', 'metrics', 'aaaa1111', 'accuracy'],
  ['runs', 'logs', 'aaaa1111'],
  ['runs', 'artifacts', 'ls', 'aaaa1111'],
  ['runs', 'compare', 'aaaa1111', 'bbbb2222'],
  ['experiments', 'ls'],
  ['models', 'ls'],
  ['models', 'show', 'classifier'],
  ['models', 'versions', 'classifier'],
];

describe('read-only commands never create or migrate a store', () => {
  it('a missing store is an error naming its path, and nothing is created', async () => {
    const ws = fresh();
    for (const args of READS) {
      const r = await cli(ws, ...args);
      expect({ args, code: r.code }).toEqual({ args, code: 1 });
      expect(r.stderr).toContain(
        `No tracking store at ${join(ws.cwd, '.tideflow', 'tideflow.db')} (the file does not exist)`,
      );
    }
    expect(existsSync(join(ws.cwd, '.tideflow'))).toBe(false);
  });

  it('a 0-byte tideflow.db is an error naming it, not a new store, and stays 0 bytes', async () => {
    const ws = fresh();
    const db = join(ws.cwd, '.tideflow', 'tideflow.db');
    mkdirSync(join(ws.cwd, '.tideflow'));
    writeFileSync(db, '');
    for (const args of READS) {
      const r = await cli(ws, ...args);
      expect({ args, code: r.code }).toEqual({ args, code: 1 });
      expect(r.stderr).toContain(`No tracking store at ${db} (the file is empty (0 bytes))`);
    }
    expect(statSync(db).size).toBe(0);
    expect(readdirSync(join(ws.cwd, '.tideflow'))).toEqual(['tideflow.db']);
  });

  it('cache info and cache clear do not create a cache, and a garbage cache file is named', async () => {
    const ws = fresh();
    const cache = join(ws.cwd, '.tideflow', 'cache.sqlite');
    for (const args of [
      ['cache', 'info'],
      ['cache', 'clear'],
    ]) {
      const r = await cli(ws, ...args);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(`No task cache at ${cache}: the file does not exist`);
    }
    expect(existsSync(join(ws.cwd, '.tideflow'))).toBe(false);
    const garbage = join(ws.cwd, 'garbage.sqlite');
    writeFileSync(
      garbage,
      'this is not an SQLite database, only text that is long enough'.repeat(3),
    );
    const r = await cli(ws, 'cache', 'info', '--cache', garbage);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`Cannot open the SQLite cache store ${garbage}`);
    expect(r.stderr).toContain('not an SQLite database');
  });
});

describe('tideflow config view', () => {
  it('shows the tracking URI the CLI uses, not the library default memory:', async () => {
    const ws = fresh();
    const view = JSON.parse((await cli(ws, 'config', 'view', '--json')).stdout);
    expect(view.settings.trackingUri).toEqual({
      value: `sqlite:///${join(ws.cwd, '.tideflow', 'tideflow.db')}`,
      source: 'default',
      env: 'TIDEFLOW_TRACKING_URI',
    });
    const table = (await cli({ ...ws, env: { ...ws.env, COLUMNS: '200' } }, 'config', 'view'))
      .stdout;
    expect(table).not.toContain('memory:');
    const viaEnv = await cli(
      { cwd: ws.cwd, env: { ...ws.env, TIDEFLOW_TRACKING_URI: 'sqlite:///other.db' } },
      'config',
      'view',
      '--json',
    );
    expect(JSON.parse(viaEnv.stdout).settings.trackingUri).toMatchObject({
      value: 'sqlite:///other.db',
      source: 'env',
    });
    const viaFlag = await cli(
      ws,
      '--tracking-uri',
      'sqlite:///flag.db',
      'config',
      'view',
      '--json',
    );
    expect(JSON.parse(viaFlag.stdout).settings.trackingUri).toMatchObject({
      value: 'sqlite:///flag.db',
      source: 'explicit',
    });
    // Viewing the configuration creates no store.
    expect(existsSync(join(ws.cwd, '.tideflow'))).toBe(false);
  });
});
