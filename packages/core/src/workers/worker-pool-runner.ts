import { availableParallelism } from 'node:os';
import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { BroadcastChannel, type ResourceLimits } from 'node:worker_threads';
import type { Piscina } from 'piscina';
import { getConfig } from '../config/configure.js';
import { InvalidOptionError, WorkerCrashedError } from '../errors.js';
import type { RunContext } from '../engine/context.js';
import type { Definition } from '../engine/definition.js';
import { NEVER_ABORTED } from '../engine/run-record.js';
import {
  InProcessTaskRunner,
  type AttemptCall,
  type AttemptExecutor,
  type TaskJob,
  type TaskRunner,
} from '../engine/runner.js';
import {
  defaultSerializers,
  type SerializerRegistry,
} from '../serialization/serializer-registry.js';
import type { TrackingRecorder } from '../tracking/recorder.js';
import type { Tracker } from '../tracking/tracker-bridge.js';
import type {
  AttemptReply,
  AttemptRequest,
  CallReply,
  PoolWorkerData,
  WorkerMessage,
} from './protocol.js';
import { decodeError, encodeCall, encodeError, type EncodedCall } from './transfer.js';

/** Options of {@link WorkerPoolTaskRunner}. */
export interface WorkerPoolTaskRunnerOptions {
  /**
   * Worker threads, which is also how many submitted tasks run at once.
   *
   * @default os.availableParallelism()
   */
  threads?: number;
  /** V8 heap limits of each worker; a task that exceeds them fails with {@link WorkerCrashedError}. */
  resourceLimits?: ResourceLimits;
  /**
   * The serializer registry arguments and results cross with (the worker decodes with its default
   * registry, filled by the modules it imports).
   *
   * @default defaultSerializers
   */
  serializers?: SerializerRegistry;
}

/** The compiled worker entry (the same file whether this module runs from `src` or `dist`). */
const WORKER_ENTRY = new URL('../../dist/workers/pool-worker.js', import.meta.url).href;

/** Flags that preload a module (a loader such as tsx) and take it as their value. */
const PRELOAD_FLAGS = new Set(['--import', '--loader', '--experimental-loader', '--require', '-r']);

/** Whether `argv[i]` preloads tsx (`--import tsx`, `--import=tsx`, `--require tsx/cjs`, ...). */
function preloadsTsx(argv: readonly string[], i: number): boolean {
  const [flag, inline] = argv[i].split('=', 2);
  return PRELOAD_FLAGS.has(flag) && /(^|[/\\])tsx([/\\]|$)/.test(inline ?? argv[i + 1] ?? '');
}

/**
 * The `execArgv` of the workers: this process's (the default) unless it preloads tsx. A worker
 * inherits that preload, and there tsx's require hook loads the engine a second time, as CommonJS,
 * beside the ES module copy that the task's module imports: two registries, two run contexts. The
 * worker registers tsx's ES module loader itself when a task's module is TypeScript; of the other
 * flags it keeps the ones that change how modules resolve and report (`--conditions`,
 * `--enable-source-maps`), since an explicit list must hold only flags a worker accepts.
 */
function workerExecArgv(): string[] | undefined {
  const argv = process.execArgv;
  if (!argv.some((_, i) => preloadsTsx(argv, i))) return undefined;
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i].split('=', 1)[0];
    if (flag === '--conditions' || flag === '-C') {
      out.push(argv[i]);
      if (!argv[i].includes('=') && i + 1 < argv.length) out.push(argv[++i]);
    } else if (flag === '--enable-source-maps') {
      out.push(argv[i]);
    }
  }
  return out;
}

let entry: { arg: string; url: string } | undefined;

/** The URL of the program's entry module (`node script.js`), if there is one. */
function entryModule(): string | undefined {
  const arg = process.argv[1];
  if (!arg) return undefined;
  if (entry?.arg !== arg) entry = { arg, url: pathToFileURL(resolve(arg)).href };
  return entry.url;
}

/** One attempt running on the pool: where its forwarded logs and `track.*` calls go. */
class PoolAttempt {
  private received = 0;
  private expected = -1;
  private drain?: () => void;

  constructor(
    readonly context: RunContext,
    readonly tracking: TrackingRecorder | undefined,
  ) {}

  /** Counts a message of this attempt; resolves {@link PoolAttempt.drained} once all have come. */
  count(): void {
    this.received++;
    if (this.received === this.expected) this.drain?.();
  }

