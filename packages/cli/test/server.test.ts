import { spawn } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { cli, seed, workspace } from './helpers.js';

const repo = fileURLToPath(new URL('../../../', import.meta.url));
const bin = fileURLToPath(new URL('../src/bin.ts', import.meta.url));
const ws = workspace();
afterAll(() => rmSync(ws.cwd, { recursive: true, force: true }));

describe('tideflow server start', () => {
  it('refuses a non-loopback host without a token before touching the store', async () => {
    const r = await cli(ws, 'server', 'start', '--host', '0.0.0.0', '--port', '0');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('Refusing to listen on "0.0.0.0" without a token');
    expect(existsSync(join(ws.cwd, '.tideflow', 'tideflow.db'))).toBe(false);
  });

  it('serves the store --tracking-uri names (the program option, before or after the command)', async () => {
    for (const args of [
      ['--tracking-uri', 'nosuch://store', 'server', 'start', '--port', '0'],
      ['server', 'start', '--tracking-uri', 'nosuch://store', '--port', '0'],
    ]) {
      const r = await cli(ws, ...args);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain('nosuch');
    }
  });

  it('refuses a bad port', async () => {
    const r = await cli(ws, 'server', 'start', '--port', '99999');
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('"99999" is not a port');
  });

  it('serves the store until SIGTERM, with the token from TIDEFLOW_TOKEN', async () => {
    await seed(ws.cwd);
    const child = spawn(
      process.execPath,
      [
        '--import',
        pathToFileURL(`${repo}node_modules/tsx/dist/loader.mjs`).href,
        bin,
        'server',
        'start',
        '--port',
        '0',
        '--allowed-hosts',
        'a.example,b.example',
      ],
      {
        cwd: ws.cwd,
        env: {
          ...process.env,
          ...ws.env,
          TIDEFLOW_TOKEN: 'tok',
          TSX_TSCONFIG_PATH: `${repo}tsconfig.check.json`,
        },
      },
    );
    let out = '';
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        const m = /listening on (http:\/\/\S+) /.exec(out);
        if (m) resolve(m[1]);
      });
      child.on('exit', (code) => reject(new Error(`exited ${String(code)}: ${err}`)));
    });
    try {
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect((await fetch(`${url}/api/2.0/mlflow/experiments/search`)).status).toBe(401);
      const r = await fetch(`${url}/api/2.0/mlflow/experiments/search`, {
        headers: { authorization: 'Bearer tok' },
      });
      const names = ((await r.json()) as { experiments: { name: string }[] }).experiments.map(
        (e) => e.name,
      );
      expect(names).toEqual(expect.arrayContaining(['clustering', 'other']));
    } finally {
      const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    }
  });
});
