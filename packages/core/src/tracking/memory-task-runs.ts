import { STATE_TYPES, type StateType } from '../engine/state.js';
import type { StateTransition, TaskRunRecord } from './tracker.js';

/** A transition without its time and message: what most task runs share. */
interface Kind {
  readonly type: StateType;
  readonly name?: string;
}

/** The type and name of a transition, without the rest. */
function kindOf(s: Kind): Kind {
  return s.name === undefined ? { type: s.type } : { type: s.type, name: s.name };
}

/** Sequences longer than this are not shared (a run retried many times is rare). */
const MAX_SHARED_LENGTH = 8;
/** At most this many distinct sequences are shared, so odd names cannot grow the table forever. */
const MAX_SHARED_SEQUENCES = 1024;

/** One node of the table of shared sequences: the sequence so far, and its extensions. */
class SequenceNode {
  private readonly next = new Map<StateType, Map<string | undefined, SequenceNode>>();

  constructor(
    readonly kinds: readonly Kind[],
    /** The sequence's number in its table. */
    readonly id: number,
  ) {}

  /** The node of this sequence followed by `kind`, made on first use (undefined once the table is full). */
  child(kind: Kind, table: SequenceTable): SequenceNode | undefined {
    let byName = this.next.get(kind.type);
    if (!byName) this.next.set(kind.type, (byName = new Map<string | undefined, SequenceNode>()));
    let node = byName.get(kind.name);
    if (!node) node = table.add(this, kind, byName);
    return node;
  }
}

/** The state sequences (types and names) that the task runs of one store share, by number. */
export class SequenceTable {
  private readonly sequences: (readonly Kind[])[] = [];
  private readonly root = this.node([]);

  /** How many sequences are shared. */
  get size(): number {
    return this.sequences.length - 1;
  }

  /** The number of the history's sequence of types and names, or -1 when it cannot be shared. */
  idOf(history: readonly Kind[]): number {
    if (history.length > MAX_SHARED_LENGTH) return -1;
    let node: SequenceNode | undefined = this.root;
    for (let i = 0; i < history.length && node; i++) node = node.child(history[i], this);
    return node ? node.id : -1;
  }

  /** The sequence numbered `id`. */
  kinds(id: number): readonly Kind[] {
    return this.sequences[id];
  }

  /** Adds `parent` followed by `kind` under `byName` (undefined once the table is full). */
  add(
    parent: SequenceNode,
    kind: Kind,
    byName: Map<string | undefined, SequenceNode>,
  ): SequenceNode | undefined {
    if (this.size >= MAX_SHARED_SEQUENCES) return undefined;
    const node = this.node([...parent.kinds, kindOf(kind)]);
    byName.set(kind.name, node);
    return node;
  }

  private node(kinds: readonly Kind[]): SequenceNode {
    this.sequences.push(kinds);
    return new SequenceNode(kinds, this.sequences.length - 1);
  }
}

/** The code of each state type in {@link TaskRunTable}'s state column. */
const STATE_CODES = new Map<StateType, number>(STATE_TYPES.map((t, i) => [t, i]));

/** Bits of {@link TaskRunTable}'s flags column. */
const START_NULL = 1;
const END_NULL = 2;
const DURATION_NULL = 4;
const CACHE_HIT = 8;

/** Numbers per row in {@link TaskRunTable}'s number column: start, end, duration, attempts. */
const NUMBERS = 4;

/** What few rows have: a history that is not shared, messages on their states. */
interface RareParts {
  kinds?: readonly Kind[];
  messages?: readonly (string | undefined)[];
}

function grown<T extends Float64Array | Int32Array | Uint8Array>(
  array: T,
  length: number,
  make: (length: number) => T,
): T {
  if (array.length >= length) return array;
  const next = make(Math.max(length, array.length * 2, 64));
  next.set(array);
  return next;
}

/**
 * The task-run records of one tracking run, as the memory store keeps them: in columns (typed
 * arrays of numbers and codes, state histories as runs of times in one array plus a shared
 * sequence of state types and names), not one object per record and per transition. 100k task
 * runs in a flow are 100k records kept for the life of the process; in columns, the garbage
 * collector has almost nothing to trace or copy for them (the id string is all a row owns).
 */
export class TaskRunTable {
  /** The row of each task run id, in first-recorded order. */
  private readonly rows = new Map<string, number>();
  private readonly names: string[] = [];
  private readonly cacheKeys: (string | null)[] = [];
  private readonly errors: (string | null)[] = [];
  private states = new Uint8Array(0);
  private flags = new Uint8Array(0);
  private numbers = new Float64Array(0);
  /** Each row's shared sequence number, or -1 (its kinds are in {@link TaskRunTable.rare}). */
  private sequenceIds = new Int32Array(0);
  /** Where each row's state times start in {@link TaskRunTable.times}, and how many there are. */
  private historyAt = new Int32Array(0);
  private historyLength = new Int32Array(0);
  private times = new Float64Array(0);
  private timesUsed = 0;
  private readonly rare = new Map<number, RareParts>();

