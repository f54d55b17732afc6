/**
 * The entry of a worker-pool thread: runs one attempt of a task per request. It imports the task's
 * module (registering tsx's loader first for TypeScript), finds the task by name in the default
 * registry, decodes the arguments, runs the body in a run context whose logger and `track.*` calls
 * are forwarded to the main thread, and answers with the encoded result.
 */
import { BroadcastChannel, parentPort, threadId, workerData } from 'node:worker_threads';
import { Piscina } from 'piscina';
import { configure } from '../config/configure.js';
import type { ActiveRun } from '../engine/context.js';
import type { Definition } from '../engine/definition.js';
import type { EngineRunInfo } from '../engine/events.js';
import { invoke } from '../engine/invoke.js';
import { NEVER_ABORTED, namedParameters } from '../engine/run-record.js';
import { defaultRegistry } from '../flow-registry.js';
import { LevelLogger, silentLogger, type LogLevel, type Logger } from '../logger.js';
import { defaultSerializers } from '../serialization/serializer-registry.js';
import { setWorkerTrackSink, type TrackSink } from '../tracking/track.js';
import { runStorage } from '../engine/context.js';
import type {
  AttemptReply,
  AttemptRequest,
  CallOp,
  CallReply,
  PoolWorkerData,
  TrackOp,
  WorkerMessage,
} from './protocol.js';
import { cloneable, decodeError, encodeError, encodeResult } from './transfer.js';

const port = parentPort!;
const data = workerData as PoolWorkerData;

// The engine of the main thread records and logs; this thread only runs bodies (and a task that
// submits tasks runs them here, not on a pool of its own).
configure({ tracker: false, logger: silentLogger, taskRunner: 'in-process' });

/** Answers to `call` messages, by id. */
const replies = new BroadcastChannel(data.replies);
replies.unref();
const waiting = new Map<string, { resolve: (v: unknown) => void; reject: (e: unknown) => void }>();
replies.onmessage = (event: { data: unknown }): void => {
  const reply = event.data as CallReply;
  const pending = waiting.get(reply.id);
  if (!pending) return; // another worker's call
  waiting.delete(reply.id);
  if (reply.ok) pending.resolve(reply.value);
  else pending.reject(decodeError(reply.error));
};
let nextCall = 0;

/** One attempt running in this worker, as `getRunContext()` shows it. */
class WorkerRun implements ActiveRun {
  readonly signal = NEVER_ABORTED;
  readonly flow = undefined;
  readonly logger: Logger;
  /** Messages sent for this attempt (the main thread waits for all of them before it settles). */
  sent = 0;
  /** `call` messages not answered yet. */
  readonly pending = new Set<Promise<unknown>>();
  private info?: EngineRunInfo;

  constructor(
    readonly request: AttemptRequest,
    readonly def: Definition,
    readonly parameters: Readonly<Record<string, unknown>>,
  ) {
    this.logger = new ForwardingLogger(this, {});
  }

  get flowRunId(): string | undefined {
    return this.request.flowRunId;
  }
  get taskRunId(): string {
    return this.request.taskRunId;
  }
  get name(): string {
    return this.request.taskName;
  }
  get attempt(): number {
    return this.request.attempt;
  }
  get run(): EngineRunInfo {
    this.info ??= {
      kind: 'task',
      id: this.request.taskRunId,
      name: this.request.taskName,
      runName: this.runName(),
      flowRunId: this.request.flowRunId,
      parentRunId: this.request.flowRunId,
      parameters: this.parameters,
      tags: this.def.tags,
    };
    return this.info;
  }

  /** The run's name, as the task's `taskRunName` makes it on the main thread. */
  private runName(): string {
    try {
      return this.def.runNamer?.(this.parameters) ?? this.def.name;
    } catch {
      return this.def.name;
    }
  }

  /** Posts `message` (throws DataCloneError, sending nothing, when it cannot be cloned). */
  send(message: WorkerMessage): void {
    port.postMessage(message);
    this.sent++;
  }

  /** Sends a `call` and resolves with the main thread's answer. */
  call(op: CallOp, runId: string, args: readonly unknown[], method?: string): Promise<unknown> {
    const id = `${threadId}:${nextCall++}`;
    const answer = new Promise<unknown>((resolve, reject) => waiting.set(id, { resolve, reject }));
    this.send({ tideflow: 'call', key: this.request.key, id, op, runId, method, args });
    const tracked = answer.finally(() => this.pending.delete(tracked));
    tracked.catch(() => {});
    this.pending.add(tracked);
    return answer;
  }

  /** Waits for the answers to every call the body made (it may not have awaited them). */
  async settle(): Promise<void> {
    while (this.pending.size) await Promise.allSettled([...this.pending]);
  }
}

/** The run logger inside a worker: each line goes to the task run's logger on the main thread. */
class ForwardingLogger extends LevelLogger {
  constructor(
    private readonly run: WorkerRun,
    private readonly bindings: Record<string, unknown>,
  ) {
    super();
  }

