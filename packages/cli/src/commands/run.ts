import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { Command } from 'commander';
import type { PipelineResult } from '@tideflow/models';
import { CliError, type CliIo } from '../context.js';
import { printJson } from '../format/json.js';
import { renderTable, truncate } from '../format/table.js';
import { DEFAULT_CACHE } from './cache.js';
import { isFlowReference } from './flow-module.js';
import { openRunEnvironment } from './run-environment.js';
import { runUserFlow, type UserFlowOptions } from './run-flow.js';
import { parseWorkers, workerRunner } from './run-workers.js';
import { bullmqRunner } from './worker-runner.js';

/** Options of `tideflow run`. */
interface RunOptions extends UserFlowOptions {
  dim?: string;
  data?: string;
  label?: string;
  testData?: string;
  config?: string;
  set: string[];
  modelName?: string;
  promote?: boolean;
  workers?: string;
  runner?: string;
}

const collect = (value: string, previous: string[]): string[] => [...previous, value];

/** The overrides that the command's flags stand for. */
function flagOverrides(opts: RunOptions, cwd: string): Record<string, unknown> {
  const data: Record<string, unknown> = {};
  if (opts.dim !== undefined) {
    const dim = Number(opts.dim);
    if (dim !== 2 && dim !== 3) throw new CliError(`--dim must be 2 or 3, got "${opts.dim}".`);
    data.dim = dim;
  }
  if (opts.data) Object.assign(data, { source: 'csv', path: resolve(cwd, opts.data) });
  if (opts.label) data.label = opts.label;
  if (opts.testData) data.testPath = resolve(cwd, opts.testData);
  if (opts.dim !== undefined && opts.data)
    throw new CliError(
      '--dim sets the dimension of generated clusters; it cannot be used with --data.',
    );
  if ((opts.label || opts.testData) && !opts.data)
    throw new CliError('--label and --test-data need --data FILE.csv.');
  const registry: Record<string, unknown> = {};
  if (opts.modelName !== undefined) registry.name = opts.modelName;
  if (opts.promote) registry.promote = true;
  return {
    ...(Object.keys(data).length ? { data } : {}),
    ...(Object.keys(registry).length ? { registry } : {}),
  };
}

const f4 = (v: number): string => (Number.isFinite(v) ? v.toFixed(4) : String(v));

/** The summary printed at the end of a run. */
export function formatSummary(result: PipelineResult, reportPath: string, width: number): string {
  const table = renderTable(
    [
      { header: 'MODEL', min: 12 },
      { header: 'CV SCORE', align: 'right' },
      { header: 'TEST ACC', align: 'right' },
      { header: 'LOG LOSS', align: 'right' },
    ],
    result.families
      .slice()
      .sort((a, b) => b.cvScore - a.cvScore)
      .map((f) => [f.family, f4(f.cvScore), f4(f.testAccuracy), f4(f.testLogLoss)]),
    width,
  );
  const c = result.conformal;
  const r = result.registration;
  return (
    [
      table.trimEnd(),
      '',
      `selected   ${result.model}`,
      `calibrated ${result.calibration}`,
      `cv score   ${f4(result.cvScore)}${result.members.length > 1 ? ' (the vote)' : ''}   test accuracy ${f4(result.testAccuracy)}   test log loss ${f4(result.testLogLoss)}`,
      `conformal  ${c.method}, alpha ${c.alpha}: coverage ${f4(c.coverage)}, mean set size ${c.meanSize.toFixed(2)}`,
      `run        ${result.runId ?? '(not tracked)'}`,
      `registry   ${r ? `${r.name} v${r.version}: ${r.summary}` : '(not registered: tracking is off)'}`,
      `report     ${reportPath}`,
      '',
    ]
      .join('\n')
      .split('\n')
      // The report path and the registry's sentence are read whole, whatever the width.
      .map((line) => (/^(report|registry) /.test(line) ? line : truncate(line, width)))
      .join('\n')
  );
}

/** The built-in flows `tideflow run` knows by name. */
const BUILT_IN = ['clustering'];

/** The options that only the built-in pipeline takes, by their flag. */
const PIPELINE_FLAGS: [keyof RunOptions, string][] = [
  ['dim', '--dim'],
  ['data', '--data'],
  ['label', '--label'],
  ['testData', '--test-data'],
  ['config', '--config'],
  ['modelName', '--model-name'],
  ['promote', '--promote'],
  ['workers', '--workers'],
  ['runner', '--runner'],
];

/** Refuses the options that belong to the other kind of flow. */
function checkFlags(opts: RunOptions, userFlow: boolean): void {
  if (userFlow) {
    const used = PIPELINE_FLAGS.filter(([key]) => opts[key] !== undefined).map(([, f]) => f);
    if (opts.set.length) used.push('--set');
    if (used.length)
      throw new CliError(
        `${used.join(', ')} configure the built-in clustering flow; a flow from a file takes --param name=value and --params FILE.`,
      );
  } else if (opts.param.length || opts.params !== undefined) {
    throw new CliError(
      '--param and --params pass parameters to a flow from a file (FILE:FLOW); configure the built-in clustering flow with --set and --config.',
    );
  }
}

