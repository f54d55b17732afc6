import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { assertSafeBind } from '@tideflow/core';
import { openStore } from '../context.js';
import type { CliIo } from '../context.js';
import { stderrLogger } from './shared.js';

interface StartOptions {
  host: string;
  port: number;
  trackingUri?: string;
  allowedHosts: string[];
  corsOrigins: string[];
  token?: string;
}

/** A TCP port, 0-65535. */
function parsePort(value: string): number {
  if (!/^\d{1,5}$/.test(value) || Number(value) > 65535)
    throw new InvalidArgumentError(`"${value}" is not a port (0-65535).`);
  return Number(value);
}

/** A comma-separated list, appended to earlier uses of the option. */
function commaList(value: string, previous: string[]): string[] {
  return [
    ...previous,
    ...value
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== ''),
  ];
}

/** Resolves once the process gets SIGINT or SIGTERM. */
export function stopSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const stop = (signal: NodeJS.Signals) => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve(signal);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

/** `tideflow server start [--host] [--port] [--tracking-uri] [--allowed-hosts] [--cors-origins] [--token]`. */
export function registerServer(program: Command, io: CliIo): void {
  const server = program.command('server').description('The tracking server (MLflow REST API).');
  server
    .command('start')
    .description(
      'Serve the tracking store over HTTP until interrupted (Ctrl-C). Off loopback a token is required.',
    )
    .option('--host <host>', 'interface to listen on', '127.0.0.1')
    .option('--port <port>', 'port to listen on (0: any free port)', parsePort, 4200)
    .option(
      '--allowed-hosts <names>',
      'extra Host header names to accept, comma-separated',
      commaList,
      [],
    )
    .option(
      '--cors-origins <origins>',
      'browser origins allowed to call the API, comma-separated',
      commaList,
      [],
    )
    .option('--token <token>', 'bearer token every request must carry (default: TIDEFLOW_TOKEN)')
    .action(async (_local: unknown, cmd: Command) => {
      // --tracking-uri is the program's own option: the store to serve.
      const opts = cmd.optsWithGlobals<StartOptions>();
      const token = opts.token ?? io.env.TIDEFLOW_TOKEN;
      // Refuse an unsafe bind before the store is opened (or created).
      assertSafeBind(opts.host, token);
      const tracker = await openStore(io, opts.trackingUri, { create: true });
      try {
        // Loaded here: the HTTP stack is not part of every other command's start-up.
        const { createServer } = await import('@tideflow/server');
        const s = await createServer({
          tracker,
          host: opts.host,
          port: opts.port,
          allowedHosts: opts.allowedHosts,
          corsOrigins: opts.corsOrigins,
          logger: stderrLogger(io),
          ...(token === undefined ? {} : { token }),
        });
        const url = await s.listen();
        io.stdout(`tideflow server listening on ${url} (OpenAPI: ${url}/api/openapi.json)\n`);
        await stopSignal();
        await s.close();
      } finally {
        await tracker.close();
      }
    });
}
