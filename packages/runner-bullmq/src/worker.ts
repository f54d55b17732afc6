import { availableParallelism, hostname } from 'node:os';
import { Worker, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import {
  InvalidOptionError,
  MemoryTracker,
  WorkerPoolTaskRunner,
  runTaskBody,
  configure,
  defaultRegistry,
  defaultSerializers,
  encodeError,
  silentLogger,
  type CacheStore,
  type Logger,
  type RunContext,
  type Tracker,
} from '@tideflow/core';
import { describeConnection, redisOptions, type RedisConnection } from './connection.js';
import { RedisUnavailableError, TaskNotFoundError } from './errors.js';
import { ForwardingRecorder } from './forwarding-recorder.js';
import { JobChannel } from './job-channel.js';
import { LazyAbort } from './lazy-abort.js';
import { within } from './within.js';
import { queueKeys } from './keys.js';
import {
  getPayload,
  inlineValue,
  isStored,
  pack,
  putPayload,
  type Payload,
  type PayloadStore,
} from './payload.js';
import {
  FLOW_JOB,
  type CallPayload,
  type FlowJobData,
  type TaskJobData,
  type TaskJobResult,
} from './protocol.js';

/** Options of {@link startWorker}. */
export interface TideflowWorkerOptions {
  /** Where Redis is: `redis://host:port/db` or ioredis options. */
  connection: RedisConnection;
  /** The queue to serve (the runner's `queue`). */
  queue: string;
  /**
   * The modules that define the tasks (URLs or package names), imported before the first job:
   * each task is found by its registered name in the default registry.
   */
  modules?: readonly string[];
  /**
   * Jobs run at once.
   *
   * @default os.availableParallelism()
   */
  concurrency?: number;
  /**
   * Worker threads the task bodies run on, so that a CPU-bound body never stalls the renewal of
   * the job locks, which this process's event loop does. `0` runs the bodies on this process's
   * own thread: the fastest for light and I/O-bound tasks, but a body that holds the CPU for
   * longer than `lockDurationMs` then loses its job to another worker.
   *
   * @default min(concurrency, os.availableParallelism())
   */
  threads?: number;
  /**
   * How long a job's lock lasts without renewal, in ms: a worker that dies holding jobs loses them
   * to another worker within about `lockDurationMs + stalledIntervalMs`.
   *
   * @default 4000
   */
  lockDurationMs?: number;
  /**
   * How often this worker looks for stalled jobs (of dead workers), in ms.
   *
   * @default 2000
   */
  stalledIntervalMs?: number;
  /**
   * How many times a job may stall (its worker die) before it fails for good.
   *
   * @default 5
   */
  maxStalledCount?: number;
  /**
   * How long a body's awaited `track.*` call waits for the flow's answer, in ms.
   *
   * @default 30000
   */
  callTimeoutMs?: number;
  /** How long the worker waits for Redis when it starts, in ms. @default 10000 */
  connectTimeoutMs?: number;
  /** BullMQ's key prefix. @default "bull" */
  prefix?: string;
  /** Results larger than this many bytes go back by reference. @default 65536 */
  inlineLimit?: number;
  /** How long a result stored by reference lives, in ms. @default 3600000 */
  payloadTtlMs?: number;
  /** Where the worker's own logs go. @default silentLogger */
  logger?: Logger;
  /** The tracker of the flows this worker runs itself (scheduled runs). @default a MemoryTracker */
  tracker?: Tracker;
  /** The task cache of the flows this worker runs itself. @default an in-memory store */
  cacheStore?: CacheStore;
  /**
   * Runs a scheduled flow run's job; without it such jobs fail. What it awaits must leave this
   * process's event loop free (a child process, a worker thread): a run that holds the CPU here
   * for longer than `lockDurationMs` loses its job, which BullMQ then runs again. The CLI runs each
   * in a `tideflow run` process of its own.
   */
  runFlow?: (data: FlowJobData) => Promise<unknown>;
  /** The worker's name in errors and logs. @default "host:pid" */
  name?: string;
}

/** A running worker: {@link TideflowWorker.close} stops it. */
export interface TideflowWorker {
  /** The worker's name (`host:pid`). */
  readonly name: string;
  /** The queue it serves. */
  readonly queue: string;
  /** Stops taking jobs, waits for the running ones, and closes its connections and threads. */
  close(): Promise<void>;
}

function positive(name: string, value: number | undefined, fallback: number): number {
  const n = value ?? fallback;
  if (!Number.isSafeInteger(n) || n < 1) {
    throw new InvalidOptionError(
      `startWorker: option ${name} must be an integer ≥ 1, got ${String(value)}.`,
    );
  }
  return n;
}

/**
 * Starts a worker that serves a BullMQ queue for {@link BullMQTaskRunner}: it imports `modules`,
 * takes task jobs, finds each task by its registered name and runs its body on a worker-thread
 * pool ({@link WorkerPoolTaskRunner}), sending log lines and `track.*` calls back to the flow; a
 * task it does not know fails with {@link TaskNotFoundError}. Scheduled flow runs (`tideflow
 * deploy`) run here too, through `runFlow`. `tideflow worker` is this function behind a command.
 *
 * @example
 * ```ts
 * const worker = await startWorker({ connection: 'redis://127.0.0.1:6379', queue: 'ml', modules: [new URL('./tasks.js', import.meta.url).href] });
 * process.on('SIGTERM', () => void worker.close());
 * ```
 */
export async function startWorker(options: TideflowWorkerOptions): Promise<TideflowWorker> {
  const cores = availableParallelism();
  const concurrency = positive('concurrency', options.concurrency, cores);
  const threads =
    options.threads === 0 ? 0 : positive('threads', options.threads, Math.min(concurrency, cores));
  const lockDuration = positive('lockDurationMs', options.lockDurationMs, 4000);
  const stalledInterval = positive('stalledIntervalMs', options.stalledIntervalMs, 2000);
  const maxStalledCount = positive('maxStalledCount', options.maxStalledCount, 5);
  const callTimeoutMs = positive('callTimeoutMs', options.callTimeoutMs, 30_000);
  const connectTimeoutMs = positive('connectTimeoutMs', options.connectTimeoutMs, 10_000);
  const inlineLimit = options.inlineLimit ?? 65_536;
  const ttlMs = positive('payloadTtlMs', options.payloadTtlMs, 3_600_000);
  const prefix = options.prefix ?? 'bull';
  const name = options.name ?? `${hostname()}:${process.pid}`;
  const logger = options.logger ?? silentLogger;
  const modules = [...(options.modules ?? [])];
  const connection = redisOptions(options.connection, { maxRetriesPerRequest: null });
  const keys = queueKeys(prefix, options.queue);

  for (const module of modules) {
    try {
      await import(module);
    } catch (error) {
      throw new InvalidOptionError(
        `Worker ${name} cannot load module ${module}: ${(error as Error).message}`,
      );
    }
  }
  const redis = new Redis(connection);
  redis.on('error', () => {});
  try {
    await within(
      redis.ping(),
      connectTimeoutMs,
      () => new Error(`no answer within ${connectTimeoutMs} ms`),
    );
  } catch (error) {
    redis.disconnect();
    throw new RedisUnavailableError(
      `Worker ${name} cannot reach Redis at ${describeConnection(connection)} (queue "${options.queue}"): ${(error as Error).message}`,
      { cause: error },
    );
  }
  const recorder = new ForwardingRecorder(
    Promise.resolve(options.tracker ?? new MemoryTracker()),
    logger,
  );
  configure({
    tracking: recorder,
    logger,
    ...(options.cacheStore ? { cacheStore: options.cacheStore } : {}),
  });
  const pool = threads > 0 ? new WorkerPoolTaskRunner({ threads }) : undefined;
  const store: PayloadStore = { redis, keys, inlineLimit, ttlMs };

  const outcome = (ok: boolean, payload: Payload): TaskJobResult =>
    ok ? { ok, value: payload, worker: name } : { ok, error: payload, worker: name };
  /** A job's result: at once when it travels inline (no promise on the hot path). */
  const result = (ok: boolean, value: unknown): TaskJobResult | Promise<TaskJobResult> => {
    const payload = putPayload(store, pack(value, inlineLimit));
    return payload instanceof Promise
      ? payload.then((stored) => outcome(ok, stored))
      : outcome(ok, payload);
  };

  /** The cancellation of each running task job, by job id (the flow asks on `keys.cancel`). */
  const running = new Map<string, LazyAbort>();

  const runTask = async (job: Job<TaskJobData>): Promise<TaskJobResult> => {
    const data = job.data;
    const def = defaultRegistry.get(data.taskName);
    if (!def || def.kind !== 'task') {
      return result(false, encodeError(new TaskNotFoundError(data.taskName, name, modules)));
    }
    const channel = new JobChannel(job, redis, keys, callTimeoutMs);
    const release =
      data.tracked && data.flowRunId ? recorder.forward(data.flowRunId, channel) : undefined;
    const abort = new LazyAbort();
    running.set(job.id!, abort);
    try {
      const call = data.call;
      const encoded = (
        isStored(call) ? await getPayload(redis, call) : inlineValue(call)
      ) as CallPayload;
      const thisArg = defaultSerializers.decode(encoded.thisArg);
      const args = encoded.args.map((a) => defaultSerializers.decode(a));
      const parameters: Record<string, unknown> = {};
      args.forEach((a, i) => (parameters[def.paramNames[i] ?? `arg${i}`] = a));
      const context: RunContext = {
        flowRunId: data.flowRunId,
        taskRunId: data.taskRunId,
        name: def.name,
        attempt: data.attempt,
        parameters,
        get signal() {
          return abort.signal;
        },
        logger: channel.logger(),
      };
      const value = pool
        ? await pool.submit({
            taskRunId: data.taskRunId,
            taskName: def.name,
            args,
            tags: def.tags,
            def,
            thisArg,
            execute: (executor) => executor!.run({ def, thisArg, args, context }) as Promise<never>,
          })
        : await runTaskBody(def, thisArg, args, context);
      if (channel.busy) await channel.drained();
      const done = result(true, defaultSerializers.encode(value, 'result'));
      return done instanceof Promise ? await done : done;
    } catch (error) {
      if (channel.busy) await channel.drained();
      return result(false, encodeError(error));
    } finally {
      running.delete(job.id!);
      release?.();
    }
  };

  const runFlowJob = async (job: Job<FlowJobData>): Promise<unknown> => {
    if (!options.runFlow) {
      throw new Error(
        `Worker ${name} cannot run scheduled flow runs (deployment "${job.data.deployment}"): it was started without runFlow.`,
      );
    }
    await options.runFlow(job.data);
    return { worker: name };
  };

  const worker = new Worker(
    options.queue,
    // Two parameters: BullMQ then makes no AbortSignal per job (5 µs each on Node 20); the
    // worker keeps its own, made when a body asks for it.
    (job: Job) =>
      job.name === FLOW_JOB
        ? runFlowJob(job as Job<FlowJobData>)
        : runTask(job as Job<TaskJobData>),
    {
      connection,
      prefix,
      concurrency,
      lockDuration,
      stalledInterval,
      maxStalledCount,
      autorun: false,
    },
  );
  worker.on('error', (error) =>
    logger.warn({ worker: name, error: error.message }, 'BullMQ worker error'),
  );

  // Flows ask workers to stop a running job on this channel (each worker stops its own).
  const subscriber = redis.duplicate();
  subscriber.on('error', () => {});
  subscriber.on('message', (_channel: string, jobId: string) =>
    running.get(jobId)?.abort('cancelled by its flow'),
  );
  await subscriber.subscribe(keys.cancel);
  await worker.waitUntilReady();
  void worker
    .run()
    .catch((error: unknown) =>
      logger.error({ worker: name, error: String(error) }, 'BullMQ worker stopped'),
    );
  logger.info(
    { worker: name, queue: options.queue, concurrency, threads, modules },
    'worker ready',
  );

  return {
    name,
    queue: options.queue,
    async close() {
      await worker.close();
      await pool?.close();
      subscriber.disconnect();
      redis.disconnect();
    },
  };
}