  /** Resolves once `sent` messages have arrived (they travel apart from the reply). */
  drained(sent: number): Promise<void> | undefined {
    if (this.received >= sent) return undefined;
    this.expected = sent;
    return new Promise((resolve) => (this.drain = resolve));
  }
}

/**
 * Runs each attempt of a submitted task on a pool of worker threads (piscina), for CPU-bound work:
 * tasks run in parallel, and a task past its `timeoutMs` or in a cancelled flow run is stopped by
 * terminating its worker (a new one replaces it). States, retries, timeouts, the cache and tracking
 * stay in this thread, in the engine, so tasks behave as with the in-process runner; only each
 * attempt's body runs in a worker.
 *
 * A worker finds the task by its module (captured where the task is defined, or the `module`
 * option) and its registered name, so pool tasks must be defined at the top level of a module and
 * registered in the default registry. Arguments and results cross through the serializer registry
 * (typed arrays as one block copy, `SharedArrayBuffer`-backed ones shared); an argument that cannot
 * cross throws {@link TaskArgumentError} from `.submit()`, before the task is queued. `logger` lines
 * and `track.*` calls inside the body reach the flow's run. A worker that dies fails only its
 * attempt, with {@link WorkerCrashedError}, and retries apply.
 *
 * Built on piscina rather than tinypool: both run on Node 20, but piscina is maintained by Node.js
 * core contributors, terminates the worker of an aborted task, and supports `resourceLimits` and
 * ESM workers, which are exactly what hard timeouts and crash isolation need; tinypool is a
 * trimmed fork tuned to vitest's needs.
 *
 * @example
 * ```ts
 * const pool = new WorkerPoolTaskRunner({ threads: 2 });
 * configure({ taskRunner: pool });            // or the flow option `taskRunner`, or TIDEFLOW_TASK_RUNNER=workers:2
 * ...
 * await pool.close();
 * ```
 */
export class WorkerPoolTaskRunner implements TaskRunner {
  readonly name: string;
  /** The number of worker threads. */
  readonly threads: number;
  private readonly serializers: SerializerRegistry;
  private readonly resourceLimits?: ResourceLimits;
  /** Holds jobs beyond `threads`, so a task is Running only while its body has a worker. */
  private readonly slots: InProcessTaskRunner;
  private readonly attempts = new Map<string, PoolAttempt>();
  private pool?: Promise<Piscina>;
  private replies?: BroadcastChannel;

  constructor(options: WorkerPoolTaskRunnerOptions = {}) {
    const threads = options.threads ?? availableParallelism();
    if (!Number.isInteger(threads) || threads < 1) {
      throw new InvalidOptionError(
        `WorkerPoolTaskRunner: option threads must be an integer ≥ 1, got ${String(threads)}.`,
      );
    }
    this.threads = threads;
    this.name = `workers:${threads}`;
    this.serializers = options.serializers ?? defaultSerializers;
    this.resourceLimits = options.resourceLimits;
    this.slots = new InProcessTaskRunner({ maxConcurrency: threads });
  }

  submit<T>(job: TaskJob<T>): Promise<T> {
    const def = job.def;
    if (!def.module) {
      throw new InvalidOptionError(
        `Task "${def.name}" cannot run on a worker: its module is unknown (it was defined by eval or new Function); pass the option \`module: import.meta.url\`.`,
      );
    }
    if (def.module === entryModule()) {
      throw new InvalidOptionError(
        `Task "${def.name}" cannot run on a worker: it is defined in the program's entry module (${def.module}), which a worker would run again when it imports the task; move the task to a module of its own.`,
      );
    }
    // Encoded now, so that an argument that cannot cross throws from `.submit()`.
    let first: EncodedCall | undefined = this.encode(def, job.thisArg, job.args);
    const executor: AttemptExecutor = {
      run: (call) => {
        // A parameter schema may have replaced the arguments: encode what the body will get.
        const sent =
          first && call.args === job.args && call.thisArg === job.thisArg
            ? first
            : this.encode(call.def, call.thisArg, call.args);
        // Its transferred buffers are detached once it is posted: a retry encodes again.
        if (sent === first && sent.transferList.length > 0) first = undefined;
        return this.runAttempt(call, sent);
      },
    };
    return this.slots.submit<T>({
      taskRunId: job.taskRunId,
      taskName: job.taskName,
      args: job.args,
      tags: job.tags,
      def,
      thisArg: job.thisArg,
      execute: () => job.execute(executor),
    });
  }

  /** Encodes a call for a worker; TaskArgumentError names what cannot cross. */
  private encode(def: Definition, thisArg: unknown, args: readonly unknown[]): EncodedCall {
    return encodeCall(this.serializers, def.name, def.paramNames, thisArg, args);
  }

