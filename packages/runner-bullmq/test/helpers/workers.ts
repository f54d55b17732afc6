import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../../../cli/dist/bin.js', import.meta.url));

/** A `tideflow worker` process started by a test. */
export interface WorkerProcess {
  readonly child: ChildProcess;
  readonly pid: number;
  /** Everything it wrote on stderr. */
  stderr(): string;
  /** Sends `signal` and waits for the process to exit. */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

/** Starts `tideflow worker --queue queue --redis url ...args` and resolves once it serves the queue. */
export async function startWorkerProcess(
  url: string,
  queue: string,
  args: readonly string[],
): Promise<WorkerProcess> {
  const cwd = mkdtempSync(join(tmpdir(), 'tideflow-worker-'));
  const child = spawn(
    process.execPath,
    [BIN, 'worker', '--queue', queue, '--redis', url, ...args],
    {
      cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  let err = '';
  child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`worker did not start:\n${out}\n${err}`)),
      30_000,
    );
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('serving queue')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`worker exited with ${code}:\n${out}\n${err}`));
    });
  });
  return {
    child,
    pid: child.pid!,
    stderr: () => err,
    stop: async (signal = 'SIGTERM') => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill(signal);
      await exited;
    },
  };
}
