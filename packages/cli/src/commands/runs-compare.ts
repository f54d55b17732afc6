import type { Command } from 'commander';
import type { Run } from '@tideflow/core';
import type { CliIo } from '../context.js';
import { CliError, withStore } from '../context.js';
import { jsonNumber, printJson, runJson } from '../format/json.js';
import type { JsonValue } from '../format/json.js';
import { distinctLabels } from '../format/labels.js';
import { renderTable } from '../format/table.js';
import { formatDuration, formatNumber, formatTime, shortId } from '../format/values.js';
import type { GlobalOptions } from '../program.js';
import { experimentsById, resolveRun, runDuration } from './shared.js';
import { outputWidth } from '../format/width.js';

const LABEL_MAX = 26;
const RUN_COLUMN_MIN = 16;

/** `tideflow runs compare RUN RUN...`. */
export function registerRunsCompare(runs: Command, io: CliIo): void {
  runs
    .command('compare')
    .description(
      'Compare runs side by side: attributes, params and latest metrics (* marks rows that differ).',
    )
    .argument('<runs...>', 'two or more run ids, id prefixes or names')
    .option('--json', 'print JSON')
    .action(async (refs: string[], _opts: unknown, cmd: Command) => {
      const opts = cmd.optsWithGlobals<GlobalOptions & { json?: boolean }>();
      if (refs.length < 2) throw new CliError('runs compare needs at least two runs.');
      await withStore(io, opts.trackingUri, async (tracker) => {
        const selected: Run[] = [];
        for (const ref of refs) selected.push(await resolveRun(tracker, ref));
        const experiments = await experimentsById(tracker);
        const paramKeys = [...new Set(selected.flatMap((r) => Object.keys(r.data.params)))].sort();
        const metricKeys = [
          ...new Set(selected.flatMap((r) => Object.keys(r.data.metrics))),
        ].sort();
        if (opts.json) {
          const column = (get: (r: Run) => JsonValue | undefined) =>
            selected.map((r) => get(r) ?? null);
          io.stdout(
            printJson({
              runs: selected.map((r) => runJson(r, experiments.get(r.info.experimentId))),
              params: Object.fromEntries(
                paramKeys.map((k) => [k, column((r) => r.data.params[k])]),
              ),
              metrics: Object.fromEntries(
                metricKeys.map((k) => [
                  k,
                  column((r) => (k in r.data.metrics ? jsonNumber(r.data.metrics[k]) : undefined)),
                ]),
              ),
            }),
          );
          return;
        }
        const rows: [string, string[]][] = [
          ['name', selected.map((r) => r.info.name)],
          [
            'experiment',
            selected.map((r) => experiments.get(r.info.experimentId)?.name ?? r.info.experimentId),
          ],
          ['status', selected.map((r) => r.info.status)],
          ['started', selected.map((r) => formatTime(r.info.startTime))],
          ['duration', selected.map((r) => formatDuration(runDuration(r)))],
          ...paramKeys.map((k): [string, string[]] => [
            `params.${k}`,
            selected.map((r) => r.data.params[k] ?? '-'),
          ]),
          ...metricKeys.map((k): [string, string[]] => [
            `metrics.${k}`,
            selected.map((r) => formatNumber(r.data.metrics[k])),
          ]),
        ];
        const width = outputWidth(io, opts.wide);
        // Long param names (`params.config.models.gaussian…`) lose their middle, not their end.
        const names = distinctLabels(
          rows.map(([label]) => label),
          width === Infinity ? Infinity : LABEL_MAX - 2,
        );
        const labeled = rows.map(([, values], i): [string, string[]] => [
          (new Set(values).size > 1 ? '* ' : '  ') + names[i],
          values,
        ]);
        const labelWidth = Math.max(...labeled.map(([l]) => [...l].length));
        // As many runs per table as fit at their minimum width; more runs continue below.
        const perTable = Math.max(1, Math.floor((width - labelWidth) / (RUN_COLUMN_MIN + 2)));
        const tables: string[] = [];
        for (let start = 0; start < selected.length; start += perTable) {
          const idx = selected.map((_, i) => i).slice(start, start + perTable);
          tables.push(
            renderTable(
              [
                { header: '', min: labelWidth },
                ...idx.map((i) => ({
                  header: shortId(selected[i].info.runId),
                  min: RUN_COLUMN_MIN,
                })),
              ],
              labeled.map(([label, values]) => [label, ...idx.map((i) => values[i])]),
              width,
            ),
          );
        }
        io.stdout(tables.join('\n'));
      });
    });
}
