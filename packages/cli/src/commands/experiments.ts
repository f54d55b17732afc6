import type { Command } from 'commander';
import type { CliIo } from '../context.js';
import { withStore } from '../context.js';
import { printJson, sortedRecord } from '../format/json.js';
import { renderTable } from '../format/table.js';
import { formatTime } from '../format/values.js';
import type { GlobalOptions } from '../program.js';
import { outputWidth } from '../format/width.js';

/** `tideflow experiments ls`. */
export function registerExperiments(program: Command, io: CliIo): void {
  const group = program.command('experiments').description('List experiments.');
  group
    .command('ls')
    .description('List active experiments.')
    .option('--json', 'print JSON')
    .action(async (_opts: unknown, cmd: Command) => {
      const opts = cmd.optsWithGlobals<GlobalOptions & { json?: boolean }>();
      await withStore(io, opts.trackingUri, async (tracker) => {
        const experiments = await tracker.listExperiments();
        if (opts.json) {
          io.stdout(
            printJson({
              experiments: experiments.map((e) => ({
                experimentId: e.experimentId,
                name: e.name,
                lifecycleStage: e.lifecycleStage,
                creationTime: e.creationTime,
                lastUpdateTime: e.lastUpdateTime,
                tags: sortedRecord(e.tags),
              })),
            }),
          );
          return;
        }
        io.stdout(
          renderTable(
            [{ header: 'ID', align: 'right' }, { header: 'NAME', min: 12 }, { header: 'CREATED' }],
            experiments.map((e) => [e.experimentId, e.name, formatTime(e.creationTime)]),
            outputWidth(io, opts.wide),
          ),
        );
      });
    });
}
