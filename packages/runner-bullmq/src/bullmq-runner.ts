import { deserialize, serialize } from 'node:v8';
import { Queue, QueueEvents } from 'bullmq';
import { Redis, type RedisOptions } from 'ioredis';
import {
  InvalidOptionError,
  TaskArgumentError,
  WorkerCrashedError,
  decodeError,
  defaultSerializers,
  encodeCall,
  encodeError,
  getConfig,
  type AttemptCall,
  type EncodedCall,
  type EncodedError,
  type RunContext,
  type SerializerRegistry,
  type TaskJob,
  type TaskRunner,
  type Tracker,
  type TrackingRecorder,
} from '@tideflow/core';
import { AddBatcher } from './add-batcher.js';
import { describeConnection, redisOptions, type RedisConnection } from './connection.js';
import { RedisUnavailableError, TaskNotFoundError } from './errors.js';
import { queueKeys, type QueueKeys } from './keys.js';
import { within } from './within.js';
import {
  dropPayload,
  getPayload,
  inlineValue,
  isStored,
  pack,
  putPayload,
  type Packed,
  type Payload,
  type PayloadStore,
} from './payload.js';
import {
  TASK_JOB,
  type CallAnswer,
  type CallPayload,
  type MessageProgress,
  type TaskJobData,
  type TaskJobResult,
  type WorkerMessage,
} from './protocol.js';

/** Options of {@link BullMQTaskRunner}. */
export interface BullMQTaskRunnerOptions {
  /** Where Redis is: `redis://host:port/db` or ioredis options. */
  connection: RedisConnection;
  /** The BullMQ queue that `tideflow worker --queue` serves. */
  queue: string;
  /**
   * BullMQ's key prefix (the workers must use the same).
   *
   * @default "bull"
   */
  prefix?: string;
  /**
   * Arguments and results larger than this many bytes travel by reference (a Redis key with a TTL),
   * not inside the job.
   *
   * @default 65536
   */
  inlineLimit?: number;
  /**
   * How long a payload stored by reference lives, in ms.
   *
   * @default 3600000
   */
  payloadTtlMs?: number;
  /**
   * How long Redis may be unreachable before the pending task runs fail with
   * {@link RedisUnavailableError}; reconnecting sooner resumes them.
   *
   * @default 10000
   */
  connectionTimeoutMs?: number;
  /**
   * How many events BullMQ keeps in the queue's events stream, which carries completions to the
   * flow (the runner sets it for the queue). A burst of submits larger than about a quarter of it
   * can outrun the flow's reader; a completion it misses is still found after 5 s, in the finished
   * job, which BullMQ keeps for 120 s (at most `maxEvents / 2` of them).
   *
   * @default 100000
   */
  maxEvents?: number;
  /** The serializer registry arguments and results cross with. @default defaultSerializers */
  serializers?: SerializerRegistry;
}

/** The runner's connections to Redis, made on first use. */
interface Clients {
  readonly queue: Queue;
  readonly events: QueueEvents;
  /** A client for payloads, pings and replies. */
  readonly redis: Redis;
  readonly batcher: AddBatcher;
}

/** One attempt waiting for its job's outcome. */
interface Pending {
  readonly taskName: string;
  readonly context: RunContext;
  readonly tracking: TrackingRecorder | undefined;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: unknown) => void;
  /** Answers to tracker calls still being written (the job's result waits for them). */
  readonly calls: Set<Promise<void>>;
  /** When the job was queued or last heard of (ms). */
  seen: number;
  /** Consecutive checks that found the job neither in Redis nor with a result. */
  misses: number;
  /** Whether its result is being read (from the event or from its key: the first one wins). */
  completing: boolean;
}

/**
 * How long BullMQ keeps a finished job (with its result), in seconds: a flow whose events reader
 * missed the completion (the stream is trimmed) reads it from the job. The count kept is bounded
 * too, by the runner's `maxEvents`.
 */
const FINISHED_JOBS_KEPT = 120;

const noop = (): void => {};

/** A pending job not heard of for this long is checked in Redis (its events may have been trimmed). */
const STALE_MS = 5000;
/** Stale jobs checked per heartbeat, at most. */
const CHECKS_PER_BEAT = 200;

/** An attempt's arguments as sent, and whether they are its own (not the job's, shared by attempts). */
interface AttemptPayload {
  readonly payload: Payload;
  readonly owned: boolean;
}

