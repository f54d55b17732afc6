import type { EngineEvent, EventBus, EngineRunInfo } from '../engine/events.js';
import { RunRecord } from '../engine/run-record.js';
import type { State, StateType } from '../engine/state.js';
import type { Logger } from '../logger.js';
import { flattenParams } from './flatten.js';
import {
  TAG_FLOW_NAME,
  type FlowRunRecord,
  type LogLine,
  type MetricInput,
  type ParamValue,
  type RunStatus,
  type StateTransition,
  type TaskRunRecord,
  type TypedArtifactInput,
} from './tracker.js';
import type { Tracker } from './tracker-bridge.js';

/**
 * How long tracked values wait in memory before a batch write (ms): short enough that a live view
 * shows a state change well within 300 ms of the engine recording it.
 */
const FLUSH_DELAY_MS = 100;
/**
 * A buffer this large is written at once: small enough that one write stays short (a SQLite
 * transaction of this many rows takes a few ms) and that buffered task runs die young.
 */
const FLUSH_SIZE = 1_000;

/** The next number of a batch of task runs to write (see {@link RunRecord.trackingBatch}). */
let nextBatch = 0;

/**
 * The MLflow run status that the tracking run of a flow run has while the flow run is in each
 * state: `RUNNING` until it ends, then `FINISHED`, `KILLED` (cancelled) or `FAILED`.
 */
export const RUN_STATUS_OF_STATE: Readonly<Record<StateType, RunStatus>> = {
  PENDING: 'RUNNING',
  RUNNING: 'RUNNING',
  RETRYING: 'RUNNING',
  COMPLETED: 'FINISHED',
  CACHED: 'FINISHED',
  FAILED: 'FAILED',
  TIMED_OUT: 'FAILED',
  CANCELLED: 'KILLED',
  CRASHED: 'FAILED',
};

function transition(state: State): StateTransition {
  return { type: state.type, name: state.name, timestamp: state.timestamp, message: state.message };
}

/**
 * The task-run record of an engine run as it is now (a new object: the run goes on changing).
 * Every time in it is the engine's clock at the transition.
 */
function taskRunRecord(run: RunRecord): TaskRunRecord {
  const history = run.history;
  const last = history[history.length - 1];
  const stateHistory = new Array<StateTransition>(history.length);
  let startTime: number | null = null;
  for (let i = 0; i < history.length; i++) {
    const s = history[i];
    stateHistory[i] = transition(s);
    if (startTime === null && s.type === 'RUNNING') startTime = s.timestamp;
  }
  const ended = last.isFinal();
  // A run that ended without running (a cache hit, a cancellation) starts and ends at once.
  if (ended) startTime ??= last.timestamp;
  return {
    taskRunId: run.id,
    taskName: run.name,
    taskRunName: run.runName,
    state: last.type,
    stateHistory,
    startTime,
    endTime: ended ? last.timestamp : null,
    durationMs: ended ? last.timestamp - startTime! : null,
    attempts: run.attempt,
    cacheKey: run.cacheKey ?? null,
    cacheHit: last.type === 'CACHED',
    error: ended && last.isFailed() ? (last.message ?? String(last.error)) : null,
  };
}

/** What is buffered for one tracking run (= one flow run). */
class RunBuffer {
  metrics: MetricInput[] = [];
  params: Record<string, ParamValue> = {};
  tags: Record<string, string> = {};
  /**
   * The task runs that changed since the last write, once each, in the order they first changed:
   * the engine's live record while a run goes on, its final task-run record once it ended (so
   * that nothing keeps the run's result alive). A run knows its index here
   * ({@link RunRecord.trackingSlot}) while {@link RunRecord.trackingBatch} is this batch's number.
   */
  taskRuns: (RunRecord | TaskRunRecord)[] = [];
  /** The number of the batch {@link RunBuffer.taskRuns} holds. */
  batch = nextBatch++;
  logs: LogLine[] = [];
  /** Whether the flow-run record changed since the last write. */
  flowDirty = false;
  readonly flowStates: StateTransition[] = [];
  /** Every write for this run, in order. */
  chain: Promise<void> = Promise.resolve();
  timer?: NodeJS.Timeout;
  /** The write that {@link TrackingRecorder.persist} callers of this turn of the event loop share. */
  persisting?: Promise<void>;
  ended = false;
  warned = false;
  /** The run's experiment, once its run is created (its child runs go to the same one). */
  experimentId?: string;

  /** The flow's parameters, flattened once for the run's params and its flow-run record. */
  readonly parameters: Record<string, string>;

  constructor(readonly info: EngineRunInfo) {
    this.parameters = flattenParams(info.parameters);
  }

  get size(): number {
    return this.metrics.length + this.taskRuns.length + this.logs.length;
  }
}

