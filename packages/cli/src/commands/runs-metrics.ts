import type { Command } from 'commander';
import type { CliIo } from '../context.js';
import { CliError, withStore } from '../context.js';
import { jsonNumber, printJson } from '../format/json.js';
import { renderTable } from '../format/table.js';
import { formatNumber, formatTime } from '../format/values.js';
import { outputWidth } from '../format/width.js';
import type { GlobalOptions } from '../program.js';
import { resolveRun } from './shared.js';

/** `tideflow runs metrics RUN KEY`: the metric's history with steps. */
export function registerRunsMetrics(runs: Command, io: CliIo): void {
  runs
    .command('metrics')
    .description("Print a metric's history: every logged point with its step and time.")
    .argument('<run>', 'run id, id prefix or name')
    .argument('<key>', 'metric name')
    .option('--json', 'print JSON')
    .action(async (ref: string, key: string, _opts: unknown, cmd: Command) => {
      const opts = cmd.optsWithGlobals<GlobalOptions & { json?: boolean }>();
      await withStore(io, opts.trackingUri, async (tracker) => {
        const run = await resolveRun(tracker, ref);
        const points = await tracker.getMetricHistory(run.info.runId, key);
        if (points.length === 0) {
          const known = Object.keys(run.data.metrics).sort().join(', ') || 'none';
          throw new CliError(
            `Run ${run.info.runId} has no metric "${key}" (its metrics: ${known}).`,
          );
        }
        if (opts.json) {
          io.stdout(
            printJson({
              runId: run.info.runId,
              key,
              history: points.map((p) => ({
                step: p.step,
                timestamp: p.timestamp,
                value: jsonNumber(p.value),
              })),
            }),
          );
          return;
        }
        io.stdout(
          renderTable(
            [
              { header: 'STEP', align: 'right' },
              { header: 'VALUE', align: 'right' },
              { header: 'TIME' },
            ],
            points.map((p) => [String(p.step), formatNumber(p.value), formatTime(p.timestamp)]),
            outputWidth(io, opts.wide),
          ),
        );
      });
    });
}