/** Checks an option that must be a whole number of at least `min`. */
function wholeNumber(
  name: string,
  value: number | undefined,
  fallback: number,
  min: number,
): number {
  const n = value ?? fallback;
  if (!Number.isSafeInteger(n) || n < min) {
    throw new InvalidOptionError(
      `BullMQTaskRunner: option ${name} must be an integer ≥ ${min}, got ${String(value)}.`,
    );
  }
  return n;
}

/** Rebuilds a worker's error, as the typed class when it is one of this package's. */
function rebuildError(encoded: EncodedError): Error {
  if (encoded.name === 'TaskNotFoundError') {
    const p = encoded.props as { taskName: string; worker: string; modules: string[] };
    return new TaskNotFoundError(p.taskName, p.worker, p.modules);
  }
  return decodeError(encoded);
}

/**
 * Runs each attempt of a submitted task as a BullMQ job on Redis, executed by `tideflow worker`
 * processes (on this machine or others) that import the task's module and find the task by its
 * registered name. States, retries, timeouts, the cache and tracking stay in the flow's process, in
 * the engine, exactly as with the in-process runner; only each attempt's body runs on a worker.
 * A task is Running from the moment its job is queued.
 *
 * Arguments and results cross through the serializer registry, as JSON when it carries them
 * exactly, else as V8 structured-clone bytes: small ones inside the job, large ones by reference
 * (a Redis key with a TTL). The jobs submitted in one event-loop turn are added in one round trip.
 * An argument that cannot
 * cross throws {@link TaskArgumentError} from `.submit()`, before anything is queued. Log lines,
 * `track.*` calls made in the body reach the flow's run through BullMQ's job progress events.
 *
 * Delivery: every result reaches the flow once (the first outcome of a job wins); a body runs at
 * least once: when a worker dies holding a job, BullMQ's stalled-job check hands it to another
 * worker, which runs the body again (cache the task to make that cheap). Every wait is bounded:
 * Redis unreachable for longer than `connectionTimeoutMs` fails the pending task runs with
 * {@link RedisUnavailableError}, as does a job that vanished from Redis. Cancelling the flow run (or
 * a task timeout) removes the attempt's queued job, or asks the worker running it to stop it.
 *
 * @example
 * ```ts
 * const runner = new BullMQTaskRunner({ connection: 'redis://127.0.0.1:6379', queue: 'ml' });
 * const train = flow(async () => fit.submit(data).result(), { taskRunner: runner });
 * await train();
 * await runner.close();
 * ```
 */
export class BullMQTaskRunner implements TaskRunner {
  readonly name: string;
  /** The queue's name. */
  readonly queue: string;
  private readonly redisOptions: RedisOptions;
  private readonly prefix: string;
  private readonly keys: QueueKeys;
  private readonly inlineLimit: number;
  private readonly ttlMs: number;
  private readonly connectionTimeoutMs: number;
  private readonly maxEvents: number;
  private readonly serializers: SerializerRegistry;
  /** How many finished jobs BullMQ keeps, and for how long. */
  private readonly keepFinished: { age: number; count: number };
  private readonly pending = new Map<string, Pending>();
  /** The jobs to cancel when a signal aborts, by signal. */
  private readonly watched = new WeakMap<AbortSignal, Set<string>>();
  private started?: Promise<Clients>;
  /** The connections, once made. */
  private clients?: Clients;
  private heartbeat?: ReturnType<typeof setInterval>;
  /** When Redis last answered the heartbeat. */
  private lastAnswer = 0;
  private pinging = false;
  private reconciling = false;
  private lostContact = false;

  constructor(options: BullMQTaskRunnerOptions) {
    if (typeof options?.queue !== 'string' || !/^[\w.-]{1,200}$/.test(options.queue)) {
      throw new InvalidOptionError(
        `BullMQTaskRunner: option queue must be a name of letters, digits, "_", "." or "-", got ${JSON.stringify(options?.queue)}.`,
      );
    }
    this.queue = options.queue;
    this.name = `bullmq:${options.queue}`;
    this.redisOptions = redisOptions(options.connection);
    this.prefix = options.prefix ?? 'bull';
    this.keys = queueKeys(this.prefix, this.queue);
    this.inlineLimit = wholeNumber('inlineLimit', options.inlineLimit, 65_536, 0);
    this.ttlMs = wholeNumber('payloadTtlMs', options.payloadTtlMs, 3_600_000, 1000);
    this.connectionTimeoutMs = wholeNumber(
      'connectionTimeoutMs',
      options.connectionTimeoutMs,
      10_000,
      1,
    );
    this.maxEvents = wholeNumber('maxEvents', options.maxEvents, 100_000, 100);
    this.serializers = options.serializers ?? defaultSerializers;
    this.keepFinished = { age: FINISHED_JOBS_KEPT, count: Math.ceil(this.maxEvents / 2) };
  }

