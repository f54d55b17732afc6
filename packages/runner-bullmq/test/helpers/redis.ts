import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../../../test/helpers/redis-server.js';

/** A redis-server that a fault test can stop, kill, freeze and start again on the same port. */
export interface ControlledRedis {
  readonly url: string;
  /** Starts the server (again), with the data it persisted. */
  start(): Promise<void>;
  /** Sends `signal` to the server and waits for it to exit (SIGTERM saves the append-only file). */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

/**
 * Debian's `redis-server` on a free loopback port; with `persist`, an append-only file in a fresh
 * folder (fsync on every write), so that a restart keeps the queue.
 */
export async function controlledRedis({ persist = false } = {}): Promise<ControlledRedis> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'tideflow-redis-'));
  let child: ChildProcess | undefined;
  const server: ControlledRedis = {
    url: `redis://127.0.0.1:${port}`,
    async start() {
      const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--dir', dir];
      args.push(
        ...(persist ? ['--appendonly', 'yes', '--appendfsync', 'always'] : ['--appendonly', 'no']),
      );
      const proc = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] });
      child = proc;
      await new Promise<void>((resolve, reject) => {
        let output = '';
        const timer = setTimeout(
          () => reject(new Error(`redis-server did not start:\n${output}`)),
          20_000,
        );
        proc.once('error', (error) => {
          clearTimeout(timer);
          reject(error);
        });
        proc.stdout.on('data', (chunk: Buffer) => {
          output += chunk.toString();
          if (output.includes('Ready to accept connections')) {
            clearTimeout(timer);
            resolve();
          }
        });
      });
    },
    async stop(signal = 'SIGTERM') {
      const proc = child;
      if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
      const exited = new Promise((resolve) => proc.once('exit', resolve));
      proc.kill(signal);
      await exited;
    },
  };
  await server.start();
  return server;
}