  constructor(private readonly sequences: SequenceTable) {}

  /** How many task runs are stored. */
  get size(): number {
    return this.rows.size;
  }

  /** Stores a copy of `record`, replacing the one with the same `taskRunId` (which keeps its place). */
  put(record: TaskRunRecord): void {
    let row = this.rows.get(record.taskRunId);
    if (row === undefined) {
      row = this.rows.size;
      this.rows.set(record.taskRunId, row);
      this.reserve(row + 1);
    }
    this.names[row] = record.taskName;
    this.cacheKeys[row] = record.cacheKey;
    this.errors[row] = record.error;
    this.states[row] = STATE_CODES.get(record.state)!;
    const n = row * NUMBERS;
    this.numbers[n] = record.startTime ?? 0;
    this.numbers[n + 1] = record.endTime ?? 0;
    this.numbers[n + 2] = record.durationMs ?? 0;
    this.numbers[n + 3] = record.attempts;
    this.flags[row] =
      (record.startTime === null ? START_NULL : 0) |
      (record.endTime === null ? END_NULL : 0) |
      (record.durationMs === null ? DURATION_NULL : 0) |
      (record.cacheHit ? CACHE_HIT : 0);
    this.putHistory(row, record.stateHistory);
  }

  /** Every stored record (fresh copies), in first-recorded order. */
  list(): TaskRunRecord[] {
    const out = new Array<TaskRunRecord>(this.rows.size);
    for (const [taskRunId, row] of this.rows) out[row] = this.record(taskRunId, row);
    return out;
  }

  private record(taskRunId: string, row: number): TaskRunRecord {
    const n = row * NUMBERS;
    const flags = this.flags[row];
    return {
      taskRunId,
      taskName: this.names[row],
      state: STATE_TYPES[this.states[row]],
      stateHistory: this.history(row),
      startTime: flags & START_NULL ? null : this.numbers[n],
      endTime: flags & END_NULL ? null : this.numbers[n + 1],
      durationMs: flags & DURATION_NULL ? null : this.numbers[n + 2],
      attempts: this.numbers[n + 3],
      cacheKey: this.cacheKeys[row],
      cacheHit: (flags & CACHE_HIT) !== 0,
      error: this.errors[row],
    };
  }

  private putHistory(row: number, history: readonly StateTransition[]): void {
    const length = history.length;
    // A replaced record reuses its slot of times when the new history fits, else takes a new one.
    let at = this.historyAt[row];
    if (this.historyLength[row] < length) {
      at = this.timesUsed;
      this.timesUsed += length;
      this.times = grown(this.times, this.timesUsed, (l) => new Float64Array(l));
    }
    this.historyAt[row] = at;
    this.historyLength[row] = length;
    let messages: (string | undefined)[] | undefined;
    for (let i = 0; i < length; i++) {
      const s = history[i];
      this.times[at + i] = s.timestamp;
      if (s.message !== undefined) (messages ??= new Array<string | undefined>(length))[i] = s.message;
    }
    const id = this.sequences.idOf(history);
    this.sequenceIds[row] = id;
    if (id < 0 || messages) this.rare.set(row, { kinds: id < 0 ? history.map(kindOf) : undefined, messages });
    else this.rare.delete(row);
  }

  private history(row: number): StateTransition[] {
    const id = this.sequenceIds[row];
    const rare = this.rare.get(row);
    const kinds = id < 0 ? rare!.kinds! : this.sequences.kinds(id);
    const messages = rare?.messages;
    const at = this.historyAt[row];
    const out = new Array<StateTransition>(kinds.length);
    for (let i = 0; i < kinds.length; i++) {
      const s: StateTransition = { type: kinds[i].type, timestamp: this.times[at + i] };
      if (kinds[i].name !== undefined) s.name = kinds[i].name;
      const message = messages?.[i];
      if (message !== undefined) s.message = message;
      out[i] = s;
    }
    return out;
  }

  /** Makes room for `rows` rows in every typed column. */
  private reserve(rows: number): void {
    this.states = grown(this.states, rows, (l) => new Uint8Array(l));
    this.flags = grown(this.flags, rows, (l) => new Uint8Array(l));
    this.sequenceIds = grown(this.sequenceIds, rows, (l) => new Int32Array(l));
    this.historyAt = grown(this.historyAt, rows, (l) => new Int32Array(l));
    this.historyLength = grown(this.historyLength, rows, (l) => new Int32Array(l));
    this.numbers = grown(this.numbers, rows * NUMBERS, (l) => new Float64Array(l));
  }
}