  protected log(level: LogLevel, obj: Record<string, unknown>, msg?: string): void {
    const key = this.run.request.key;
    const all = { ...this.bindings, ...obj };
    try {
      this.run.send({ tideflow: 'log', key, level, fields: all, message: msg });
    } catch {
      // A field the structured clone refuses (a function, a class instance) goes as text.
      const fields: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(all)) fields[k] = cloneable(v);
      this.run.send({ tideflow: 'log', key, level, fields, message: msg });
    }
  }

  child(bindings: Record<string, unknown>): Logger {
    return new ForwardingLogger(this.run, { ...this.bindings, ...bindings });
  }
}

/** The attempt of the current async context (calls made outside one are dropped). */
function current(): WorkerRun | undefined {
  const active = runStorage.getStore();
  return active instanceof WorkerRun && active.request.tracked ? active : undefined;
}

function forward(op: TrackOp, runId: string, payload: unknown): void {
  const run = current();
  run?.send({ tideflow: 'track', key: run.request.key, op, runId, payload });
}

/** A tracker whose every method is a call answered by the main thread's tracker. */
function remoteTracker(run: WorkerRun, runId: string): unknown {
  return new Proxy(
    {},
    {
      get:
        (_target, method) =>
        (...args: unknown[]) =>
          run.call('tracker', runId, args, String(method)),
    },
  );
}

/** `track.*` in this worker: forwarded to the recorder of the main thread. */
const sink: TrackSink = {
  has: (runId) => current()?.request.flowRunId === runId,
  metrics: (runId, points) => forward('metrics', runId, points),
  params: (runId, params) => forward('params', runId, params),
  tags: (runId, tags) => forward('tags', runId, tags),
  write: <T>(runId: string, call: (tracker: never, runId: string) => Promise<T>): Promise<T> => {
    const run = current();
    if (!run) return Promise.reject(new Error(`Run ${runId} is not tracked from this worker.`));
    return call(remoteTracker(run, runId) as never, runId);
  },
  typedArtifact: (runId, artifact) =>
    current()?.call('typedArtifact', runId, [artifact]) ?? Promise.resolve(undefined),
  flush: async (runId) => {
    await current()?.call('flush', runId, []);
  },
};
setWorkerTrackSink(sink);

let tsxRegistered: Promise<void> | undefined;

/** Registers tsx's ESM loader once, so that modules written in TypeScript can be imported. */
function registerTsx(module: string): Promise<void> {
  tsxRegistered ??= import('tsx/esm/api').then(
    (tsx: { register: () => unknown }) => {
      tsx.register();
    },
    (error: unknown) => {
      throw new Error(
        `Cannot load the TypeScript module ${module} in a worker: install tsx (npm i -D tsx) or run compiled JavaScript.`,
        { cause: error },
      );
    },
  );
  return tsxRegistered;
}

/** Modules imported (or being imported) by this worker. */
const loaded = new Map<string, Promise<unknown>>();

/**
 * Imports the task's module once. Remembered here rather than left to the module cache: each
 * `import()` resolves its specifier again, which with a loader registered (tsx) is a round trip to
 * the loader's thread on every attempt.
 */
function loadModule(module: string): Promise<unknown> {
  let loading = loaded.get(module);
  if (!loading) {
    loading = /\.[cm]?tsx?$/.test(new URL(module).pathname)
      ? registerTsx(module).then(() => import(module))
      : import(module);
    // A failed import is not remembered: the next attempt (a retry) tries again.
    loading.catch(() => loaded.delete(module));
    loaded.set(module, loading);
  }
  return loading;
}

/** Finds the task in the default registry. */
function findTask(module: string, taskName: string): Definition {
  const def = defaultRegistry.get(taskName);
  if (!def || def.kind !== 'task') {
    throw new Error(
      `Module ${module} does not register a task named "${taskName}" in the default registry when it loads; a task that runs on a worker pool must be defined at the top level of its module (or pass its \`module\` option).`,
    );
  }
  return def;
}

/** Runs one attempt (piscina's task handler). */
export default async function runAttempt(request: AttemptRequest): Promise<unknown> {
  let run: WorkerRun | undefined;
  try {
    await loadModule(request.module);
    // Decoded before the lookup: a TC39-decorated method registers when its first instance is made.
    const thisArg = defaultSerializers.decode(request.thisArg);
    const args = request.args.map((a) => defaultSerializers.decode(a));
    const def = findTask(request.module, request.taskName);
    run = new WorkerRun(request, def, namedParameters(def.paramNames, args));
    const value = await invoke(run, def.fn, thisArg, args);
    await run.settle();
    // Its buffers go as copies: the worker may keep what it returned (a memoised array).
    const result = encodeResult(defaultSerializers, value);
    const reply: AttemptReply = { ok: true, value: result.value, sent: run.sent };
    if (result.transferList.length === 0) return reply;
    return Piscina.move({
      [Piscina.transferableSymbol]: result.transferList,
      [Piscina.valueSymbol]: reply,
    } as never);
  } catch (error) {
    await run?.settle();
    const reply: AttemptReply = { ok: false, error: encodeError(error), sent: run?.sent ?? 0 };
    return reply;
  }
}