  submit<T>(job: TaskJob<T>): Promise<T> {
    const packed = this.encode(job.def.name, job.def.paramNames, job.thisArg, job.args);
    // The job's arguments, stored once for all its attempts.
    let shared: Payload | Promise<Payload> | undefined;
    const attempt = (sent: Payload | Promise<Payload>, owned: boolean) =>
      sent instanceof Promise
        ? sent.then((payload) => ({ payload, owned }))
        : { payload: sent, owned };
    const payloadOf = (
      call: AttemptCall,
      redis: Redis,
    ): AttemptPayload | Promise<AttemptPayload> => {
      // A parameter schema may have replaced the arguments: send what the body will get.
      if (call.args !== job.args || call.thisArg !== job.thisArg) {
        const own = this.encode(call.def.name, call.def.paramNames, call.thisArg, call.args);
        return attempt(this.put(redis, own), true);
      }
      shared ??= this.put(redis, packed);
      return attempt(shared, false);
    };
    const result = job.execute({ run: (call) => this.runAttempt(call, payloadOf) });
    if (!Buffer.isBuffer(packed) || packed.length <= this.inlineLimit) return result;
    return result.finally(() => {
      if (shared) void Promise.resolve(shared).then((payload) => this.drop(payload), noop);
    });
  }

  /** A call packed to travel; TaskArgumentError names what cannot cross. */
  private encode(
    taskName: string,
    paramNames: readonly string[],
    thisArg: unknown,
    args: readonly unknown[],
  ): Packed {
    const call: EncodedCall = encodeCall(this.serializers, taskName, paramNames, thisArg, args);
    const sent: CallPayload =
      call.thisArg === undefined ? { args: call.args } : { thisArg: call.thisArg, args: call.args };
    try {
      return pack(sent, this.inlineLimit);
    } catch (error) {
      throw new TaskArgumentError(
        taskName,
        'arguments',
        `cannot be sent to a worker: ${(error as Error).message}`,
        { cause: error },
      );
    }
  }

  /** Stores arguments: in the job at once, else in Redis within `connectionTimeoutMs`. */
  private put(redis: Redis, packed: Packed): Payload | Promise<Payload> {
    const payload = putPayload(this.store(redis), packed);
    return payload instanceof Promise ? this.bounded(payload, 'storing arguments') : payload;
  }

  private store(redis: Redis): PayloadStore {
    return { redis, keys: this.keys, inlineLimit: this.inlineLimit, ttlMs: this.ttlMs };
  }

  /** Queues one attempt and settles with its job's outcome. */
  private async runAttempt(
    call: AttemptCall,
    payloadOf: (call: AttemptCall, redis: Redis) => AttemptPayload | Promise<AttemptPayload>,
  ): Promise<unknown> {
    const { context, def } = call;
    const { signal } = context;
    const { queue, redis, batcher } = this.clients ?? (await this.start());
    const sent = payloadOf(call, redis);
    const { payload, owned } = sent instanceof Promise ? await sent : sent;
    if (signal.aborted) {
      if (owned) this.drop(payload);
      throw signal.reason;
    }
    this.watch(queue, redis);
    const tracking = getConfig().tracking;
    const flowRunId = context.flowRunId;
    const jobId = `${context.taskRunId!}-${context.attempt}`;
    const data: TaskJobData = {
      taskName: def.name,
      module: def.module,
      flowRunId,
      taskRunId: context.taskRunId!,
      attempt: context.attempt,
      tracked: flowRunId !== undefined && tracking?.has(flowRunId) === true,
      call: payload,
    };
    const outcome = new Promise<unknown>((resolve, reject) => {
      this.pending.set(jobId, {
        taskName: def.name,
        context,
        tracking,
        resolve,
        reject,
        calls: new Set(),
        seen: Date.now(),
        misses: 0,
        completing: false,
      });
    });
    const unwatch = this.onAbort(signal, jobId);
    batcher.add(
      TASK_JOB,
      data,
      {
        jobId,
        removeOnComplete: this.keepFinished,
        removeOnFail: this.keepFinished,
        attempts: 1,
      },
      (error) => this.settle(jobId, undefined, error),
    );
    try {
      return await outcome;
    } finally {
      unwatch();
      if (owned) this.drop(payload);
    }
  }

