import type { Command } from 'commander';
import type { CliIo } from '../context.js';
import { withStore } from '../context.js';
import { printJson, sortedRecord } from '../format/json.js';
import { renderTable } from '../format/table.js';
import { formatTime } from '../format/values.js';
import type { GlobalOptions } from '../program.js';
import { registerModelsAlias } from './models-alias.js';
import { registerModelsServe } from './models-serve.js';
import { registerModelsShow } from './models-show.js';
import { registerModelsTag } from './models-tag.js';
import { outputWidth } from '../format/width.js';

/** `tideflow models ls|show|versions|alias|tag|description`. */
export function registerModels(program: Command, io: CliIo): void {
  const group = program
    .command('models')
    .description(
      'List and inspect registered models; set and delete aliases, tags and descriptions.',
    );
  group
    .command('ls')
    .description('List registered models with their latest version and aliases.')
    .option('--json', 'print JSON')
    .action(async (_opts: unknown, cmd: Command) => {
      const opts = cmd.optsWithGlobals<GlobalOptions & { json?: boolean }>();
      await withStore(io, opts.trackingUri, async (tracker) => {
        const models = await tracker.listRegisteredModels();
        if (opts.json) {
          io.stdout(
            printJson({
              models: models.map((m) => ({
                name: m.name,
                latestVersion: m.latestVersion,
                aliases: sortedRecord(m.aliases),
                description: m.description,
                tags: sortedRecord(m.tags),
                createdAt: m.createdAt,
                updatedAt: m.updatedAt,
              })),
            }),
          );
          return;
        }
        io.stdout(
          renderTable(
            [
              { header: 'NAME', min: 12 },
              { header: 'LATEST', align: 'right' },
              { header: 'ALIASES', min: 10 },
              { header: 'UPDATED' },
            ],
            models.map((m) => [
              m.name,
              m.latestVersion === 0 ? '-' : `v${m.latestVersion}`,
              Object.entries(m.aliases)
                .map(([a, v]) => `${a}=v${v}`)
                .join(', ') || '-',
              formatTime(m.updatedAt),
            ]),
            outputWidth(io, opts.wide),
          ),
        );
      });
    });
  registerModelsShow(group, io);
  registerModelsAlias(group, io);
  registerModelsTag(group, io);
  registerModelsServe(group, io);
}