/**
 * Records the engine's flow runs in a {@link Tracker}: a flow run is a tracking run of the same id
 * (experiment = flow name unless set; params = its parameters flattened `a.b.c`), a subflow a child
 * run, and each task run a task-run record. Every time recorded is the engine's clock at the
 * transition. The run, its flow-run record and each task-run record are written when they start
 * and again when they change, in batches off the hot path; with a tracker that outlives the process
 * (any store that is not {@link Tracker.ephemeral}), {@link TrackingRecorder.persist} lets the engine wait
 * for those writes before a body runs, so a killed process leaves its runs behind. A top-level flow
 * call resolves after its run is written.
 */
export class TrackingRecorder {
  private readonly runs = new Map<string, RunBuffer>();
  private lastOwner?: RunBuffer;
  private unsubscribe?: () => void;
  /** Whether records must reach the store before work starts (false for the in-memory tracker). */
  private durable = true;

  constructor(
    /** The tracker, or the promise of one (opening a store may be async). */
    readonly tracker: Promise<Tracker>,
    private readonly logger: Logger,
  ) {
    tracker.then(
      (t) => (this.durable = !t.ephemeral),
      () => {},
    );
  }

  /** Starts listening to `bus`. */
  attach(bus: EventBus): void {
    this.unsubscribe?.();
    this.unsubscribe = bus.subscribe(this.onEvent);
  }

  /** Stops listening (buffered data is still written). */
  detach(): void {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
  }

  /** Whether `runId` is a flow run this recorder tracks. */
  has(runId: string): boolean {
    return this.runs.has(runId);
  }

  /** Buffers metric points for a run. */
  metrics(runId: string, points: MetricInput[]): void {
    const run = this.runs.get(runId);
    if (!run) return;
    run.metrics.push(...points);
    this.schedule(run);
  }

  /** Buffers params for a run (flattened). */
  params(runId: string, params: Record<string, unknown>): void {
    const run = this.runs.get(runId);
    if (!run) return;
    Object.assign(run.params, flattenParams(params));
    this.schedule(run);
  }

  /** Buffers tags for a run. */
  tags(runId: string, tags: Record<string, string>): void {
    const run = this.runs.get(runId);
    if (!run) return;
    Object.assign(run.tags, tags);
    this.schedule(run);
  }

  /** Queues an artifact write (or any tracker call) for a run, in order with its other writes. */
  write<T>(runId: string, call: (tracker: Tracker, runId: string) => Promise<T>): Promise<T> {
    const run = this.runs.get(runId);
    if (!run) return Promise.reject(new Error(`Run ${runId} is not tracked by this recorder.`));
    const result = run.chain.then(async () => call(await this.tracker, runId));
    run.chain = result.then(
      () => undefined,
      (error: unknown) => this.warn(run, error),
    );
    return result;
  }

  /** Queues a typed artifact. */
  typedArtifact(runId: string, artifact: TypedArtifactInput): Promise<unknown> {
    return this.write(runId, (tracker, id) => tracker.logTypedArtifact(id, artifact));
  }

  /** Writes everything buffered for `runId` and waits for its pending writes. */
  async flush(runId: string): Promise<void> {
    const run = this.runs.get(runId);
    if (!run) return;
    this.enqueueBuffered(run);
    await run.chain;
  }

  /**
   * With a store that outlives the process: writes what is buffered for flow run `runId` (its
   * run and flow-run record, the task runs that just started or ended) and returns the promise of
   * that write, which never rejects. Callers within one turn of the event loop share one write.
   * Returns undefined when there is nothing to wait for (in-memory tracker, untracked run), so
   * the hot path of untracked or in-memory runs does not await at all.
   */
  persist(runId: string | undefined): Promise<void> | undefined {
    if (!this.durable || runId === undefined) return undefined;
    const run = this.runs.get(runId);
    if (!run) return undefined;
    run.persisting ??= new Promise<void>((resolve) => {
      setImmediate(() => {
        run.persisting = undefined;
        this.enqueueBuffered(run);
        void run.chain.then(resolve);
      });
    });
    return run.persisting;
  }

  /** The buffer of flow run `runId`, if tracked (the last one found is kept: a flow's tasks come in a row). */
  private ownerOf(runId: string | undefined): RunBuffer | undefined {
    if (runId === undefined) return undefined;
    if (this.lastOwner?.info.id === runId) return this.lastOwner;
    const owner = this.runs.get(runId);
    if (owner) this.lastOwner = owner;
    return owner;
  }

  private readonly onEvent = (event: EngineEvent): void => {
    const run = event.run;
    if (event.type === 'run.created') {
      if (run.kind === 'flow') this.startRun(run, event.timestamp);
      return;
    }
    const owner = this.ownerOf(run.kind === 'flow' ? run.id : run.flowRunId);
    if (!owner) return;
    if (event.type === 'run.log') {
      owner.logs.push({
        timestamp: event.timestamp,
        level: event.level,
        message: event.message,
        taskRunId: run.kind === 'task' ? run.id : undefined,
      });
      this.schedule(owner);
      return;
    }
    if (run.kind === 'flow') {
      owner.flowStates.push(transition(event.state));
      if (event.state.isFinal()) {
        this.endRun(owner, event.state);
      } else {
        owner.flowDirty = true;
        this.schedule(owner);
      }
      return;
    }
    // Only the engine's own runs are recorded (it emits its live records).
    if (!(run instanceof RunRecord)) return;
    const entry = event.state.isFinal() ? taskRunRecord(run) : run;
    if (run.trackingBatch === owner.batch) {
      owner.taskRuns[run.trackingSlot] = entry;
      return;
    }
    run.trackingBatch = owner.batch;
    run.trackingSlot = owner.taskRuns.push(entry) - 1;
    this.schedule(owner);
  };

