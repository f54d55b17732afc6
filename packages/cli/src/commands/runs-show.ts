import type { Command } from 'commander';
import {
  TAG_GIT_COMMIT,
  TAG_PARENT_RUN_ID,
  TAG_RUN_NAME,
  TAG_SOURCE_NAME,
  TAG_USER,
  TAG_FLOW_NAME,
} from '@tideflow/core';
import type { Run, TaskRunRecord, Tracker } from '@tideflow/core';
import type { CliIo } from '../context.js';
import { withStore } from '../context.js';
import { jsonNumber, printJson, runJson, sortedRecord } from '../format/json.js';
import { renderTable, truncate } from '../format/table.js';
import { formatBytes, formatDuration, formatNumber, formatTime } from '../format/values.js';
import type { GlobalOptions } from '../program.js';
import { experimentsById, resolveRun, runDuration } from './shared.js';
import { outputWidth } from '../format/width.js';

const SYSTEM_TAGS = new Set([
  TAG_RUN_NAME,
  TAG_PARENT_RUN_ID,
  TAG_SOURCE_NAME,
  TAG_GIT_COMMIT,
  TAG_USER,
]);

/** Every run nested under `runId` (subflows, their subflows, ...), parents before children. */
async function descendants(tracker: Tracker, runId: string): Promise<Run[]> {
  const out: Run[] = [];
  let level = [runId];
  while (level.length) {
    const next: string[] = [];
    for (const parent of level) {
      const { runs } = await tracker.searchRuns({
        filter: `tags.\`${TAG_PARENT_RUN_ID}\` = '${parent}'`,
        orderBy: ['attributes.start_time ASC'],
      });
      out.push(...runs);
      next.push(...runs.map((r) => r.info.runId));
    }
    level = next;
  }
  return out;
}

