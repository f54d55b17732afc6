import type { BullMQTaskRunner } from '@tideflow/runner-bullmq';
import { CliError } from '../context.js';

/**
 * The task runner of `tideflow run clustering --runner bullmq://host:port[/queue][?db=N]`: the
 * pipeline's family searches then run on the `tideflow worker` processes of that queue (default
 * queue `tideflow`), wherever they are.
 *
 * @throws CliError naming `--runner` for anything but a bullmq:// URL with a valid queue name.
 */
export async function bullmqRunner(uri: string): Promise<BullMQTaskRunner> {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    throw new CliError(`--runner must be a bullmq://host:port/queue URL, got "${uri}".`);
  }
  if (url.protocol !== 'bullmq:' || !url.hostname) {
    throw new CliError(`--runner must be a bullmq://host:port/queue URL, got "${uri}".`);
  }
  const queue = decodeURIComponent(url.pathname.replace(/^\//, '')) || 'tideflow';
  const db = url.searchParams.get('db') ?? '0';
  if (!/^\d{1,2}$/.test(db))
    throw new CliError(`--runner: ?db= must be a database number, got "${db}".`);
  const auth = url.username ? `${url.username}${url.password ? `:${url.password}` : ''}@` : '';
  // Loaded here: BullMQ and ioredis are not part of every other command's start-up.
  const { BullMQTaskRunner } = await import('@tideflow/runner-bullmq');
  try {
    return new BullMQTaskRunner({
      connection: `redis://${auth}${url.host}/${db}`,
      queue,
    });
  } catch (error) {
    throw new CliError(`--runner "${uri}": ${(error as Error).message}`);
  }
}
