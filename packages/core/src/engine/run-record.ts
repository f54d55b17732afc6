import type { Logger } from '../logger.js';
import type { ActiveRun } from './context.js';
import type { Definition } from './definition.js';
import { engineEvents, type EngineRunInfo, type RunKind } from './events.js';
import type { FlowRun } from './flow-run.js';
import type { RunStates } from './future.js';
import { logTransition } from './lifecycle-log.js';
import { newRunId } from './run-id.js';
import { RunLogger } from './run-logger.js';
import { State, type StateType } from './state.js';

/** A signal that never aborts, for runs outside any flow and without a timeout. */
export const NEVER_ABORTED: AbortSignal = new AbortController().signal;

/** The parameters of a call by name (extra positional arguments keep their index as name). */
export function namedParameters(
  paramNames: readonly string[],
  args: readonly unknown[],
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (let i = 0; i < args.length; i++) out[paramNames[i] ?? `arg${i}`] = args[i];
  return out;
}

/**
 * One flow or task run: its description (it is the {@link EngineRunInfo} that events carry, so
 * a run costs no second object) and its state history.
 */
export class RunRecord implements RunStates, EngineRunInfo {
  readonly history: State[] = [];
  /** The current attempt (0 before the first). */
  attempt = 0;
  /** The cache key, when the run is cached. */
  cacheKey?: string;
  /** What the run is called: the task's `taskRunName` for its arguments, else its name. */
  runName: string;
  private parametersCache?: Record<string, unknown>;
  /**
   * The tracking recorder's bookkeeping: the batch of task runs to write that holds this run
   * (a number unique in the process; -1 for none) and the run's index in it, so that a state
   * change updates the run's entry without a lookup by id.
   * @internal
   */
  trackingBatch = -1;
  /** @internal See {@link RunRecord.trackingBatch}. */
  trackingSlot = -1;

  constructor(
    readonly kind: RunKind,
    readonly def: Definition,
    readonly args: readonly unknown[],
    readonly flowRunId: string | undefined,
    readonly parentRunId: string | undefined,
    readonly id: string = newRunId(),
  ) {
    this.runName = def.name;
  }

  get name(): string {
    return this.def.name;
  }

  /** The parameters by name, built on first use (most task runs never need them). */
  get parameters(): Readonly<Record<string, unknown>> {
    this.parametersCache ??= namedParameters(this.def.paramNames, this.args);
    return this.parametersCache;
  }

  get tags(): readonly string[] {
    return this.def.tags;
  }

  get experiment(): string | undefined {
    return this.def.options.experiment;
  }

  /** The latest state. */
  get state(): State {
    return this.history[this.history.length - 1];
  }

  /** Emits `run.created` and enters Pending, at one time of the engine's clock (call once, first). */
  create(): void {
    const now = Date.now();
    if (engineEvents.active) engineEvents.emit({ type: 'run.created', run: this, timestamp: now });
    this.enter('PENDING', undefined, now);
  }

  /** Enters a new state (at `timestamp`, now unless given) and tells subscribers. */
  enter(
    type: StateType,
    extra?: { data?: unknown; error?: unknown; message?: string },
    timestamp = Date.now(),
  ): State {
    const state = new State(type, timestamp, extra?.data, extra?.error, extra?.message);
    const previous = this.history.length ? this.state : undefined;
    this.history.push(state);
    logTransition(this, state);
    if (engineEvents.active) {
      engineEvents.emit({
        type: 'run.state',
        run: this,
        state,
        previous,
        attempt: this.attempt,
        cacheKey: this.cacheKey,
      });
    }
    return state;
  }
}

/** The context of one attempt of a run, as seen through `getRunContext()`. */
export class ActiveRunImpl implements ActiveRun {
  private loggerCache?: Logger;

  constructor(
    private readonly record: RunRecord,
    readonly signal: AbortSignal,
    readonly flow: FlowRun | undefined,
    private readonly rootLogger: Logger,
  ) {}

  get run(): EngineRunInfo {
    return this.record;
  }
  get flowRunId(): string | undefined {
    return this.flow?.id;
  }
  get taskRunId(): string | undefined {
    return this.record.kind === 'task' ? this.record.id : undefined;
  }
  get name(): string {
    return this.record.def.name;
  }
  get attempt(): number {
    return this.record.attempt;
  }
  get parameters(): Readonly<Record<string, unknown>> {
    return this.record.parameters;
  }
  get logger(): Logger {
    this.loggerCache ??= new RunLogger(this.rootLogger, engineEvents, this.record);
    return this.loggerCache;
  }
}
