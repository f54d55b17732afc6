import { InvalidArgumentError } from 'commander';
import type { Command } from 'commander';
import { parseOrderBy, parseSearchFilter } from '@tideflow/core';
import type { Column } from '../format/table.js';
import type { CliIo } from '../context.js';
import { withStore } from '../context.js';
import { printJson, runJson } from '../format/json.js';
import { renderTable } from '../format/table.js';
import { formatDuration, formatNumber, formatTime, shortId } from '../format/values.js';
import type { GlobalOptions } from '../program.js';
import { experimentsById, resolveExperimentIds, runDuration } from './shared.js';

interface LsOptions extends GlobalOptions {
  experiment: string[];
  filter?: string;
  orderBy: string[];
  maxResults?: number;
  pageToken?: string;
  json?: boolean;
}

const collect = (value: string, previous: string[]) => [...previous, value];

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 1)
    throw new InvalidArgumentError('expected a positive integer.');
  return n;
}

/** The metric keys a filter or order-by mentions: worth a column of their own. */
function mentionedMetrics(filter: string | undefined, orderBy: readonly string[]): string[] {
  const keys = [...orderBy.map(parseOrderBy), ...parseSearchFilter(filter)]
    .filter((c) => c.entity === 'metric')
    .map((c) => c.key);
  return [...new Set(keys)].slice(0, 3);
}

/** `tideflow runs ls`. */
export function registerRunsLs(runs: Command, io: CliIo): void {
  runs
    .command('ls')
    .description('List runs, newest first, with MLflow filter and order-by syntax.')
    .option(
      '-e, --experiment <name-or-id>',
      'only runs of this experiment (repeatable)',
      collect,
      [],
    )
    .option('-f, --filter <filter>', `e.g. "metrics.acc > 0.9 and params.model = 'svm'"`)
    .option('-o, --order-by <clause>', 'e.g. "metrics.acc DESC" (repeatable)', collect, [])
    .option('-n, --max-results <n>', 'at most this many runs (default 1000)', positiveInt)
    .option('--page-token <token>', 'continue from the nextPageToken of a --json listing')
    .option('--json', 'print JSON')
    .action(async (_opts: unknown, cmd: Command) => {
      const opts = cmd.optsWithGlobals<LsOptions>();
      await withStore(io, opts.trackingUri, async (tracker) => {
        const experimentIds = opts.experiment.length
          ? await resolveExperimentIds(tracker, opts.experiment)
          : undefined;
        const result = await tracker.searchRuns({
          ...(experimentIds && { experimentIds }),
          ...(opts.filter !== undefined && { filter: opts.filter }),
          orderBy: opts.orderBy,
          ...(opts.maxResults !== undefined && { maxResults: opts.maxResults }),
          ...(opts.pageToken !== undefined && { pageToken: opts.pageToken }),
        });
        const experiments = await experimentsById(tracker);
        if (opts.json) {
          io.stdout(
            printJson({
              runs: result.runs.map((r) => runJson(r, experiments.get(r.info.experimentId))),
              nextPageToken: result.nextPageToken ?? null,
            }),
          );
          return;
        }
        const metricKeys = mentionedMetrics(opts.filter, opts.orderBy);
        const columns: Column[] = [
          { header: 'RUN ID', min: 8 },
          { header: 'NAME', min: 8 },
          { header: 'EXPERIMENT', min: 8 },
          { header: 'STATUS', min: 8 },
          { header: 'STARTED', min: 16 },
          { header: 'DURATION', align: 'right', min: 8 },
          ...metricKeys.map((k): Column => ({ header: k, align: 'right', min: 6 })),
        ];
        const rows = result.runs.map((r) => [
          shortId(r.info.runId),
          r.info.name,
          experiments.get(r.info.experimentId)?.name ?? r.info.experimentId,
          r.info.status,
          formatTime(r.info.startTime),
          formatDuration(runDuration(r)),
          ...metricKeys.map((k) => formatNumber(r.data.metrics[k])),
        ]);
        io.stdout(renderTable(columns, rows, io.columns ?? 80));
        if (result.nextPageToken) io.stdout(`(more runs: --page-token ${result.nextPageToken})\n`);
      });
    });
}