  private startRun(info: EngineRunInfo, startTime: number): void {
    const run = new RunBuffer(info);
    this.runs.set(info.id, run);
    const parameters = run.parameters;
    const parentRunId =
      info.flowRunId && this.runs.has(info.flowRunId) ? info.flowRunId : undefined;
    const parent = parentRunId ? this.runs.get(parentRunId) : undefined;
    // A child run records only the params its parent does not already hold with the same value
    // (a configuration passed down to every stage is logged once, on the top-level run).
    const own = parent
      ? Object.fromEntries(
          Object.entries(parameters).filter(([k, v]) => parent.parameters[k] !== v),
        )
      : parameters;
    run.chain = (parent ? parent.chain : Promise.resolve()).then(async () => {
      const tracker = await this.tracker;
      // As in MLflow, a nested run belongs to its parent's experiment.
      const experimentId =
        parent?.experimentId ?? (await tracker.getOrCreateExperiment(info.experiment ?? info.name));
      run.experimentId = experimentId;
      await tracker.createRun({
        experimentId,
        runId: info.id,
        parentRunId,
        startTime,
        tags: { [TAG_FLOW_NAME]: info.name },
      });
      if (Object.keys(own).length) await tracker.logBatch(info.id, { params: own });
    });
    run.chain = run.chain.catch((error: unknown) => this.warn(run, error));
  }

  private endRun(run: RunBuffer, state: State): void {
    run.ended = true;
    run.flowDirty = false;
    this.enqueueBuffered(run);
    const info = run.info;
    const status = RUN_STATUS_OF_STATE[state.type];
    const record = this.flowRecord(run, state.type);
    run.chain = run.chain
      .then(async () => {
        const tracker = await this.tracker;
        await tracker.setFlowRun(info.id, record);
        await tracker.updateRun(info.id, { status, endTime: state.timestamp });
      })
      .catch((error: unknown) => this.warn(run, error))
      .finally(() => {
        this.runs.delete(info.id);
        if (this.lastOwner === run) this.lastOwner = undefined;
      });
  }

  /** The flow-run record as it is now. */
  private flowRecord(run: RunBuffer, state: StateType): FlowRunRecord {
    return {
      flowName: run.info.name,
      state,
      stateHistory: run.flowStates.slice(),
      parameters: run.parameters,
    };
  }

  private schedule(run: RunBuffer): void {
    if (run.size >= FLUSH_SIZE) {
      this.enqueueBuffered(run);
    } else if (!run.timer && !run.ended) {
      run.timer = setTimeout(() => this.enqueueBuffered(run), FLUSH_DELAY_MS);
      run.timer.unref();
    }
  }

  /** Moves everything buffered into one queued write. */
  private enqueueBuffered(run: RunBuffer): void {
    if (run.timer) {
      clearTimeout(run.timer);
      run.timer = undefined;
    }
    const { metrics, params, tags, taskRuns, logs } = run;
    const flow = run.flowDirty
      ? this.flowRecord(run, run.flowStates[run.flowStates.length - 1].type)
      : undefined;
    if (
      !flow &&
      !metrics.length &&
      !Object.keys(params).length &&
      !Object.keys(tags).length &&
      !taskRuns.length &&
      !logs.length
    )
      return;
    run.metrics = [];
    run.params = {};
    run.tags = {};
    run.logs = [];
    run.flowDirty = false;
    const records = taskRuns.length
      ? taskRuns.map((r) => (r instanceof RunRecord ? taskRunRecord(r) : r))
      : [];
    if (taskRuns.length) {
      run.taskRuns = [];
      run.batch = nextBatch++;
    }
    const runId = run.info.id;
    run.chain = run.chain
      .then(async () => {
        const tracker = await this.tracker;
        if (flow) await tracker.setFlowRun(runId, flow);
        if (metrics.length || Object.keys(params).length || Object.keys(tags).length) {
          await tracker.logBatch(runId, { metrics, params, tags });
        }
        if (records.length) await tracker.upsertTaskRuns(runId, records);
        if (logs.length) await tracker.logLines(runId, logs);
      })
      .catch((error: unknown) => this.warn(run, error));
  }

  private warn(run: RunBuffer, error: unknown): void {
    if (run.warned) return;
    run.warned = true;
    this.logger.warn(
      { run_id: run.info.id, error },
      `Tracking of flow run "${run.info.name}" failed; the flow goes on`,
    );
  }
}
