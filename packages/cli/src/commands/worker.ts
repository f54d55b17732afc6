import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { extname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Command } from 'commander';
import type { FlowJobData } from '@tideflow/runner-bullmq';
import { CliError, openStore, type CliIo } from '../context.js';
import type { GlobalOptions } from '../program.js';
import { DEFAULT_CACHE } from './cache.js';
import { runFlowProcess } from './flow-process.js';
import { stopSignal } from './server.js';
import { stderrLogger, wholeNumberIn } from './shared.js';

/** The options of `tideflow worker`. */
interface WorkerOptions extends GlobalOptions {
  queue: string;
  module: string[];
  concurrency?: string;
  threads?: string;
  redis?: string;
  cache?: string;
}

/** The queue of `worker`, `deploy` and `deployments` when `--queue` is not given. */
export const DEFAULT_QUEUE = 'tideflow';

/** The Redis URL of `--redis`, `TIDEFLOW_REDIS_URL`, or the local default. */
export function redisUrl(io: CliIo, option: string | undefined): string {
  return option ?? io.env.TIDEFLOW_REDIS_URL ?? 'redis://127.0.0.1:6379';
}

/** A whole number option from 1 to `max`, or a CliError naming it. */
function count(flag: string, value: string | undefined, max: number): number | undefined {
  if (value === undefined) return undefined;
  const n = wholeNumberIn(value, 1, max);
  if (n === undefined)
    throw new CliError(`${flag} must be an integer from 1 to ${max}, got "${value}".`);
  return n;
}

/** `--module` as a URL to import: a path (./tasks.js, tasks.ts) relative to the cwd, or a package name. */
function moduleUrl(io: CliIo, module: string): string {
  if (/^(\.{1,2}[/\\]|\/|[A-Za-z]:[/\\])/.test(module) || /\.[cm]?[jt]sx?$/.test(module)) {
    return pathToFileURL(resolve(io.cwd, module)).href;
  }
  // A package name resolves from the working directory (the user's project) first, then from the CLI.
  try {
    return pathToFileURL(createRequire(join(io.cwd, 'package.json')).resolve(module)).href;
  } catch {
    return import.meta.resolve(module);
  }
}

const TYPESCRIPT = /\.[cm]?tsx?$/;

/**
 * `tideflow worker --queue Q --module ./tasks.js [--concurrency N] [--threads N] [--redis URL]`:
 * serves a BullMQ queue for flows that run with `BullMQTaskRunner`, and runs the scheduled flow runs
 * of `tideflow deploy`, until interrupted (SIGINT/SIGTERM: running jobs finish first).
 */
export function registerWorker(program: Command, io: CliIo): void {
  program
    .command('worker')
    .description(
      'Serve a BullMQ queue: run the tasks of flows that use BullMQTaskRunner, and scheduled flow runs (tideflow deploy).',
    )
    .option('--queue <name>', 'the queue to serve', DEFAULT_QUEUE)
    .option(
      '--module <module>',
      'a module that defines tasks: a .js/.ts file or a package name (repeatable)',
      (value: string, previous: string[]) => [...previous, value],
      [],
    )
    .option('--concurrency <n>', 'jobs run at once (default: the cores)')
    .option(
      '--threads <n>',
      "worker threads the task bodies run on; 0: on the worker's own thread, for light tasks (default: min(concurrency, cores))",
    )
    .option('--redis <url>', 'Redis (default: TIDEFLOW_REDIS_URL or redis://127.0.0.1:6379)')
    .option('--cache <path>', `the task cache of scheduled flow runs (default: ${DEFAULT_CACHE})`)
    .action(async (_opts: unknown, cmd: Command) => {
      const opts = cmd.optsWithGlobals<WorkerOptions>();
      const concurrency = count('--concurrency', opts.concurrency, 1000);
      const threads = opts.threads === '0' ? 0 : count('--threads', opts.threads, 256);
      const modules = opts.module.map((m) => moduleUrl(io, m));
      for (const [i, url] of modules.entries()) {
        if (url.startsWith('file:') && !existsSync(fileURLToPath(url)))
          throw new CliError(`--module ${opts.module[i]}: there is no file ${fileURLToPath(url)}.`);
      }
      if (modules.some((m) => TYPESCRIPT.test(extname(new URL(m).pathname)))) {
        // TypeScript modules (and what they import) load through tsx's loader, kept for the worker's life.
        const { register } = await import('tsx/esm/api');
        register();
      }
      // The store that scheduled runs record in: refused now if it cannot be opened, not at a run.
      await (await openStore(io, opts.trackingUri, { create: true })).close();
      const logger = stderrLogger(io);
      const runFlow = (data: FlowJobData): Promise<void> =>
        runFlowProcess(io, data, { trackingUri: opts.trackingUri, cache: opts.cache });
      // Loaded here: BullMQ and ioredis are not part of every other command's start-up.
      const { startWorker } = await import('@tideflow/runner-bullmq');
      const worker = await startWorker({
        connection: redisUrl(io, opts.redis),
        queue: opts.queue,
        modules,
        concurrency,
        threads,
        logger,
        runFlow,
      });
      io.stdout(
        `worker ${worker.name} serving queue "${opts.queue}" (${modules.length} module${modules.length === 1 ? '' : 's'})\n`,
      );
      await stopSignal();
      await worker.close();
    });
}