/**
 * `tideflow run clustering [...]`: the clustering-classification pipeline on the embedded SQLite
 * defaults; `tideflow run FILE:FLOW [--param k=v ...]`: a flow from a user's module, on the same
 * store, cache and progress view.
 */
export function registerRun(program: Command, io: CliIo): void {
  program
    .command('run')
    .description(
      'Run a flow: the built-in clustering pipeline, or FILE:FLOW, a flow exported by a .js or .ts module.',
    )
    .argument('<flow>', 'clustering, or FILE:FLOW (e.g. flows.ts:train, pipeline.js:Pipeline.run)')
    .option(
      '--param <name=value>',
      'a parameter of a FILE:FLOW flow, e.g. n=5 or cfg.seed=7 (repeatable)',
      collect,
      [],
    )
    .option('--params <file>', 'a YAML or JSON file of parameters of a FILE:FLOW flow')
    .option('--dim <n>', 'generate 2D or 3D clusters (data.dim)')
    .option('--data <file>', 'train on this CSV instead of generated clusters')
    .option('--label <column>', 'the label column of the CSV (default: the last one)')
    .option('--test-data <file>', 'a CSV used as the test split')
    .option('--config <file>', 'a YAML or JSON configuration file')
    .option(
      '--set <key=value>',
      'override one configuration key, e.g. models.knn.nNeighbors=[5,15] (repeatable)',
      collect,
      [],
    )
    .option(
      '--model-name <name>',
      'register the model under this name (registry.name; default: one name per data signature)',
    )
    .option(
      '--promote',
      "make this run's model the champion even if it does not beat the current one (registry.promote)",
    )
    .option(
      '--workers <n>',
      'worker threads of the family searches of the clustering flow (1 = in-process; default: the cores)',
    )
    .option(
      '--runner <uri>',
      'run the family searches on `tideflow worker` processes: bullmq://host:port/queue (instead of --workers)',
    )
    .option('--cache <path>', `the task cache file (default: ${DEFAULT_CACHE})`)
    .option('--quiet', 'print only the final summary')
    .option('--json', 'print one JSON object with the results, nothing else on stdout')
    .action(async (flowName: string, _opts: unknown, cmd: Command) => {
      const opts = cmd.optsWithGlobals<RunOptions>();
      const userFlow = !BUILT_IN.includes(flowName) && isFlowReference(flowName);
      checkFlags(opts, userFlow);
      if (userFlow) return runUserFlow(flowName, opts, io);
      if (!BUILT_IN.includes(flowName))
        throw new CliError(
          `Unknown flow "${flowName}"; the built-in flows are: ${BUILT_IN.join(', ')}. A flow from a module is FILE:FLOW (e.g. flows.ts:train).`,
        );
      if (opts.runner !== undefined && opts.workers !== undefined)
        throw new CliError(
          '--runner and --workers both say where the family searches run; give one.',
        );
      const workers = parseWorkers(opts.workers);
      // Loaded here: the models are not part of every other command's start-up.
      const { ClusteringPipeline, resolvePipelineConfig } = await import('@tideflow/models');
      const config = await resolvePipelineConfig({
        file: opts.config ? resolve(io.cwd, opts.config) : undefined,
        set: opts.set,
        overrides: flagOverrides(opts, io.cwd),
      });
      const env = await openRunEnvironment(io, opts);
      let result: PipelineResult;
      let reportFile: string | undefined;
      // One pool for the whole run (its workers stay warm), closed at the end so the process exits.
      const taskRunner = opts.runner ? await bullmqRunner(opts.runner) : workerRunner(workers);
      try {
        result = await new ClusteringPipeline({ taskRunner }).run(config);
        if (result.runId)
          reportFile = await env.tracker.localArtifactPath(result.runId, result.report);
      } finally {
        await taskRunner?.close();
        await env.close();
      }
      // Untracked runs (TIDEFLOW_DISABLED=1) and stores without local files (a remote store, which
      // holds the report as an artifact) get a copy under .tideflow/ to open.
      const reportPath = reportFile ?? join(io.cwd, '.tideflow', 'report.html');
      if (!reportFile) {
        mkdirSync(dirname(reportPath), { recursive: true });
        writeFileSync(reportPath, result.html);
      }
      if (opts.json) {
        io.stdout(
          printJson({
            run_id: result.runId ?? null,
            model: result.model,
            cv_score: result.cvScore,
            test_accuracy: result.testAccuracy,
            test_log_loss: result.testLogLoss,
            conformal_coverage: result.conformalCoverage,
            conformal_mean_size: result.conformalMeanSize,
            report: reportPath,
            registered_model: result.registration && {
              name: result.registration.name,
              version: result.registration.version,
              champion: {
                moved: result.registration.champion.moved,
                reason: result.registration.champion.reason,
                previous: result.registration.champion.previous,
                candidate: result.registration.champion.candidate,
                summary: result.registration.summary,
              },
            },
            families: result.families.map((f) => ({
              family: f.family,
              cv_score: f.cvScore,
              test_accuracy: f.testAccuracy,
              test_log_loss: f.testLogLoss,
            })),
          }),
        );
        return;
      }
      io.stdout(formatSummary(result, reportPath, io.columns ?? 80));
    });
}