  /**
   * Cancels `jobId` when `signal` aborts, until the returned function is called. Attempts of one
   * flow run share its signal: one listener per signal serves them all (rather than one each, past
   * Node's listener warning).
   */
  private onAbort(signal: AbortSignal, jobId: string): () => void {
    let jobs = this.watched.get(signal);
    if (!jobs) {
      const watched = new Set<string>();
      jobs = watched;
      this.watched.set(signal, watched);
      signal.addEventListener(
        'abort',
        () => {
          for (const id of watched) {
            this.settle(id, undefined, signal.reason);
            void this.cancel(id);
          }
          watched.clear();
        },
        { once: true },
      );
    }
    const set = jobs;
    set.add(jobId);
    return () => set.delete(jobId);
  }

  /** Deletes a payload stored by reference, without waiting. */
  private drop(payload: Payload): void {
    if (this.started)
      void this.started.then(({ redis }) => dropPayload(redis, payload)).catch(() => {});
  }

  /** `promise`, or RedisUnavailableError when Redis takes longer than `connectionTimeoutMs` for `what`. */
  private bounded<T>(promise: Promise<T>, what: string): Promise<T> {
    return within(
      promise,
      this.connectionTimeoutMs,
      () =>
        new RedisUnavailableError(
          `Redis at ${describeConnection(this.redisOptions)} did not answer within ${this.connectionTimeoutMs} ms ${what} (queue "${this.queue}").`,
        ),
    );
  }

  /** Settles a pending attempt once (later outcomes of the same job are ignored). */
  private settle(jobId: string, value: unknown, error?: unknown): void {
    const pending = this.pending.get(jobId);
    if (!pending) return;
    this.pending.delete(jobId);
    if (error !== undefined) pending.reject(error);
    else pending.resolve(value);
  }

  /** Removes a queued job, and asks the worker running it (if any) to stop it. */
  private async cancel(jobId: string): Promise<void> {
    try {
      const { queue, redis } = await this.start();
      const removed = await queue.remove(jobId);
      if (!removed) await redis.publish(this.keys.cancel, jobId);
    } catch {
      // Redis is gone: the job runs to its end and its result is ignored.
    }
  }

  /** The queue, its events and a client for payloads, connected on first use. */
  private start(): Promise<Clients> {
    this.started ??= this.connect();
    return this.started;
  }

  private async connect(): Promise<Clients> {
    const connection = { ...this.redisOptions, maxRetriesPerRequest: null };
    const redis = new Redis({ ...this.redisOptions, maxRetriesPerRequest: null });
    // Errors surface through the pending attempts (RedisUnavailableError); keep them off the console.
    redis.on('error', () => {});
    // The events are read from the server's clock now, not from the stream's end when the first
    // read happens: a job completed between the two would be missed, and its task would wait.
    let time: (string | number)[];
    try {
      time = await this.bounded(redis.time(), 'when connecting');
    } catch (error) {
      redis.disconnect();
      this.started = undefined;
      throw error;
    }
    const lastEventId = `${Number(time[0]) * 1000 + Math.floor(Number(time[1]) / 1000) - 1}-0`;
    const queue = new Queue(this.queue, {
      connection,
      prefix: this.prefix,
      streams: { events: { maxLen: this.maxEvents } },
    });
    const events = new QueueEvents(this.queue, { connection, prefix: this.prefix, lastEventId });
    queue.on('error', () => {});
    events.on('error', () => {});
    events.on('completed', ({ jobId, returnvalue }) => {
      this.onCompleted(jobId, returnvalue as unknown as TaskJobResult);
    });
    events.on('failed', ({ jobId, failedReason }) => {
      const pending = this.pending.get(jobId);
      if (pending)
        this.settle(jobId, undefined, new WorkerCrashedError(pending.taskName, failedReason));
    });
    events.on('progress', ({ jobId, data }) => this.onProgress(jobId, data as MessageProgress));
    try {
      await this.bounded(
        Promise.all([queue.waitUntilReady(), events.waitUntilReady()]),
        'when connecting',
      );
    } catch (error) {
      this.started = undefined;
      await Promise.allSettled([queue.close(), events.close()]);
      redis.disconnect();
      throw error;
    }
    // A dropped connection may have lost jobs (a server restarted without persistence).
    redis.on('close', () => (this.lostContact = true));
    this.clients = { queue, events, redis, batcher: new AddBatcher(queue) };
    return this.clients;
  }

