// `tideflow deploy` and `tideflow deployments`: schedules checked before anything is written, and
// scheduled runs that a real `tideflow worker` process runs as ordinary flow runs.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqliteTracker } from '@tideflow/tracker-sqlite';
import { startRedisServer, type RedisServer } from '../../../test/helpers/redis-server.js';
import {
  startWorkerProcess,
  type WorkerProcess,
} from '../../runner-bullmq/test/helpers/workers.js';
import { FLOW_JOB } from '../../runner-bullmq/src/protocol.js';
import { cli, workspace } from './helpers.js';

const flows = fileURLToPath(new URL('./fixtures/user-flows/flows.ts', import.meta.url));
const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let redis: RedisServer;
let client: Redis;
beforeAll(async () => {
  redis = await startRedisServer();
  client = new Redis(redis.url);
});
afterAll(async () => {
  client?.disconnect();
  await redis?.stop();
});

describe('tideflow deploy: bad input is refused before anything is written', () => {
  it('names a bad cron pattern, without even reaching Redis', async () => {
    const ws = workspace();
    for (const cron of ['every day', '61 * * * *', '* * *']) {
      const r = await cli(
        ws,
        'deploy',
        `${flows}:sumOfSquares`,
        '--cron',
        cron,
        '--redis',
        'redis://127.0.0.1:1',
      );
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(`Cron pattern "${cron}"`);
    }
  });

  it('names a bad parameter and a missing flow, writing nothing', async () => {
    const ws = workspace();
    let r = await cli(
      ws,
      'deploy',
      `${flows}:sumOfSquares`,
      '--cron',
      '0 3 * * *',
      '--param',
      'm=3',
      '--redis',
      redis.url,
    );
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('"m"');
    r = await cli(
      ws,
      'deploy',
      `${flows}:sumOfSquares`,
      '--cron',
      '0 3 * * *',
      '--param',
      '__proto__.polluted=1',
      '--redis',
      redis.url,
    );
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('__proto__');
    r = await cli(ws, 'deploy', `${flows}:nothing`, '--cron', '0 3 * * *', '--redis', redis.url);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('nothing');
    r = await cli(
      ws,
      'deploy',
      `${flows}:sumOfSquares`,
      '--cron',
      '0 3 * * *',
      '--name',
      'a b',
      '--redis',
      redis.url,
    );
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('Deployment name "a b"');
    expect(await client.keys('*')).toEqual([]);
  });
});

describe('scheduled runs on a worker', () => {
  let worker: WorkerProcess;
  const ws = workspace();
  const db = join(ws.cwd, 'runs.db');

  beforeAll(async () => {
    worker = await startWorkerProcess(redis.url, 'scheduled', [
      '--tracking-uri',
      `sqlite:///${db}`,
    ]);
  });
  afterAll(() => worker?.stop());

  /** The finished runs of the sumOfSquares flow in the worker's store. */
  async function finishedRuns(): Promise<number> {
    const tracker = new SqliteTracker({ path: db });
    try {
      const experiment = await tracker.getExperimentByName('sumOfSquares');
      if (!experiment) return 0;
      const { runs } = await tracker.searchRuns({ experimentIds: [experiment.experimentId] });
      return runs.filter((r) => r.info.status === 'FINISHED').length;
    } finally {
      await tracker.close();
    }
  }

  it('runs a deployment every second as an ordinary flow run; pause, resume and delete it', async () => {
    const on = ['--queue', 'scheduled', '--redis', redis.url];
    let r = await cli(
      ws,
      'deploy',
      `${flows}:sumOfSquares`,
      '--cron',
      '* * * * * *',
      '--param',
      'n=3',
      '--name',
      'squares',
      ...on,
    );
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('deployed squares');
    r = await cli(ws, 'deployments', 'ls', '--json', ...on);
    const [listed] = JSON.parse(r.stdout) as {
      name: string;
      cron: string;
      params: string[];
      paused: boolean;
      next_run: number;
    }[];
    expect(listed).toMatchObject({
      name: 'squares',
      cron: '* * * * * *',
      params: ['n=3'],
      paused: false,
    });
    expect(listed.next_run).toBeGreaterThan(Date.now() - 2000);

    const end = Date.now() + 20_000;
    while ((await finishedRuns()) < 2 && Date.now() < end) await delay(200);
    expect(await finishedRuns()).toBeGreaterThanOrEqual(2);
    const tracker = new SqliteTracker({ path: db });
    try {
      const experiment = await tracker.getExperimentByName('sumOfSquares');
      const { runs } = await tracker.searchRuns({ experimentIds: [experiment!.experimentId] });
      expect(runs[0].data.params.n).toBe('3');
    } finally {
      await tracker.close();
    }

    r = await cli(ws, 'deployments', 'pause', 'squares', ...on);
    expect(r.stdout).toBe('paused squares\n');
    r = await cli(ws, 'deployments', 'ls', ...on);
    expect(r.stdout).toMatch(/squares\s+paused/);
    await delay(1500); // a run already due may still finish
    const paused = await finishedRuns();
    await delay(2500);
    expect(await finishedRuns()).toBe(paused);

    r = await cli(ws, 'deployments', 'resume', 'squares', ...on);
    expect(r.stdout).toBe('resumed squares\n');
    const resumeEnd = Date.now() + 20_000;
    while ((await finishedRuns()) <= paused && Date.now() < resumeEnd) await delay(200);
    expect(await finishedRuns()).toBeGreaterThan(paused);

    r = await cli(ws, 'deployments', 'delete', 'squares', ...on);
    expect(r.stdout).toBe('deleted squares\n');
    r = await cli(ws, 'deployments', 'ls', '--json', ...on);
    expect(JSON.parse(r.stdout)).toEqual([]);
    r = await cli(ws, 'deployments', 'pause', 'squares', ...on);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('no deployment "squares"');
  }, 60_000);
});

