import { STATE_TYPES, type StateType } from '../engine/state.js';
import { RunIdIndex } from './run-id-index.js';
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

/** Whether `history` has the types and names of `kinds`. */
function sameKinds(kinds: readonly Kind[], history: readonly Kind[]): boolean {
  if (kinds.length !== history.length) return false;
  for (let i = 0; i < kinds.length; i++)
    if (kinds[i].type !== history[i].type || kinds[i].name !== history[i].name) return false;
  return true;
}

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
  /** The sequence found last. */
  private lastId = 0;

  /** How many sequences are shared. */
  get size(): number {
    return this.sequences.length - 1;
  }

  /** The number of the history's sequence of types and names, or -1 when it cannot be shared. */
  idOf(history: readonly Kind[]): number {
    if (history.length > MAX_SHARED_LENGTH) return -1;
    // Most task runs repeat the sequence of the one before (Pending, Running, Completed).
    const last = this.sequences[this.lastId];
    if (sameKinds(last, history)) return this.lastId;
    const id = this.lookUp(history);
    if (id >= 0) this.lastId = id;
    return id;
  }

  private lookUp(history: readonly Kind[]): number {
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

/** The code of each state type in a page's state column. */
const STATE_CODES = new Map<StateType, number>(STATE_TYPES.map((t, i) => [t, i]));

/** Bits of a page's flags column. */
const START_NULL = 1;
const END_NULL = 2;
const DURATION_NULL = 4;
const CACHE_HIT = 8;
/** The row has parts in {@link TaskRunTable}'s map of rare parts. */
const RARE = 16;

/** Rows per page: full pages are never copied (the first one grows up to this size from {@link FIRST_PAGE_ROWS}). */
const PAGE_BITS = 10;
const PAGE_ROWS = 1 << PAGE_BITS;
const FIRST_PAGE_ROWS = 8;
/** Numbers per row in a page's number column: start, end, duration, attempts. */
const NUMBERS = 4;

/** What few rows have: a history that is not shared, messages on their states. */
interface RareParts {
  kinds?: readonly Kind[];
  messages?: readonly (string | undefined)[];
}

/** The columns of up to {@link PAGE_ROWS} rows of a {@link TaskRunTable}. */
class Page {
  /** The task name and the run name of each row, by number in the table's names. */
  readonly names: Int32Array;
  readonly runNames: Int32Array;
  readonly states: Uint8Array;
  readonly flags: Uint8Array;
  readonly numbers: Float64Array;
  readonly cacheKeys: (string | null)[];
  readonly errors: (string | null)[];
  /** Each row's shared sequence number, or -1 (its kinds are rare parts). */
  readonly sequenceIds: Int32Array;
  /** Where each row's state times start in {@link Page.times}, and how many there are. */
  readonly historyAt: Int32Array;
  readonly historyLength: Int32Array;
  /** The state times of the page's rows (three per row fit without growing). */
  times: Float64Array;
  timesUsed = 0;

  /** A page of `capacity` rows, holding a copy of `from`'s rows when given. */
  constructor(
    readonly capacity: number,
    from?: Page,
  ) {
    this.names = new Int32Array(capacity);
    this.runNames = new Int32Array(capacity);
    this.states = new Uint8Array(capacity);
    this.flags = new Uint8Array(capacity);
    this.numbers = new Float64Array(capacity * NUMBERS);
    this.cacheKeys = new Array<string | null>(capacity).fill(null);
    this.errors = new Array<string | null>(capacity).fill(null);
    this.sequenceIds = new Int32Array(capacity);
    this.historyAt = new Int32Array(capacity);
    this.historyLength = new Int32Array(capacity);
    this.times = new Float64Array(capacity * 3);
    if (!from) return;
    for (const column of [
      'names',
      'runNames',
      'states',
      'flags',
      'numbers',
      'sequenceIds',
    ] as const)
      this[column].set(from[column]);
    this.historyAt.set(from.historyAt);
    this.historyLength.set(from.historyLength);
    for (let i = 0; i < from.capacity; i++) {
      this.cacheKeys[i] = from.cacheKeys[i];
      this.errors[i] = from.errors[i];
    }
    this.reserveTimes(from.timesUsed);
    this.times.set(from.times.subarray(0, from.timesUsed));
  }

  /** A slot of `length` times, grown when the page has no room left. */
  reserveTimes(length: number): number {
    const at = this.timesUsed;
    this.timesUsed += length;
    if (this.timesUsed > this.times.length) {
      const times = new Float64Array(Math.max(this.timesUsed, this.times.length * 2));
      times.set(this.times);
      this.times = times;
    }
    return at;
  }
}

/**
 * The task-run records of one tracking run, as the memory store keeps them: in columns (typed
 * arrays of numbers and codes, in pages of {@link PAGE_ROWS} rows; state histories as runs of
 * times plus a shared sequence of state types and names), not one object per record and per
 * transition. 100k task runs in a flow are 100k records kept for the life of the process; in
 * columns, the garbage collector has nothing per record to trace or copy (the ids are words in a
 * typed array too, see {@link RunIdIndex}), and storing a record allocates nothing.
 */
export class TaskRunTable {
  /** The row of each task run id, in first-recorded order. */
  private readonly rows = new RunIdIndex();
  private readonly pages: Page[] = [];
  /** The task names and run names, by number (a table has a few). */
  private readonly names: string[] = [];
  private readonly nameIds = new Map<string, number>();
  private readonly rare = new Map<number, RareParts>();

  constructor(private readonly sequences: SequenceTable) {}

  /** How many task runs are stored. */
  get size(): number {
    return this.rows.size;
  }

  /** Stores a copy of `record`, replacing the one with the same `taskRunId` (which keeps its place). */
  put(record: TaskRunRecord): void {
    const row = this.rows.rowOf(record.taskRunId);
    const page = this.pageOf(row);
    const i = row & (PAGE_ROWS - 1);
    page.names[i] = this.nameId(record.taskName);
    page.runNames[i] = this.nameId(record.taskRunName);
    page.cacheKeys[i] = record.cacheKey;
    page.errors[i] = record.error;
    page.states[i] = STATE_CODES.get(record.state)!;
    const n = i * NUMBERS;
    page.numbers[n] = record.startTime ?? 0;
    page.numbers[n + 1] = record.endTime ?? 0;
    page.numbers[n + 2] = record.durationMs ?? 0;
    page.numbers[n + 3] = record.attempts;
    const rare = this.putHistory(page, i, row, record.stateHistory);
    page.flags[i] =
      (record.startTime === null ? START_NULL : 0) |
      (record.endTime === null ? END_NULL : 0) |
      (record.durationMs === null ? DURATION_NULL : 0) |
      (record.cacheHit ? CACHE_HIT : 0) |
      rare;
  }

  /** Every stored record (fresh copies), in first-recorded order. */
  list(): TaskRunRecord[] {
    const out = new Array<TaskRunRecord>(this.rows.size);
    for (let row = 0; row < out.length; row++) out[row] = this.record(row);
    return out;
  }

  /** The page of `row`, made (or grown) when the row is new. */
  private pageOf(row: number): Page {
    const p = row >> PAGE_BITS;
    let page = this.pages[p];
    if (!page) this.pages.push((page = new Page(p ? PAGE_ROWS : FIRST_PAGE_ROWS)));
    else if ((row & (PAGE_ROWS - 1)) >= page.capacity)
      this.pages[p] = page = new Page(page.capacity * 2, page);
    return page;
  }

  private nameId(name: string): number {
    let id = this.nameIds.get(name);
    if (id === undefined) {
      id = this.names.push(name) - 1;
      this.nameIds.set(name, id);
    }
    return id;
  }

  private record(row: number): TaskRunRecord {
    const page = this.pages[row >> PAGE_BITS];
    const i = row & (PAGE_ROWS - 1);
    const n = i * NUMBERS;
    const flags = page.flags[i];
    return {
      taskRunId: this.rows.idOf(row),
      taskName: this.names[page.names[i]],
      taskRunName: this.names[page.runNames[i]],
      state: STATE_TYPES[page.states[i]],
      stateHistory: this.history(page, i, row),
      startTime: flags & START_NULL ? null : page.numbers[n],
      endTime: flags & END_NULL ? null : page.numbers[n + 1],
      durationMs: flags & DURATION_NULL ? null : page.numbers[n + 2],
      attempts: page.numbers[n + 3],
      cacheKey: page.cacheKeys[i],
      cacheHit: (flags & CACHE_HIT) !== 0,
      error: page.errors[i],
    };
  }

  /** Stores the row's state history; returns the {@link RARE} flag when it has rare parts. */
  private putHistory(
    page: Page,
    i: number,
    row: number,
    history: readonly StateTransition[],
  ): number {
    const length = history.length;
    // A replaced record reuses its slot of times when the new history fits, else takes a new one.
    const at = page.historyLength[i] < length ? page.reserveTimes(length) : page.historyAt[i];
    page.historyAt[i] = at;
    page.historyLength[i] = length;
    const times = page.times;
    let messages: (string | undefined)[] | undefined;
    for (let k = 0; k < length; k++) {
      const s = history[k];
      times[at + k] = s.timestamp;
      if (s.message !== undefined)
        (messages ??= new Array<string | undefined>(length))[k] = s.message;
    }
    const id = this.sequences.idOf(history);
    page.sequenceIds[i] = id;
    if (page.flags[i] & RARE) this.rare.delete(row);
    if (id >= 0 && !messages) return 0;
    this.rare.set(row, { kinds: id < 0 ? history.map(kindOf) : undefined, messages });
    return RARE;
  }

  private history(page: Page, i: number, row: number): StateTransition[] {
    const id = page.sequenceIds[i];
    const rare = page.flags[i] & RARE ? this.rare.get(row) : undefined;
    const kinds = id < 0 ? rare!.kinds! : this.sequences.kinds(id);
    const messages = rare?.messages;
    const at = page.historyAt[i];
    const out = new Array<StateTransition>(kinds.length);
    for (let k = 0; k < kinds.length; k++) {
      const s: StateTransition = { type: kinds[k].type, timestamp: page.times[at + k] };
      if (kinds[k].name !== undefined) s.name = kinds[k].name;
      const message = messages?.[k];
      if (message !== undefined) s.message = message;
      out[k] = s;
    }
    return out;
  }
}
