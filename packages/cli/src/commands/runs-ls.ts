import { InvalidArgumentError } from 'commander';
import type { Command } from 'commander';
import { TAG_PARENT_RUN_ID, parseOrderBy, parseSearchFilter } from '@tideflow/core';
import type { Column } from '../format/table.js';
import type { CliIo } from '../context.js';
import { withStore } from '../context.js';
import { printJson, runJson } from '../format/json.js';
import { renderTable } from '../format/table.js';
import { formatDuration, formatNumber, formatTime, shortId } from '../format/values.js';
import type { GlobalOptions } from '../program.js';
import { experimentsById, resolveExperimentIds, resolveRun, runDuration } from './shared.js';
import { outputWidth } from '../format/width.js';

interface LsOptions extends GlobalOptions {
  experiment: string[];
  filter?: string;
  orderBy: string[];
  maxResults?: number;
  pageToken?: string;
  json?: boolean;
  all?: boolean;
  parent?: string;
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

const quote = (s: string): string => `'${s.replaceAll("'", "''")}'`;

/** The filter of a listing: the user's, and top-level runs only (or one run's children). */
function scopedFilter(filter: string | undefined, all: boolean, parentId?: string): string {
  const scope = parentId
    ? `tags.\`${TAG_PARENT_RUN_ID}\` = ${quote(parentId)}`
    : all
      ? undefined
      : `tags.\`${TAG_PARENT_RUN_ID}\` IS NULL`;
  return [filter, scope].filter((c) => c !== undefined && c.trim() !== '').join(' and ');
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
    .option('-a, --all', 'include child runs (subflows); default: top-level runs only')
    .option('--parent <run>', "only this run's child runs")
    .option('--json', 'print JSON')
    .action(async (_opts: unknown, cmd: Command) => {
      const opts = cmd.optsWithGlobals<LsOptions>();
      await withStore(io, opts.trackingUri, async (tracker) => {
        const experimentIds = opts.experiment.length
          ? await resolveExperimentIds(tracker, opts.experiment)
          : undefined;
        const parentId = opts.parent
          ? (await resolveRun(tracker, opts.parent)).info.runId
          : undefined;
        const filter = scopedFilter(opts.filter, opts.all ?? false, parentId);
        const result = await tracker.searchRuns({
          ...(experimentIds && { experimentIds }),
          ...(filter && { filter }),
          orderBy: opts.orderBy,
          ...(opts.maxResults !== undefined && { maxResults: opts.maxResults }),
          ...(opts.pageToken !== undefined && { pageToken: opts.pageToken }),
        });
        const experiments = await experimentsById(tracker);
        const children = await tracker.countChildRuns(result.runs.map((r) => r.info.runId));
        if (opts.json) {
          io.stdout(
            printJson({
              runs: result.runs.map((r) => ({
                ...runJson(r, experiments.get(r.info.experimentId)),
                childCount: children.get(r.info.runId) ?? 0,
              })),
              nextPageToken: result.nextPageToken ?? null,
            }),
          );
          return;
        }
        const metricKeys = mentionedMetrics(opts.filter, opts.orderBy);
        // The column appears when some listed run has child runs.
        const withChildren = [...children.values()].some((n) => n > 0);
        const columns: Column[] = [
          { header: 'RUN ID', min: 8 },
          { header: 'NAME', min: 8 },
          { header: 'EXPERIMENT', min: 8 },
          { header: 'STATUS', min: 8 },
          { header: 'STARTED', min: 16 },
          { header: 'DURATION', align: 'right', min: 8 },
          ...(withChildren ? [{ header: 'CHILDREN', align: 'right', min: 3 } as Column] : []),
          ...metricKeys.map((k): Column => ({ header: k, align: 'right', min: 6 })),
        ];
        const rows = result.runs.map((r) => [
          shortId(r.info.runId),
          r.info.name,
          experiments.get(r.info.experimentId)?.name ?? r.info.experimentId,
          r.info.status,
          formatTime(r.info.startTime),
          formatDuration(runDuration(r)),
          ...(withChildren ? [String(children.get(r.info.runId) ?? 0)] : []),
          ...metricKeys.map((k) => formatNumber(r.data.metrics[k])),
        ]);
        io.stdout(renderTable(columns, rows, outputWidth(io, opts.wide)));
        if (result.nextPageToken) io.stdout(`(more runs: --page-token ${result.nextPageToken})\n`);
      });
    });
}