describe('a scheduled run that holds the CPU', () => {
  it('runs once, though it holds the CPU for longer than the job lock lasts', async () => {
    const ws = workspace();
    const db = join(ws.cwd, 'runs.db');
    const started = join(ws.cwd, 'started.txt');
    const args = ['--tracking-uri', `sqlite:///${db}`];
    // Two workers: the other one's stalled-job check would take a job whose lock ran out.
    const workers = await Promise.all([0, 1].map(() => startWorkerProcess(redis.url, 'cpu', args)));
    const { hostname, port } = new URL(redis.url);
    const queue = new Queue('cpu', { connection: { host: hostname, port: Number(port) } });
    try {
      const job = await queue.add(FLOW_JOB, {
        deployment: 'hold',
        flow: `${flows}:holdCpu`,
        params: [`file=${started}`, 'ms=7000'],
      });
      const end = Date.now() + 40_000;
      while (!(await job.isCompleted()) && !(await job.isFailed()) && Date.now() < end)
        await delay(200);
      expect(await job.isCompleted()).toBe(true);
      await delay(3000); // a second run, if any, has started by now
      expect(existsSync(started) && readFileSync(started, 'utf8').trim().split('\n')).toHaveLength(
        1,
      );
      const tracker = new SqliteTracker({ path: db });
      try {
        const experiment = await tracker.getExperimentByName('holdCpu');
        const { runs } = await tracker.searchRuns({ experimentIds: [experiment!.experimentId] });
        expect(runs.map((r) => r.info.status)).toEqual(['FINISHED']);
      } finally {
        await tracker.close();
      }
      // A failed run fails its job, with the flow's error.
      const failed = await queue.add(FLOW_JOB, {
        deployment: 'fails',
        flow: `${flows}:failing`,
        params: [],
      });
      const failEnd = Date.now() + 30_000;
      while (!(await failed.isFailed()) && Date.now() < failEnd) await delay(200);
      const { failedReason } = (await queue.getJob(failed.id!))!;
      expect(failedReason).toContain('deployment "fails"');
      expect(failedReason).toContain('the failing flow failed');
    } finally {
      await queue.close();
      await Promise.all(workers.map((w) => w.stop()));
    }
  }, 60_000);

  it('ends the process of a run when its worker is killed', async () => {
    const ws = workspace();
    const started = join(ws.cwd, 'started.txt');
    const worker = await startWorkerProcess(redis.url, 'killed', [
      '--tracking-uri',
      `sqlite:///${join(ws.cwd, 'runs.db')}`,
    ]);
    const { hostname, port } = new URL(redis.url);
    const queue = new Queue('killed', { connection: { host: hostname, port: Number(port) } });
    try {
      await queue.add(FLOW_JOB, {
        deployment: 'idle',
        flow: `${flows}:idle`,
        params: [`file=${started}`, 'ms=30000'],
      });
      const end = Date.now() + 30_000;
      while (!existsSync(started) && Date.now() < end) await delay(100);
      const pid = Number(readFileSync(started, 'utf8').trim());
      expect(pid).not.toBe(worker.pid);
      const alive = () => {
        try {
          process.kill(pid, 0);
          return true;
        } catch {
          return false;
        }
      };
      expect(alive()).toBe(true);
      await worker.stop('SIGKILL');
      const gone = Date.now() + 5000;
      while (alive() && Date.now() < gone) await delay(100);
      expect(alive()).toBe(false);
    } finally {
      await queue.obliterate({ force: true });
      await queue.close();
      await worker.stop();
    }
  }, 60_000);
});
