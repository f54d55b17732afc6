import { Queue } from 'bullmq';
import parser from 'cron-parser';
import type { Redis, RedisOptions } from 'ioredis';
import { InvalidOptionError } from '@tideflow/core';
import { describeConnection, redisOptions, type RedisConnection } from './connection.js';
import { DeploymentError, RedisUnavailableError } from './errors.js';
import { queueKeys, type QueueKeys } from './keys.js';
import { FLOW_JOB, type FlowJobData } from './protocol.js';
import { within } from './within.js';

/** What `tideflow deploy` schedules: a flow, its parameters and when it runs. */
export interface DeploymentSpec {
  /** The deployment's name (letters, digits, `_`, `.`, `-`). */
  readonly name: string;
  /** `FILE:FLOW`, the file absolute (workers load it from that path). */
  readonly flow: string;
  /** A cron pattern (5 fields, or 6 with seconds first), e.g. `0 3 * * *`. */
  readonly cron: string;
  /** The time zone of the pattern (IANA name). @default the worker's */
  readonly tz?: string;
  /** `name=value` parameter assignments, as `tideflow run --param` takes them. */
  readonly params: readonly string[];
}

/** A stored deployment, as `deployments ls` lists it. */
export interface Deployment extends DeploymentSpec {
  /** Whether its schedule is paused. */
  readonly paused: boolean;
  /** When it was deployed (ms since the epoch). */
  readonly createdAt: number;
  /** When its next run is due (ms since the epoch), unless paused. */
  readonly next?: number;
}

/** Options of {@link Deployments}. */
export interface DeploymentsOptions {
  /** Where Redis is. */
  connection: RedisConnection;
  /** The queue whose workers run the scheduled flow runs. */
  queue: string;
  /** BullMQ's key prefix. @default "bull" */
  prefix?: string;
  /**
   * How long to wait for Redis to answer at first, in ms; then the call fails with
   * {@link RedisUnavailableError} (a stopped or unreachable server), rather than wait on.
   *
   * @default 5000
   */
  connectTimeoutMs?: number;
}

const NAME = /^[\w.-]{1,100}$/;

/**
 * Checks a cron pattern (and time zone) as BullMQ will read it.
 *
 * @throws DeploymentError naming the pattern and what is wrong.
 */
export function checkCron(cron: string, tz?: string): void {
  const fields = cron.trim().split(/\s+/).length;
  if (fields < 5 || fields > 6) {
    throw new DeploymentError(
      `Cron pattern "${cron}" has ${fields} field${fields === 1 ? '' : 's'}; a cron pattern has 5 (minute hour day month weekday) or 6 (seconds first).`,
    );
  }
  try {
    parser.parseExpression(cron, tz ? { tz } : {}).next();
  } catch (error) {
    throw new DeploymentError(
      `Cron pattern "${cron}"${tz ? ` (time zone ${tz})` : ''} is not a valid cron pattern: ${(error as Error).message}.`,
      {
        cause: error,
      },
    );
  }
}

/** Checks a deployment's name. */
function checkName(name: string): void {
  if (!NAME.test(name) || name === '__proto__') {
    throw new DeploymentError(
      `Deployment name "${name}" must be 1 to 100 letters, digits, "_", "." or "-".`,
    );
  }
}

/**
 * The deployments of a queue: flow runs on a cron schedule (BullMQ job schedulers), run by the
 * queue's `tideflow worker` processes as ordinary flow runs. A paused deployment keeps its
 * definition (in a Redis hash beside the queue) but has no scheduler until it is resumed.
 */
export class Deployments {
  private readonly queue: Queue;
  private readonly keys: QueueKeys;
  private readonly connection: RedisOptions;
  private readonly connectTimeoutMs: number;
  /** The connection once Redis answered (each call waits for it, within `connectTimeoutMs`). */
  private connected?: Promise<Redis>;

  constructor(options: DeploymentsOptions) {
    const prefix = options.prefix ?? 'bull';
    this.connectTimeoutMs = options.connectTimeoutMs ?? 5000;
    if (!Number.isSafeInteger(this.connectTimeoutMs) || this.connectTimeoutMs < 1) {
      throw new InvalidOptionError(
        `Deployments: option connectTimeoutMs must be an integer ≥ 1, got ${String(options.connectTimeoutMs)}.`,
      );
    }
    this.connection = redisOptions(options.connection, {
      maxRetriesPerRequest: 3,
      connectTimeout: this.connectTimeoutMs,
    });
    this.queue = new Queue(options.queue, { connection: this.connection, prefix });
    this.queue.on('error', () => {});
    this.keys = queueKeys(prefix, options.queue);
  }