/** `tideflow runs show RUN`. */
export function registerRunsShow(runs: Command, io: CliIo): void {
  runs
    .command('show')
    .description(
      'Show a run: params, latest metrics, tags, dataset inputs, task runs, artifacts and models.',
    )
    .argument('<run>', 'run id, unique id prefix, or unique run name')
    .option('--json', 'print JSON')
    .action(async (ref: string, _opts: unknown, cmd: Command) => {
      const opts = cmd.optsWithGlobals<GlobalOptions & { json?: boolean }>();
      await withStore(io, opts.trackingUri, async (tracker) => {
        const run = await resolveRun(tracker, ref);
        const id = run.info.runId;
        const [flowRun, ownTaskRuns, artifacts, models, experiments, children, inputs] =
          await Promise.all([
            tracker.getFlowRun(id),
            tracker.listTaskRuns(id),
            tracker.listArtifacts(id),
            tracker.listLoggedModels(id),
            experimentsById(tracker),
            descendants(tracker, id),
            tracker.getRunInputs(id),
          ]);
        // A flow's task runs include those of its subflows (child runs), each with the run it ran in.
        const taskRuns: (TaskRunRecord & { runId: string })[] = ownTaskRuns.map((t) => ({
          ...t,
          runId: id,
        }));
        for (const child of children) {
          for (const t of await tracker.listTaskRuns(child.info.runId))
            taskRuns.push({ ...t, runId: child.info.runId });
        }
        const experiment = experiments.get(run.info.experimentId);
        if (opts.json) {
          io.stdout(
            printJson({
              run: runJson(run, experiment),
              flowRun: flowRun
                ? {
                    flowName: flowRun.flowName,
                    state: flowRun.state,
                    stateHistory: flowRun.stateHistory as never,
                    parameters: flowRun.parameters as never,
                  }
                : null,
              childRuns: children.map((c) => ({
                runId: c.info.runId,
                name: c.info.name,
                parentRunId: c.info.parentRunId,
                status: c.info.status,
                flowName: c.data.tags[TAG_FLOW_NAME] ?? null,
              })),
              inputs: inputs as never,
              taskRuns: taskRuns as never,
              artifacts: artifacts as never,
              models: models.map((m) => ({
                ...m,
                metrics: sortedRecord(m.metrics, jsonNumber),
              })) as never,
            }),
          );
          return;
        }
        const width = outputWidth(io, opts.wide);
        const field = (label: string, value: string) =>
          `  ${label.padEnd(11)} ${truncate(value, width - 14)}\n`;
        let out = `Run ${id}\n`;
        out += field('Name', run.info.name);
        out += field('Experiment', `${experiment?.name ?? '?'} (${run.info.experimentId})`);
        out += field(
          'Status',
          run.info.status + (run.info.lifecycleStage === 'deleted' ? ' (deleted)' : ''),
        );
        out += field('Started', formatTime(run.info.startTime));
        out += field('Ended', formatTime(run.info.endTime));
        out += field('Duration', formatDuration(runDuration(run)));
        if (run.info.parentRunId) out += field('Parent', run.info.parentRunId);
        if (run.data.tags[TAG_SOURCE_NAME]) out += field('Source', run.data.tags[TAG_SOURCE_NAME]);
        if (run.data.tags[TAG_USER]) out += field('User', run.data.tags[TAG_USER]);
        if (run.data.tags[TAG_GIT_COMMIT])
          out += field('Git commit', run.data.tags[TAG_GIT_COMMIT]);
        if (flowRun) out += field('Flow', `${flowRun.flowName}: ${flowRun.state}`);
        const section = (title: string, table: string | null) => {
          out += `\n${title}\n`;
          out += table === null ? '  (none)\n' : table.replace(/^(?=.)/gm, '  ');
        };
        const kv = (record: Record<string, string>) => {
          const keys = Object.keys(record).sort();
          return keys.length
            ? renderTable(
                [
                  { header: 'KEY', min: 10 },
                  { header: 'VALUE', min: 10 },
                ],
                keys.map((k) => [k, record[k]]),
                width - 2,
              )
            : null;
        };
        section('Params', kv(run.data.params));
        section(
          'Metrics (latest)',
          kv(
            Object.fromEntries(
              Object.entries(run.data.metrics).map(([k, v]) => [k, formatNumber(v)]),
            ),
          ),
        );
        section(
          'Tags',
          kv(
            Object.fromEntries(Object.entries(run.data.tags).filter(([k]) => !SYSTEM_TAGS.has(k))),
          ),
        );
        if (inputs.length) {
          section(
            'Inputs',
            renderTable(
              [
                { header: 'DATASET', min: 10 },
                { header: 'DIGEST', min: 8 },
                { header: 'CONTEXT' },
                { header: 'ROWS', align: 'right' },
                { header: 'SOURCE', min: 10 },
              ],
              inputs.map((i) => [
                i.dataset.name,
                i.dataset.digest,
                i.context ?? '-',
                i.dataset.numRows === null ? '-' : String(i.dataset.numRows),
                i.dataset.source,
              ]),
              width - 2,
            ),
          );
        }
        if (children.length) {
          section(
            'Child runs',
            renderTable(
              [
                { header: 'RUN', min: 8 },
                { header: 'FLOW', min: 10 },
                { header: 'STATUS' },
                { header: 'DURATION', align: 'right' },
              ],
              children.map((c) => [
                c.info.runId.slice(0, 8),
                c.data.tags[TAG_FLOW_NAME] ?? c.info.name,
                c.info.status,
                formatDuration(runDuration(c)),
              ]),
              width - 2,
            ),
          );
        }
        section(
          'Task runs',
          taskRuns.length
            ? renderTable(
                [
                  { header: 'TASK', min: 10 },
                  { header: 'STATE', min: 9 },
                  { header: 'DURATION', align: 'right' },
                  { header: 'TRIES', align: 'right' },
                  { header: 'CACHE' },
                  { header: 'ERROR', min: 5 },
                ],
                // The run's name says what it ran (`searchFamily[svm]` with `taskRunName`); by
                // default it is the task's name. `--json` has both.
                taskRuns.map((t) => [
                  t.taskRunName,
                  t.state,
                  formatDuration(t.durationMs),
                  String(t.attempts),
                  t.cacheKey === null ? '-' : t.cacheHit ? 'hit' : 'miss',
                  t.error ?? '',
                ]),
                width - 2,
              )
            : null,
        );
        section(
          'Artifacts',
          artifacts.length
            ? renderTable(
                [
                  { header: 'PATH', min: 16 },
                  { header: 'TYPE' },
                  { header: 'VERSION', align: 'right' },
                  { header: 'SIZE', align: 'right' },
                ],
                artifacts.map((a) => [
                  a.path,
                  a.type,
                  a.version === null ? '-' : `v${a.version}`,
                  formatBytes(a.size),
                ]),
                width - 2,
              )
            : null,
        );
        if (models.length) {
          section(
            'Models',
            renderTable(
              [
                { header: 'NAME', min: 8 },
                { header: 'FLAVOR', min: 10 },
                { header: 'SIZE', align: 'right' },
              ],
              models.map((m) => [m.name, m.flavor, formatBytes(m.size)]),
              width - 2,
            ),
          );
        }
        io.stdout(out);
      });
    });
}
