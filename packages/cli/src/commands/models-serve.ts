import type { Command } from 'commander';
import type { CliIo } from '../context.js';
import { CliError, openStore, resolveTrackingUri } from '../context.js';
import type { GlobalOptions } from '../program.js';
import { MAX_WORKERS } from './run-workers.js';
import { wholeNumberIn } from './shared.js';

interface ServeOptions extends GlobalOptions {
  host: string;
  port: string;
  workers: string;
  token?: string;
  bodyLimit?: string;
}

/** A whole number option within `[min, max]`, or a CliError naming the flag. */
function integerOption(flag: string, value: string, min: number, max: number): number {
  const n = wholeNumberIn(value, min, max);
  if (n === undefined) {
    throw new CliError(`Invalid ${flag} "${value}": give a whole number from ${min} to ${max}.`);
  }
  return n;
}

/** Resolves on SIGINT or SIGTERM (Ctrl-C, `kill`, a container stop). */
function untilStopped(): Promise<string> {
  return new Promise((resolve) => {
    const stop = (signal: string) => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve(signal);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

/** `tideflow models serve MODEL_URI [--host] [--port] [--workers] [--token] [--body-limit]`. */
export function registerModelsServe(models: Command, io: CliIo): void {
  models
    .command('serve')
    .description(
      "Serve a model over MLflow's scoring protocol (/ping, /health, /version, POST /invocations) until Ctrl-C.",
    )
    .argument(
      '<model-uri>',
      'models:/NAME@ALIAS (followed live), models:/NAME/VERSION or runs:/RUN_ID/models/NAME',
    )
    .option(
      '--host <host>',
      'interface to listen on; anything but loopback needs a token',
      '127.0.0.1',
    )
    .option('--port <port>', 'port to listen on (0: a free one)', '5001')
    .option('--workers <n>', 'serving processes sharing the port', '1')
    .option(
      '--token <token>',
      'bearer token /invocations and /version require (default: $TIDEFLOW_TOKEN)',
    )
    .option('--body-limit <bytes>', 'largest request body accepted (default: 64 MiB)')
    .action(async (uri: string, _o: unknown, cmd: Command) => {
      const opts = cmd.optsWithGlobals<ServeOptions>();
      const port = integerOption('--port', opts.port, 0, 65535);
      const workers = integerOption('--workers', opts.workers, 1, MAX_WORKERS);
      const bodyLimit =
        opts.bodyLimit === undefined
          ? undefined
          : integerOption('--body-limit', opts.bodyLimit, 1, Number.MAX_SAFE_INTEGER);
      const token = opts.token ?? (io.env.TIDEFLOW_TOKEN || undefined);
      const common = { host: opts.host, port, token, bodyLimit };
      // Loaded here: the HTTP stack is not part of every other command's start-up.
      const { serveModel, serveModelWorkers } = await import('@tideflow/serving');
      if (workers === 1) {
        const tracker = await openStore(io, opts.trackingUri);
        try {
          const server = await serveModel(uri, { ...common, tracker });
          const served = server.served();
          const what = served.version === null ? served.runId : `${served.name} v${served.version}`;
          io.stdout(`Serving ${uri} (${what}) at ${server.url} with 1 worker; Ctrl-C stops.\n`);
          await untilStopped();
          await server.close();
        } finally {
          await tracker.close();
        }
      } else {
        // Each worker opens the store itself; checking it here gives the CLI's own error first.
        await (await openStore(io, opts.trackingUri)).close();
        const pool = await serveModelWorkers(uri, {
          ...common,
          workers,
          trackingUri: resolveTrackingUri(io, opts.trackingUri),
          cwd: io.cwd,
        });
        io.stdout(`Serving ${uri} at ${pool.url} with ${workers} workers; Ctrl-C stops.\n`);
        await untilStopped();
        await pool.close();
      }
      io.stdout('Stopped.\n');
    });
}
