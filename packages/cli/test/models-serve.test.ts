import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { request as httpRequest } from 'node:http';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultSerializers } from '@tideflow/core';
import { GaussianNB, KNeighborsClassifier, makeBlobs } from '@tideflow/models';
import { SqliteTracker } from '@tideflow/tracker-sqlite';
import { cli, workspace } from './helpers.js';

const BIN = fileURLToPath(new URL('../bin/tideflow.js', import.meta.url));
const ws = workspace();
const { X, y } = makeBlobs({ n: 300, dim: 2, k: 3, seed: 5 });
const nb = new GaussianNB().fit(X, y);
const knn = new KNeighborsClassifier({ nNeighbors: 5 }).fit(X, y);
const rows = [
  [X.data[0], X.data[1]],
  [X.data[2], X.data[3]],
];
const body = JSON.stringify({
  dataframe_split: { columns: ['b', 'a'], data: rows.map(([a, b]) => [b, a]) },
});

beforeAll(async () => {
  mkdirSync(join(ws.cwd, '.tideflow'));
  const t = new SqliteTracker({ path: join(ws.cwd, '.tideflow', 'tideflow.db') });
  const experimentId = await t.getOrCreateExperiment('serve');
  for (const model of [nb, knn]) {
    const { info } = await t.createRun({ experimentId });
    await t.logModel(info.runId, {
      name: 'model',
      bytes: defaultSerializers.serialize(model),
      flavor: 'tideflow.models',
      signature: {
        inputs: [
          { name: 'a', type: 'double' },
          { name: 'b', type: 'double' },
        ],
        outputs: [],
      },
    });
    await t.registerModel('pts', { runId: info.runId, modelName: 'model' });
  }
  await t.setModelAlias('pts', 'champion', 1);
  await t.close();
});
afterAll(() => rmSync(ws.cwd, { recursive: true, force: true }));

/** Starts `tideflow models serve ...args` and resolves with the process and its URL once it serves. */
async function start(
  ...args: string[]
): Promise<{ child: ChildProcess; url: string; out: () => string }> {
  const child = spawn(process.execPath, [BIN, 'models', 'serve', ...args], {
    cwd: ws.cwd,
    env: { ...process.env, ...ws.env, TIDEFLOW_TOKEN: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /at (http:\/\/\S+) with/.exec(out);
      if (m) resolve(m[1]);
    });
    child.once('exit', (code) => reject(new Error(`exited ${code}: ${out}${err}`)));
  });
  return { child, url, out: () => out };
}

async function predictions(url: string, headers: Record<string, string> = {}) {
  const res = await fetch(`${url}/invocations`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
  });
  return {
    status: res.status,
    version: res.headers.get('tideflow-model-version'),
    json: (await res.json()) as { predictions?: number[] },
  };
}

/** The status of one scoring request on a new connection (a killed worker took its kept-alive ones). */
function freshStatus(url: string, token: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      `${url}/invocations`,
      {
        method: 'POST',
        agent: false,
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      },
      (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

const X2 = { data: Float64Array.from(rows.flat()), rows: 2, cols: 2 };

describe('tideflow models serve', () => {
  it('serves the champion until SIGTERM, following the alias', async () => {
    const { child, url, out } = await start('models:/pts@champion', '--port', '0');
    expect(out()).toMatch(
      /^Serving models:\/pts@champion \(pts v1\) at http:\/\/127\.0\.0\.1:\d+ with 1 worker/,
    );
    const first = await predictions(url);
    expect(first).toEqual({
      status: 200,
      version: '1',
      json: { predictions: Array.from(nb.predict(X2)) },
    });
    expect((await cli(ws, 'models', 'alias', 'set', 'pts', 'champion', '2')).code).toBe(0);
    const moved = await predictions(url);
    expect(moved).toEqual({
      status: 200,
      version: '2',
      json: { predictions: Array.from(knn.predict(X2)) },
    });
    child.kill('SIGTERM');
    const [code] = await once(child, 'exit');
    expect(code).toBe(0);
    expect(out()).toContain('Stopped.');
    expect((await cli(ws, 'models', 'alias', 'set', 'pts', 'champion', '1')).code).toBe(0);
  });

  it('runs --workers 2 processes behind one port, with a token', async () => {
    const { child, url } = await start(
      'models:/pts/1',
      '--port',
      '0',
      '--workers',
      '2',
      '--token',
      'tok',
    );
    const pids = execFileSync('pgrep', ['-P', String(child.pid)])
      .toString()
      .trim()
      .split('\n');
    expect(pids).toHaveLength(2);
    expect((await predictions(url)).status).toBe(401);
    const answers = await Promise.all(
      Array.from({ length: 20 }, () => predictions(url, { authorization: 'Bearer tok' })),
    );
    for (const a of answers)
      expect(a).toEqual({
        status: 200,
        version: '1',
        json: { predictions: Array.from(nb.predict(X2)) },
      });
    // A worker that dies is replaced, and the port keeps answering meanwhile.
    process.kill(Number(pids[0]), 'SIGKILL');
    const children = () =>
      execFileSync('pgrep', ['-P', String(child.pid)])
        .toString()
        .trim()
        .split('\n');
    const deadline = Date.now() + 20_000;
    while (Date.now() < deadline && !(children().length === 2 && !children().includes(pids[0]))) {
      expect(await freshStatus(url, 'tok')).toBe(200);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const replaced = children();
    expect(replaced).toHaveLength(2);
    expect(replaced).not.toContain(pids[0]);
    // The replacement is ready once it listens; then stop everything.
    await new Promise((resolve) => setTimeout(resolve, 500));
    for (let i = 0; i < 10; i++) expect(await freshStatus(url, 'tok')).toBe(200);
    child.kill('SIGINT');
    const [code] = await once(child, 'exit');
    expect(code).toBe(0);
    pids.push(...replaced);
    for (const pid of pids) expect(() => process.kill(Number(pid), 0)).toThrow();
  });

  it('refuses bad options and unsafe binds before serving', async () => {
    const bad = await cli(ws, 'models', 'serve', 'models:/pts@champion', '--workers', '0');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('Invalid --workers "0": give a whole number from 1 to 256.');
    const port = await cli(ws, 'models', 'serve', 'models:/pts@champion', '--port', 'http');
    expect(port.stderr).toContain('Invalid --port "http"');
    const open = await cli(
      ws,
      'models',
      'serve',
      'models:/pts@champion',
      '--host',
      '0.0.0.0',
      '--port',
      '0',
    );
    expect(open.code).toBe(1);
    expect(open.stderr).toContain('Refusing to listen on "0.0.0.0" without a token');
    const missing = await cli(ws, 'models', 'serve', 'models:/nope@champion', '--port', '0');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/nope/);
  });
});
