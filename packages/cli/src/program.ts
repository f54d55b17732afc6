import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { COMMANDS } from './commands/index.js';
import type { CliIo } from './context.js';

/** Options every command sees (declared on the program, usable before or after the command). */
export interface GlobalOptions {
  /** `--tracking-uri`. */
  trackingUri?: string;
  /** `--wide`: tables never cut cells, even on a terminal. */
  wide?: boolean;
}

/** The version of `@tideflow/cli`, from its package.json (next to `src/` and `dist/`). */
export const CLI_VERSION: string = (
  JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
    version: string;
  }
).version;

/**
 * Builds the `tideflow` program: global options, then every command module in
 * `commands/index.ts`. Output goes through `io`; errors throw instead of exiting (see `main`).
 */
export function createProgram(io: CliIo): Command {
  const program = new Command('tideflow')
    .description('Workflow orchestration and experiment tracking for TypeScript.')
    .version(CLI_VERSION, '-V, --version', 'print the version of tideflow')
    .option(
      '--tracking-uri <uri>',
      'tracking store: sqlite:///relative.db or sqlite:////absolute.db (default: .tideflow/tideflow.db; env TIDEFLOW_TRACKING_URI)',
    )
    .option('--wide', 'never cut table cells to fit the terminal (piped output is never cut)')
    .configureOutput({
      writeOut: (s) => io.stdout(s),
      writeErr: (s) => io.stderr(s),
    })
    .exitOverride()
    .showHelpAfterError('(run with --help for usage)');
  for (const register of COMMANDS) register(program, io);
  return program;
}
