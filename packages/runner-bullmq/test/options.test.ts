// Bad options and unreachable Redis fail at once with typed errors that name what is wrong.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { InvalidOptionError } from '@tideflow/core';
import { BullMQTaskRunner, Deployments, RedisUnavailableError, startWorker } from '../src/index.js';

describe('BullMQTaskRunner options', () => {
  it('refuses a bad queue name, connection or limit, naming it', () => {
    expect(
      () => new BullMQTaskRunner({ connection: 'redis://127.0.0.1:6379', queue: 'a b' }),
    ).toThrow(/option queue/);
    expect(() => new BullMQTaskRunner({ connection: 'http://127.0.0.1', queue: 'q' })).toThrow(
      InvalidOptionError,
    );
    expect(() => new BullMQTaskRunner({ connection: 'redis://127.0.0.1/x', queue: 'q' })).toThrow(
      /database "x"/,
    );
    expect(() => new BullMQTaskRunner({ connection: 'not a url', queue: 'q' })).toThrow(
      /not a URL/,
    );
    expect(
      () =>
        new BullMQTaskRunner({
          connection: 'redis://127.0.0.1',
          queue: 'q',
          connectionTimeoutMs: Number.NaN,
        }),
    ).toThrow(/connectionTimeoutMs/);
    expect(
      () => new BullMQTaskRunner({ connection: 'redis://127.0.0.1', queue: 'q', inlineLimit: -1 }),
    ).toThrow(/inlineLimit/);
  });

  it('names the runner after its queue', () => {
    expect(
      new BullMQTaskRunner({ connection: { host: '127.0.0.1', port: 6379 }, queue: 'ml' }).name,
    ).toBe('bullmq:ml');
  });
});

describe('startWorker', () => {
  it('refuses bad options before connecting', async () => {
    await expect(
      startWorker({ connection: 'redis://127.0.0.1:1', queue: 'q', concurrency: 0 }),
    ).rejects.toThrow(/option concurrency/);
    await expect(
      startWorker({ connection: 'redis://127.0.0.1:1', queue: 'q', threads: 1.5 }),
    ).rejects.toThrow(/option threads/);
  });

  it('names a module it cannot load', async () => {
    const missing = new URL('./fixtures/missing.js', import.meta.url).href;
    const error = await startWorker({
      connection: 'redis://127.0.0.1:1',
      queue: 'q',
      modules: [missing],
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidOptionError);
    expect((error as Error).message).toContain(fileURLToPath(missing).split('/').at(-1)!);
  });

  it('fails with RedisUnavailableError when Redis cannot be reached', async () => {
    const error = await startWorker({
      connection: 'redis://127.0.0.1:1',
      queue: 'q',
      connectTimeoutMs: 300,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RedisUnavailableError);
    expect((error as Error).message).toContain('127.0.0.1:1');
  });

  it('bounds the wait of deployments for a Redis that does not answer', async () => {
    expect(
      () => new Deployments({ connection: 'redis://127.0.0.1:1', queue: 'q', connectTimeoutMs: 0 }),
    ).toThrow(/connectTimeoutMs must be an integer ≥ 1, got 0/);
    const deployments = new Deployments({
      connection: 'redis://127.0.0.1:1',
      queue: 'q',
      connectTimeoutMs: 300,
    });
    try {
      const started = Date.now();
      const error = await deployments.list().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(RedisUnavailableError);
      expect((error as Error).message).toBe(
        'Redis at 127.0.0.1:1 did not answer within 300 ms (queue "q"): is redis-server running there?',
      );
      expect(Date.now() - started).toBeLessThan(3000);
      // Every call waits again (within the same bound), none hangs.
      await expect(deployments.pause('nightly')).rejects.toBeInstanceOf(RedisUnavailableError);
    } finally {
      await deployments.close();
    }
  });

  it('lets its process exit at once after giving up on Redis', async () => {
    // ioredis kept a socket still connecting to a server that is down open for 2 s after the
    // disconnect: a CLI command that failed on a stopped Redis exited 2 s after its error.
    const index = new URL('../src/index.ts', import.meta.url).href;
    const script = `
      const { Deployments } = await import(${JSON.stringify(index)});
      const d = new Deployments({ connection: 'redis://127.0.0.1:1', queue: 'q', connectTimeoutMs: 300 });
      await d.list().catch(() => {});
      await d.close();
      process.stdout.write('closed\\n');
    `;
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', '--input-type=module', '-e', script],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    let closedAt = 0;
    child.stdout.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('closed')) closedAt = Date.now();
    });
    const code = await new Promise((resolve) => child.once('exit', resolve));
    expect(code).toBe(0);
    expect(closedAt).toBeGreaterThan(0);
    expect(Date.now() - closedAt).toBeLessThan(1000);
  }, 20_000);
});
