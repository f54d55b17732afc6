import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import type { CliIo } from '../context.js';
import { CliError, withStore } from '../context.js';
import { printJson } from '../format/json.js';
import { renderTable } from '../format/table.js';
import { formatBytes, formatTime } from '../format/values.js';
import { outputWidth } from '../format/width.js';
import type { GlobalOptions } from '../program.js';
import { resolveRun } from './shared.js';

/** Media types whose bytes are text, printable on a terminal. */
function isText(mediaType: string): boolean {
  return (
    mediaType.startsWith('text/') ||
    mediaType === 'application/json' ||
    mediaType === 'image/svg+xml' ||
    mediaType.endsWith('+json') ||
    mediaType.endsWith('+xml')
  );
}

/** `tideflow runs artifacts ls RUN [PATH]` and `tideflow runs artifacts get RUN PATH [-o FILE]`. */
export function registerRunsArtifacts(runs: Command, io: CliIo): void {
  const group = runs.command('artifacts').description("List and download a run's artifacts.");
  group
    .command('ls')
    .description("List a run's artifacts, optionally only those under PATH.")
    .argument('<run>', 'run id, id prefix or name')
    .argument('[path]', 'a path prefix, e.g. plots/')
    .option('--json', 'print JSON')
    .action(async (ref: string, prefix: string | undefined, _opts: unknown, cmd: Command) => {
      const opts = cmd.optsWithGlobals<GlobalOptions & { json?: boolean }>();
      await withStore(io, opts.trackingUri, async (tracker) => {
        const run = await resolveRun(tracker, ref);
        const artifacts = await tracker.listArtifacts(run.info.runId, prefix);
        if (opts.json) {
          io.stdout(
            printJson({ runId: run.info.runId, artifacts: artifacts.map((a) => ({ ...a })) }),
          );
          return;
        }
        if (artifacts.length === 0) {
          io.stdout(
            `Run ${run.info.runId} has no artifacts${prefix === undefined ? '' : ` under ${prefix}`}.\n`,
          );
          return;
        }
        io.stdout(
          renderTable(
            [
              { header: 'PATH', min: 16 },
              { header: 'TYPE' },
              { header: 'SIZE', align: 'right' },
              { header: 'LOGGED' },
            ],
            artifacts.map((a) => [a.path, a.type, formatBytes(a.size), formatTime(a.createdAt)]),
            outputWidth(io, opts.wide),
          ),
        );
      });
    });
  group
    .command('get')
    .description('Write an artifact to a file (-o), or print it when it is text.')
    .argument('<run>', 'run id, id prefix or name')
    .argument('<path>', "the artifact's path, as `runs artifacts ls` shows it")
    .option('-o, --output <file>', 'write the bytes to this file')
    .action(async (ref: string, path: string, _opts: unknown, cmd: Command) => {
      const opts = cmd.optsWithGlobals<GlobalOptions & { output?: string }>();
      await withStore(io, opts.trackingUri, async (tracker) => {
        const run = await resolveRun(tracker, ref);
        const info = (await tracker.listArtifacts(run.info.runId, path)).find(
          (a) => a.path === path,
        );
        const bytes = await tracker.readArtifact(run.info.runId, path);
        if (opts.output !== undefined) {
          const file = resolve(io.cwd, opts.output);
          writeFileSync(file, bytes);
          io.stdout(`Wrote ${formatBytes(bytes.length)} to ${file}.\n`);
          return;
        }
        if (info && !isText(info.mediaType)) {
          throw new CliError(
            `${path} is ${info.mediaType}, not text; pass -o FILE to write it to a file.`,
          );
        }
        io.stdout(new TextDecoder().decode(bytes));
      });
    });
}