  /** Starts the heartbeat that bounds every wait while attempts are pending. */
  private watch(queue: Queue, redis: Redis): void {
    if (this.heartbeat) return;
    this.lastAnswer = Date.now();
    const every = Math.max(10, Math.min(1000, Math.ceil(this.connectionTimeoutMs / 4)));
    this.heartbeat = setInterval(() => this.beat(queue, redis), every);
    this.heartbeat.unref();
  }

  /**
   * One heartbeat: Redis silent for longer than `connectionTimeoutMs` (down, unreachable or hung)
   * fails the pending attempts; an answer after a lost contact checks that their jobs still exist.
   */
  private beat(queue: Queue, redis: Redis): void {
    if (!this.pending.size) {
      clearInterval(this.heartbeat);
      this.heartbeat = undefined;
      return;
    }
    if (Date.now() - this.lastAnswer > this.connectionTimeoutMs) {
      const error = new RedisUnavailableError(
        `Redis at ${describeConnection(this.redisOptions)} has not answered for ${this.connectionTimeoutMs} ms (queue "${this.queue}"); the task run fails rather than wait longer (BullMQTaskRunner option connectionTimeoutMs).`,
      );
      for (const jobId of [...this.pending.keys()]) this.settle(jobId, undefined, error);
      return;
    }
    if (this.pinging) return;
    this.pinging = true;
    redis
      .ping()
      .then(
        () => {
          this.lastAnswer = Date.now();
          if (this.lostContact) {
            this.lostContact = false;
            void this.checkLost(queue, 2);
          }
        },
        () => (this.lostContact = true),
      )
      .finally(() => (this.pinging = false));
    if (!this.reconciling) void this.reconcile(queue);
  }

  /**
   * Looks in Redis for jobs not heard of for `STALE_MS`: BullMQ's events stream is trimmed (to
   * `maxEvents`), so a reader that lags behind a burst of jobs can miss a completion. A finished
   * job stays in Redis for a while with its result (`FINISHED_JOBS_KEPT`); a job found on
   * two checks in a row neither finished nor in the queue is gone, and its task fails.
   */
  private async reconcile(queue: Queue): Promise<void> {
    this.reconciling = true;
    try {
      const now = Date.now();
      const stale: string[] = [];
      for (const [jobId, pending] of this.pending) {
        if (now - pending.seen < STALE_MS) continue;
        stale.push(jobId);
        if (stale.length === CHECKS_PER_BEAT) break;
      }
      if (!stale.length) return;
      await Promise.all(
        stale.map(async (jobId) => {
          const job = await queue.getJob(jobId);
          const pending = this.pending.get(jobId);
          if (!pending) return;
          pending.seen = Date.now();
          if (job?.finishedOn !== undefined) {
            if (job.failedReason !== undefined && job.returnvalue == null) {
              this.settle(
                jobId,
                undefined,
                new WorkerCrashedError(pending.taskName, job.failedReason),
              );
              return;
            }
            this.onCompleted(jobId, job.returnvalue as TaskJobResult);
            return;
          }
          pending.misses = job ? 0 : pending.misses + 1;
          if (pending.misses < 2) return;
          this.settle(
            jobId,
            undefined,
            new RedisUnavailableError(
              `The job of task "${pending.taskName}" is no longer in Redis at ${describeConnection(this.redisOptions)} and its outcome never came (the server lost it, or it was removed); the task run fails.`,
            ),
          );
        }),
      );
    } catch {
      // Redis is unreachable: the heartbeat deals with that.
    } finally {
      this.reconciling = false;
    }
  }

  /** Fails the pending attempts whose jobs Redis lost (asked `rounds` times, a second apart, so events in flight land first). */
  private async checkLost(queue: Queue, rounds: number): Promise<void> {
    let suspects = [...this.pending.keys()];
    for (let round = 0; round < rounds && suspects.length; round++) {
      await new Promise((resolve) => setTimeout(resolve, 1000).unref());
      const states = await Promise.all(
        suspects.map((id) => queue.getJobState(id).catch(() => 'error')),
      );
      suspects = suspects.filter((id, i) => states[i] === 'unknown' && this.pending.has(id));
    }
    for (const jobId of suspects) {
      const pending = this.pending.get(jobId);
      if (!pending) continue;
      this.settle(
        jobId,
        undefined,
        new RedisUnavailableError(
          `The job of task "${pending.taskName}" vanished from Redis at ${describeConnection(this.redisOptions)} (the server restarted without persistence?); the task run fails.`,
        ),
      );
    }
  }