  /** The queue's Redis client, once Redis answered; RedisUnavailableError after `connectTimeoutMs`. */
  private redis(): Promise<Redis> {
    this.connected ??= within(
      this.queue.waitUntilReady().then(async () => (await this.queue.client) as unknown as Redis),
      this.connectTimeoutMs,
      () =>
        new RedisUnavailableError(
          `Redis at ${describeConnection(this.connection)} did not answer within ${this.connectTimeoutMs} ms (queue "${this.queue.name}"): is redis-server running there?`,
        ),
    );
    // A failed attempt is not kept: the next call tries again.
    this.connected.catch(() => (this.connected = undefined));
    return this.connected;
  }

  /**
   * Creates or replaces a deployment and schedules it.
   *
   * @throws DeploymentError for a bad name or cron pattern, before anything is written.
   */
  async deploy(spec: DeploymentSpec): Promise<Deployment> {
    checkName(spec.name);
    checkCron(spec.cron, spec.tz);
    const deployment: Deployment = {
      name: spec.name,
      flow: spec.flow,
      cron: spec.cron,
      ...(spec.tz ? { tz: spec.tz } : {}),
      params: [...spec.params],
      paused: false,
      createdAt: Date.now(),
    };
    await (await this.redis()).hset(this.keys.deployments, spec.name, JSON.stringify(deployment));
    await this.schedule(deployment);
    return (await this.get(spec.name))!;
  }

  private async schedule(d: Deployment): Promise<void> {
    const data: FlowJobData = { deployment: d.name, flow: d.flow, params: d.params };
    await this.queue.upsertJobScheduler(
      d.name,
      { pattern: d.cron, ...(d.tz ? { tz: d.tz } : {}) },
      { name: FLOW_JOB, data, opts: { removeOnComplete: 100, removeOnFail: 100 } },
    );
  }

  /** One deployment, or undefined. */
  async get(name: string): Promise<Deployment | undefined> {
    const raw = await (await this.redis()).hget(this.keys.deployments, name);
    if (raw === null) return undefined;
    const stored = JSON.parse(raw) as Deployment;
    const scheduler = stored.paused ? undefined : await this.queue.getJobScheduler(name);
    return { ...stored, ...(scheduler?.next ? { next: scheduler.next } : {}) };
  }

  /** Every deployment of the queue, by name. */
  async list(): Promise<Deployment[]> {
    const names = Object.keys(await (await this.redis()).hgetall(this.keys.deployments)).sort();
    const all = await Promise.all(names.map((n) => this.get(n)));
    return all.filter((d): d is Deployment => d !== undefined);
  }

  private async existing(name: string): Promise<Deployment> {
    const d = await this.get(name);
    if (!d) {
      const names = (await this.list()).map((x) => x.name);
      throw new DeploymentError(
        `There is no deployment "${name}" on queue "${this.queue.name}" (deployments: ${names.length ? names.join(', ') : 'none'}).`,
      );
    }
    return d;
  }

  private async store(d: Deployment): Promise<void> {
    const { next: _next, ...stored } = d;
    await (await this.redis()).hset(this.keys.deployments, d.name, JSON.stringify(stored));
  }

  /** Stops scheduling `name` (its definition stays). @throws DeploymentError when there is none. */
  async pause(name: string): Promise<Deployment> {
    const d = await this.existing(name);
    await this.queue.removeJobScheduler(name);
    const paused = { ...d, paused: true };
    await this.store(paused);
    return (await this.get(name))!;
  }

  /** Schedules a paused deployment again. @throws DeploymentError when there is none. */
  async resume(name: string): Promise<Deployment> {
    const d = await this.existing(name);
    const resumed = { ...d, paused: false };
    await this.store(resumed);
    await this.schedule(resumed);
    return (await this.get(name))!;
  }

  /** Deletes `name` and its schedule. @throws DeploymentError when there is none. */
  async delete(name: string): Promise<void> {
    await this.existing(name);
    await this.queue.removeJobScheduler(name);
    await (await this.redis()).hdel(this.keys.deployments, name);
  }

  /** Closes the connection. */
  async close(): Promise<void> {
    await this.queue.close();
  }
}
