import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedisServer, type RedisServer } from '../test/helpers/redis-server.js';

const run = promisify(execFile);
const repo = fileURLToPath(new URL('../', import.meta.url));
const tsx = pathToFileURL(join(repo, 'node_modules/tsx/dist/loader.mjs')).href;
const cwd = mkdtempSync(join(tmpdir(), 'tideflow-examples-'));
afterAll(() => rmSync(cwd, { recursive: true, force: true }));

/** Runs an example as its npm script does (tsx against the built packages), in a scratch directory. */
async function example(
  name: string,
  env: Record<string, string> = {},
  timeout = 240_000,
): Promise<string> {
  const { stdout } = await run(
    process.execPath,
    ['--import', tsx, join(repo, 'examples', `${name}.ts`)],
    {
      cwd,
      env: { ...process.env, ...env },
      timeout,
    },
  );
  return stdout;
}

/** A loopback port nothing listens on (bound, then released). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  await new Promise((done) => server.close(done));
  return port;
}

describe('pipeline examples', () => {
  it('clustering-2d runs every family on 2D clusters and writes the report', async () => {
    const out = await example('clustering-2d');
    expect(out).toMatch(/^features: (cartesian|polar)\n/);
    for (const family of ['knn', 'gaussian_nb', 'svc', 'logistic', 'random_forest'])
      expect(out).toMatch(new RegExp(`^${family} +cv 0\\.\\d{4} +test 0\\.\\d{4}$`, 'm'));
    const accuracy = Number(/selected \S+: test accuracy (0\.\d+)/.exec(out)![1]);
    expect(accuracy).toBeGreaterThan(0.85);
    expect(existsSync(join(cwd, '.tideflow', 'clustering-2d-report.html'))).toBe(true);
  }, 240_000);

  it('clustering-3d tracks into .tideflow and a second run is served from the SQLite cache', async () => {
    const first = await example('clustering-3d');
    expect(first).toMatch(/^run [0-9a-f]{32} in [\d.]+ s$/m);
    const report = /report: (.+)$/m.exec(first)![1];
    expect(existsSync(report)).toBe(true);
    const second = await example('clustering-3d');
    expect(/selected .+$/m.exec(second)![0]).toBe(/selected .+$/m.exec(first)![0]);
  }, 240_000);

  it('custom-model-list searches only the chosen families and votes', async () => {
    const out = await example('custom-model-list');
    expect(out.split('\n').filter((l) => /: cv /.test(l))).toEqual([
      expect.stringMatching(/^knn: cv /),
      expect.stringMatching(/^logistic: cv /),
    ]);
    expect(out).toMatch(/selected voting\((knn\+logistic|logistic\+knn)\): test accuracy 0\.\d{4}/);
  }, 240_000);

  describe('redis-cache', () => {
    let redis: RedisServer;
    beforeAll(async () => {
      redis = await startRedisServer();
    });
    afterAll(() => redis.stop());

    it('names the URL and exits 1 when no Redis server answers, instead of hanging', async () => {
      const url = `redis://127.0.0.1:${await closedPort()}`;
      const failed = await example('redis-cache', { REDIS_URL: url }, 60_000).then(
        () => undefined,
        (error: { code?: number; killed?: boolean; stderr?: string }) => error,
      );
      expect(failed?.killed).toBe(false);
      expect(failed?.code).toBe(1);
      expect(failed?.stderr).toContain(
        `No Redis server answered at ${url} within 3 s. This example needs one`,
      );
    }, 90_000);

    it('serves the second run from Redis', async () => {
      const out = await example('redis-cache', { REDIS_URL: redis.url });
      expect(out).toMatch(/^first run: 0\/(\d+) tasks from Redis/m);
      const total = /^first run: 0\/(\d+)/m.exec(out)![1];
      expect(out).toMatch(new RegExp(`^second run: ${total}/${total} tasks from Redis`, 'm'));
    }, 240_000);
  });
});