  /** A job's outcome: settles its attempt, at once when nothing is left to wait for or read. */
  private onCompleted(jobId: string, result: TaskJobResult): void {
    const pending = this.pending.get(jobId);
    if (!pending || pending.completing || !result || typeof result !== 'object') return;
    pending.completing = true;
    const payload = result.ok ? result.value : result.error;
    if (pending.calls.size || !payload || isStored(payload)) {
      void this.completeLater(jobId, pending, result);
      return;
    }
    try {
      this.settleWith(jobId, result.ok, inlineValue(payload));
    } catch (error) {
      this.settle(jobId, undefined, error);
    }
  }

  /** Completes an attempt after its tracker calls are answered and its outcome read from Redis. */
  private async completeLater(
    jobId: string,
    pending: Pending,
    result: TaskJobResult,
  ): Promise<void> {
    try {
      await Promise.all(pending.calls);
      const { redis } = await this.start();
      const payload = result.ok ? result.value : result.error;
      const value = await getPayload(redis, payload);
      await dropPayload(redis, payload);
      this.settleWith(jobId, result.ok, value);
    } catch (error) {
      this.settle(jobId, undefined, error);
    }
  }

  /** Settles an attempt with what its worker sent: the encoded result, or the encoded error. */
  private settleWith(jobId: string, ok: boolean, encoded: unknown): void {
    if (ok) this.settle(jobId, this.serializers.decode(encoded));
    else this.settle(jobId, undefined, rebuildError(encoded as EncodedError));
  }

  /** A message of a running attempt: a log line, a `track.*` write or a tracker call. */
  private onProgress(jobId: string, data: MessageProgress): void {
    const pending = this.pending.get(jobId);
    if (!pending || typeof data?.tideflow !== 'string') return;
    pending.seen = Date.now();
    let message: WorkerMessage;
    try {
      message = deserialize(Buffer.from(data.tideflow, 'base64')) as WorkerMessage;
    } catch {
      return;
    }
    const { tracking, context } = pending;
    switch (message.t) {
      case 'log':
        context.logger[message.level](message.fields, message.message);
        return;
      case 'track':
        if (!tracking?.has(message.runId)) return;
        if (message.op === 'metrics') tracking.metrics(message.runId, message.payload as never);
        else if (message.op === 'params') tracking.params(message.runId, message.payload as never);
        else tracking.tags(message.runId, message.payload as never);
        return;
      case 'call': {
        const { id, op, runId, method, args } = message;
        const answer = async (): Promise<unknown> => {
          if (!tracking?.has(runId)) return undefined;
          if (op === 'flush') return tracking.flush(runId);
          if (op === 'typedArtifact') return tracking.typedArtifact(runId, args[0] as never);
          return tracking.write(runId, (tracker: Tracker) =>
            (tracker as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>)[method!](
              ...args,
            ),
          );
        };
        const sent = answer()
          .then(
            (value): CallAnswer => ({ ok: true, value }),
            (error: unknown): CallAnswer => ({ ok: false, error: encodeError(error) }),
          )
          .then(async (reply) => {
            const { redis } = await this.start();
            const key = this.keys.reply(id);
            let bytes: Buffer;
            try {
              bytes = serialize(reply);
            } catch {
              bytes = serialize({ ok: true, value: undefined });
            }
            await redis.multi().rpush(key, bytes).pexpire(key, 60_000).exec();
          })
          .catch(() => {})
          .finally(() => pending.calls.delete(sent));
        pending.calls.add(sent);
        return;
      }
    }
  }

  /** Closes the connections; attempts still waiting fail. */
  async close(): Promise<void> {
    const started = this.started;
    this.started = undefined;
    this.clients = undefined;
    clearInterval(this.heartbeat);
    this.heartbeat = undefined;
    const error = new RedisUnavailableError(
      `BullMQTaskRunner for queue "${this.queue}" was closed while the task ran.`,
    );
    for (const jobId of [...this.pending.keys()]) this.settle(jobId, undefined, error);
    if (!started) return;
    const clients = await started.catch(() => undefined);
    if (!clients) return;
    await Promise.allSettled([clients.queue.close(), clients.events.close()]);
    clients.redis.disconnect();
  }
}