  /** Runs one attempt on a worker. */
  private async runAttempt(call: AttemptCall, encoded: EncodedCall): Promise<unknown> {
    const { context, def } = call;
    const pool = await this.start();
    const key = `${context.taskRunId!}:${context.attempt}`;
    const tracking = getConfig().tracking;
    const flowRunId = context.flowRunId;
    const attempt = new PoolAttempt(context, tracking);
    this.attempts.set(key, attempt);
    const request: AttemptRequest = {
      module: def.module!,
      taskName: def.name,
      key,
      thisArg: encoded.thisArg,
      args: encoded.args,
      flowRunId,
      taskRunId: context.taskRunId!,
      attempt: context.attempt,
      tracked: flowRunId !== undefined && tracking?.has(flowRunId) === true,
    };
    const signal = context.signal === NEVER_ABORTED ? undefined : context.signal;
    let reply: AttemptReply;
    try {
      reply = (await pool.run(request, {
        signal,
        transferList: encoded.transferList as ArrayBuffer[],
      })) as AttemptReply;
      await attempt.drained(reply.sent);
    } catch (error) {
      // Aborted: the engine has already settled the attempt (timeout or cancellation).
      if (signal?.aborted) throw signal.reason;
      throw new WorkerCrashedError(def.name, (error as Error).message, { cause: error });
    } finally {
      this.attempts.delete(key);
    }
    if (!reply.ok) throw decodeError(reply.error);
    return this.serializers.decode(reply.value);
  }

  /** Stops the workers (running attempts fail); the runner starts new ones if used again. */
  async close(): Promise<void> {
    const pool = this.pool;
    this.pool = undefined;
    this.replies?.close();
    this.replies = undefined;
    if (pool) await (await pool).destroy();
  }

  /** The pool, started on first use (piscina loads then: importing tideflow stays cheap). */
  private start(): Promise<Piscina> {
    this.pool ??= this.create();
    return this.pool;
  }

  private async create(): Promise<Piscina> {
    const { Piscina } = await import('piscina');
    const replies = `tideflow-pool-${randomUUID()}`;
    this.replies = new BroadcastChannel(replies);
    this.replies.unref();
    const workerData: PoolWorkerData = { replies };
    const pool = new Piscina({
      filename: WORKER_ENTRY,
      minThreads: this.threads,
      maxThreads: this.threads,
      idleTimeout: Number.POSITIVE_INFINITY,
      // Let each worker's event loop run between tasks (timers a body left behind still fire).
      atomics: 'async',
      resourceLimits: this.resourceLimits,
      execArgv: workerExecArgv(),
      workerData,
    });
    pool.on('message', this.onMessage);
    // A worker that dies is reported through the failed task; the pool event needs no handler.
    pool.on('error', () => {});
    return pool;
  }

  /** A message of a running attempt: a log line or a `track.*` call. */
  private readonly onMessage = (message: WorkerMessage): void => {
    const attempt = this.attempts.get(message?.key);
    if (!attempt) return; // the attempt was abandoned (timed out or cancelled)
    try {
      this.handle(attempt, message);
    } finally {
      attempt.count();
    }
  };

  private handle(attempt: PoolAttempt, message: WorkerMessage): void {
    const { tracking } = attempt;
    switch (message.tideflow) {
      case 'log':
        attempt.context.logger[message.level](message.fields, message.message);
        return;
      case 'track':
        if (!tracking) return;
        if (message.op === 'metrics') tracking.metrics(message.runId, message.payload as never);
        else if (message.op === 'params') tracking.params(message.runId, message.payload as never);
        else tracking.tags(message.runId, message.payload as never);
        return;
      case 'call': {
        const { id, op, runId, method, args } = message;
        const answer = (): Promise<unknown> => {
          if (!tracking?.has(runId)) return Promise.resolve(undefined);
          if (op === 'flush') return tracking.flush(runId);
          if (op === 'typedArtifact') return tracking.typedArtifact(runId, args[0] as never);
          return tracking.write(runId, (tracker: Tracker) =>
            (tracker as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>)[method!](
              ...args,
            ),
          );
        };
        answer().then(
          (value) => this.reply({ id, ok: true, value }),
          (error: unknown) => this.reply({ id, ok: false, error: encodeError(error) }),
        );
        return;
      }
    }
  }

  private reply(reply: CallReply): void {
    this.replies?.postMessage(reply);
  }
}
