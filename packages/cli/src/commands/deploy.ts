import { resolve } from 'node:path';
import type { Command } from 'commander';
import type { CliIo } from '../context.js';
import type { GlobalOptions } from '../program.js';
import { formatTime } from '../format/values.js';
import { loadFlow, parseFlowReference } from './flow-module.js';
import { flowArguments } from './flow-params.js';
import { DEFAULT_QUEUE, redisUrl } from './worker.js';

/** The options of `tideflow deploy`. */
interface DeployOptions extends GlobalOptions {
  cron: string;
  param: string[];
  name?: string;
  tz?: string;
  queue: string;
  redis?: string;
}

/**
 * `tideflow deploy FILE:FLOW --cron "0 3 * * *" [--param k=v ...] [--name N] [--tz Z]`: schedules
 * runs of a flow (a BullMQ job scheduler on the queue); the queue's `tideflow worker` processes run
 * them as ordinary flow runs. The flow, its parameters and the pattern are checked first: a bad one
 * is an error and nothing is written.
 */
export function registerDeploy(program: Command, io: CliIo): void {
  program
    .command('deploy')
    .description(
      'Schedule runs of FILE:FLOW on a cron pattern; `tideflow worker` processes run them.',
    )
    .argument('<flow>', 'FILE:FLOW, a flow exported by a .js or .ts module')
    .requiredOption(
      '--cron <pattern>',
      'when to run: a cron pattern, e.g. "0 3 * * *" (6 fields: seconds first)',
    )
    .option(
      '--param <name=value>',
      'a parameter of the flow, e.g. n=5 (repeatable)',
      (value: string, previous: string[]) => [...previous, value],
      [],
    )
    .option('--name <name>', "the deployment's name (default: the flow's name)")
    .option(
      '--tz <zone>',
      'the time zone of the pattern, e.g. Europe/Paris (default: the workers’)',
    )
    .option('--queue <name>', 'the queue whose workers run it', DEFAULT_QUEUE)
    .option('--redis <url>', 'Redis (default: TIDEFLOW_REDIS_URL or redis://127.0.0.1:6379)')
    .action(async (ref: string, _opts: unknown, cmd: Command) => {
      const opts = cmd.optsWithGlobals<DeployOptions>();
      // Loaded here: BullMQ and ioredis are not part of every other command's start-up.
      const { Deployments, checkCron } = await import('@tideflow/runner-bullmq');
      checkCron(opts.cron, opts.tz);
      const { file, exportName } = parseFlowReference(ref);
      const loaded = await loadFlow(ref, io.cwd);
      let name: string;
      try {
        // The parameters are checked as `tideflow run` checks them, now rather than at the first run.
        await flowArguments(loaded.flow.definition, { assignments: opts.param });
        name = opts.name ?? loaded.flow.definition.name;
      } finally {
        await loaded.release();
      }
      const deployments = new Deployments({
        connection: redisUrl(io, opts.redis),
        queue: opts.queue,
      });
      try {
        const d = await deployments.deploy({
          name,
          flow: `${resolve(io.cwd, file)}:${exportName}`,
          cron: opts.cron,
          ...(opts.tz ? { tz: opts.tz } : {}),
          params: opts.param,
        });
        io.stdout(
          `deployed ${d.name}: ${ref} on "${d.cron}"${d.tz ? ` (${d.tz})` : ''}, queue "${opts.queue}"; next run ${formatTime(d.next)}\n`,
        );
      } finally {
        await deployments.close();
      }
    });
}
