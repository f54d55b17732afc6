import type { Command } from 'commander';
import type { Deployment, Deployments } from '@tideflow/runner-bullmq';
import type { CliIo } from '../context.js';
import type { GlobalOptions } from '../program.js';
import { printJson } from '../format/json.js';
import { renderTable } from '../format/table.js';
import { formatTime } from '../format/values.js';
import { outputWidth } from '../format/width.js';
import { DEFAULT_QUEUE, redisUrl } from './worker.js';

/** The options of every `tideflow deployments` command. */
interface DeploymentsOptions extends GlobalOptions {
  queue: string;
  redis?: string;
  json?: boolean;
}

/** Runs `fn` with the queue's deployments, closing the connection afterwards. */
async function withDeployments<T>(
  io: CliIo,
  opts: DeploymentsOptions,
  fn: (d: Deployments) => Promise<T>,
): Promise<T> {
  // Loaded here: BullMQ and ioredis are not part of every other command's start-up.
  const { Deployments } = await import('@tideflow/runner-bullmq');
  const deployments = new Deployments({ connection: redisUrl(io, opts.redis), queue: opts.queue });
  try {
    return await fn(deployments);
  } finally {
    await deployments.close();
  }
}

/** A deployment as `ls --json` prints it. */
function deploymentJson(d: Deployment) {
  return {
    name: d.name,
    flow: d.flow,
    cron: d.cron,
    tz: d.tz ?? null,
    params: [...d.params],
    paused: d.paused,
    created_at: d.createdAt,
    next_run: d.next ?? null,
  };
}

/** `tideflow deployments ls|pause|resume|delete`: the schedules made by `tideflow deploy`. */
export function registerDeployments(program: Command, io: CliIo): void {
  const group = program
    .command('deployments')
    .description('List, pause, resume and delete the schedules made by `tideflow deploy`.');
  const common = (cmd: Command): Command =>
    cmd
      .option('--queue <name>', 'the queue of the deployments', DEFAULT_QUEUE)
      .option('--redis <url>', 'Redis (default: TIDEFLOW_REDIS_URL or redis://127.0.0.1:6379)');

  common(group.command('ls').description('List the deployments of a queue.'))
    .option('--json', 'print JSON')
    .action(async (_opts: unknown, cmd: Command) => {
      const opts = cmd.optsWithGlobals<DeploymentsOptions>();
      const list = await withDeployments(io, opts, (d) => d.list());
      if (opts.json) {
        io.stdout(printJson(list.map(deploymentJson)));
        return;
      }
      const rows = list.map((d) => [
        d.name,
        d.paused ? 'paused' : 'active',
        d.cron + (d.tz ? ` (${d.tz})` : ''),
        d.paused ? '-' : formatTime(d.next),
        d.flow,
        d.params.join(' '),
      ]);
      io.stdout(
        renderTable(
          [
            { header: 'NAME', min: 8 },
            { header: 'STATE' },
            { header: 'CRON' },
            { header: 'NEXT RUN' },
            { header: 'FLOW', min: 12 },
            { header: 'PARAMS' },
          ],
          rows,
          outputWidth(io, opts.wide),
        ),
      );
    });

  const change = (verb: 'pause' | 'resume' | 'delete', description: string, done: string) =>
    common(group.command(verb).description(description))
      .argument('<name>', 'the deployment')
      .action(async (name: string, _opts: unknown, cmd: Command) => {
        const opts = cmd.optsWithGlobals<DeploymentsOptions>();
        await withDeployments(io, opts, async (d) => {
          await d[verb](name);
        });
        io.stdout(`${done} ${name}\n`);
      });
  change('pause', 'Stop scheduling a deployment (it stays listed).', 'paused');
  change('resume', 'Schedule a paused deployment again.', 'resumed');
  change('delete', 'Delete a deployment and its schedule.', 'deleted');
}
