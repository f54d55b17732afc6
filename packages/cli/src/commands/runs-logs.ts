import type { Command } from 'commander';
import type { CliIo } from '../context.js';
import { CliError, withStore } from '../context.js';
import { printJson } from '../format/json.js';
import { formatTime } from '../format/values.js';
import type { GlobalOptions } from '../program.js';
import { resolveRun } from './shared.js';

type Options = GlobalOptions & { json?: boolean; task?: string; limit?: string };

/** `tideflow runs logs RUN [--task ID] [--limit N]`. */
export function registerRunsLogs(runs: Command, io: CliIo): void {
  runs
    .command('logs')
    .description("Print a run's log lines in the order they were written.")
    .argument('<run>', 'run id, id prefix or name')
    .option('--task <taskRunId>', 'only the lines of this task run')
    .option('--limit <n>', 'at most this many lines (the first ones)')
    .option('--json', 'print JSON')
    .action(async (ref: string, _opts: unknown, cmd: Command) => {
      const opts = cmd.optsWithGlobals<Options>();
      const limit = opts.limit === undefined ? undefined : Number(opts.limit);
      if (limit !== undefined && (!Number.isSafeInteger(limit) || limit < 1))
        throw new CliError(`--limit must be a positive integer, got "${opts.limit}".`);
      await withStore(io, opts.trackingUri, async (tracker) => {
        const run = await resolveRun(tracker, ref);
        const lines = await tracker.getLogs(run.info.runId, {
          ...(opts.task !== undefined && { taskRunId: opts.task }),
          ...(limit !== undefined && { limit }),
        });
        if (opts.json) {
          io.stdout(
            printJson({
              runId: run.info.runId,
              lines: lines.map((l) => ({
                timestamp: l.timestamp,
                level: l.level,
                message: l.message,
                taskRunId: l.taskRunId ?? null,
              })),
            }),
          );
          return;
        }
        if (lines.length === 0) {
          io.stdout(`Run ${run.info.runId} has no log lines.\n`);
          return;
        }
        let out = '';
        for (const l of lines) {
          const seconds = String(new Date(l.timestamp).getSeconds()).padStart(2, '0');
          const task = l.taskRunId ? ` [${l.taskRunId}]` : '';
          out += `${formatTime(l.timestamp)}:${seconds} ${l.level.toUpperCase().padEnd(5)}${task} ${l.message}\n`;
        }
        io.stdout(out);
      });
    });
}
