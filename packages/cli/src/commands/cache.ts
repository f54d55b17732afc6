import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { cacheInfo, clearCache } from '@tideflow/core';
import { createSqliteCacheStore } from '@tideflow/tracker-sqlite';
import type { CliIo } from '../context.js';
import { CliError } from '../context.js';
import { printJson } from '../format/json.js';
import { renderTable } from '../format/table.js';
import { formatBytes } from '../format/values.js';
import { outputWidth } from '../format/width.js';
import type { GlobalOptions } from '../program.js';

/** The default task cache of flows run from the CLI, relative to the working directory. */
export const DEFAULT_CACHE = join('.tideflow', 'cache.sqlite');

/** `tideflow cache info` and `tideflow cache clear [--task NAME]`. */
export function registerCache(program: Command, io: CliIo): void {
  const cache = program.command('cache').description('Inspect and clear the task-result cache.');
  const pathOption = ['--cache <path>', `cache file (default: ${DEFAULT_CACHE})`] as const;
  const open = (path: string | undefined) =>
    createSqliteCacheStore({ path: resolve(io.cwd, path ?? DEFAULT_CACHE), create: false });
  cache
    .command('info')
    .description('Entries and sizes per task.')
    .option(...pathOption)
    .option('--json', 'print JSON')
    .action(async (_opts: unknown, cmd: Command) => {
      const opts = cmd.optsWithGlobals<GlobalOptions & { cache?: string; json?: boolean }>();
      const store = open(opts.cache);
      try {
        const info = await cacheInfo(store);
        if (opts.json) {
          io.stdout(
            printJson({
              entries: info.entries,
              bytes: info.bytes,
              tasks: info.tasks.map((t) => ({ ...t })),
            }),
          );
          return;
        }
        io.stdout(
          renderTable(
            [
              { header: 'TASK', min: 16 },
              { header: 'ENTRIES', align: 'right' },
              { header: 'SIZE', align: 'right' },
            ],
            [
              ...info.tasks.map((t) => [t.task, String(t.entries), formatBytes(t.bytes)]),
              ['(total)', String(info.entries), formatBytes(info.bytes)],
            ],
            outputWidth(io, opts.wide),
          ),
        );
      } finally {
        await store.disconnect();
      }
    });
  cache
    .command('clear')
    .description('Remove cached results: all of them, or one task’s.')
    .option(...pathOption)
    .option(
      '--task <name>',
      "only this task's entries (its registered name, e.g. ClusteringPipeline.searchFamily)",
    )
    .action(async (opts: { cache?: string; task?: string }) => {
      const store = open(opts.cache);
      try {
        if (opts.task !== undefined) {
          const known = (await cacheInfo(store)).tasks.map((t) => t.task);
          if (!known.includes(opts.task)) {
            throw new CliError(
              `No cached results of task "${opts.task}". Tasks in the cache: ${known.join(', ') || 'none'}.`,
            );
          }
        }
        const removed = await clearCache(store, { task: opts.task });
        io.stdout(
          `Removed ${removed ?? 'all'} cache entr${removed === 1 ? 'y' : 'ies'}${opts.task ? ` of ${opts.task}` : ''}.\n`,
        );
      } finally {
        await store.disconnect();
      }
    });
}
