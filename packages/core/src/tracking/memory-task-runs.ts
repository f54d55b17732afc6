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

/** The code of each state type (its index in {@link STATE_TYPES}). */
const STATE_CODES = new Map<StateType, number>(STATE_TYPES.map((t, i) => [t, i]));

/** Bits of a row's flags (above its state code, in {@link CODE_STATE}). */
const START_NULL = 1 << 8;
const END_NULL = 2 << 8;
const DURATION_NULL = 4 << 8;
const CACHE_HIT = 8 << 8;
/** The row has parts in {@link TaskRunTable}'s map of rare parts. */
const RARE = 16 << 8;

/** Rows per page: full pages are never copied (the first one grows up to this size from {@link FIRST_PAGE_ROWS}). */
const PAGE_BITS = 10;
const PAGE_ROWS = 1 << PAGE_BITS;
const FIRST_PAGE_ROWS = 8;

/**
 * A row's numbers: start, end, duration, attempts, then the times of its first states (a history
 * this long or shorter, with a shared sequence and no messages, needs nothing else).
 */
const NUM_START = 0;
const NUM_END = 1;
const NUM_DURATION = 2;
const NUM_ATTEMPTS = 3;
const NUM_TIMES = 4;
const INLINE_TIMES = 3;
const NUMBERS = NUM_TIMES + INLINE_TIMES;
/** A row's codes: task name, run name (numbers in the table's names), state | flags, sequence. */
const CODE_NAME = 0;
const CODE_RUN_NAME = 1;
const CODE_STATE = 2;
const CODE_SEQUENCE = 3;
const CODES = 4;

/** What few rows have: a long history, a history that is not shared, messages on their states. */
interface RareParts {
  times?: readonly number[];
  kinds?: readonly Kind[];
  messages?: readonly (string | undefined)[];
}

/** The rows of a {@link TaskRunTable}, up to {@link PAGE_ROWS} of them, each row's fields side by side. */
class Page {
  readonly numbers: Float64Array;
  readonly codes: Int32Array;
  /** Each row's cache key and error. */
  readonly strings: (string | null)[];

  /** A page of `capacity` rows, holding a copy of `from`'s rows when given. */
  constructor(
    readonly capacity: number,
    from?: Page,
  ) {
    this.numbers = new Float64Array(capacity * NUMBERS);
    this.codes = new Int32Array(capacity * CODES);
    this.strings = new Array<string | null>(capacity * 2).fill(null);
    if (!from) return;
    this.numbers.set(from.numbers);
    this.codes.set(from.codes);
    for (let i = 0; i < from.strings.length; i++) this.strings[i] = from.strings[i];
  }
}

/**
 * The task-run records of one tracking run, as the memory store keeps them: rows of numbers and
 * codes in typed arrays, in pages of {@link PAGE_ROWS} rows, the usual state history as its times
 * plus the number of a shared sequence of state types and names, not one object per record and
 * per transition. 100k task runs in a flow are 100k records kept for the life of the process; so
 * kept, the garbage collector has nothing per record to trace or copy (the ids are words in a
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

  /** Stores a copy of `record`, replacing the one with the same `taskRunId` (which keeps its place); returns its row. */
  put(record: TaskRunRecord): number {
    const row = this.rows.rowOf(record.taskRunId);
    const page = this.pageOf(row);
    const i = row & (PAGE_ROWS - 1);
    const n = i * NUMBERS;
    const c = i * CODES;
    const numbers = page.numbers;
    const codes = page.codes;
    numbers[n + NUM_START] = record.startTime ?? 0;
    numbers[n + NUM_END] = record.endTime ?? 0;
    numbers[n + NUM_DURATION] = record.durationMs ?? 0;
    numbers[n + NUM_ATTEMPTS] = record.attempts;
    codes[c + CODE_NAME] = this.nameId(record.taskName);
    codes[c + CODE_RUN_NAME] =
      record.taskRunName === record.taskName
        ? codes[c + CODE_NAME]
        : this.nameId(record.taskRunName);
    page.strings[2 * i] = record.cacheKey;
    page.strings[2 * i + 1] = record.error;
    const rare = this.putHistory(page, i, row, record.stateHistory);
    codes[c + CODE_STATE] =
      STATE_CODES.get(record.state)! |
      (record.startTime === null ? START_NULL : 0) |
      (record.endTime === null ? END_NULL : 0) |
      (record.durationMs === null ? DURATION_NULL : 0) |
      (record.cacheHit ? CACHE_HIT : 0) |
      rare;
    return row;
  }

  /** A fresh copy of the record stored at `row` (a row `put` returned). */
  at(row: number): TaskRunRecord {
    return this.record(row);
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
    const c = i * CODES;
    const { numbers, codes } = page;
    const state = codes[c + CODE_STATE];
    return {
      taskRunId: this.rows.idOf(row),
      taskName: this.names[codes[c + CODE_NAME]],
      taskRunName: this.names[codes[c + CODE_RUN_NAME]],
      state: STATE_TYPES[state & 255],
      stateHistory: this.history(page, i, row),
      startTime: state & START_NULL ? null : numbers[n + NUM_START],
      endTime: state & END_NULL ? null : numbers[n + NUM_END],
      durationMs: state & DURATION_NULL ? null : numbers[n + NUM_DURATION],
      attempts: numbers[n + NUM_ATTEMPTS],
      cacheKey: page.strings[2 * i],
      cacheHit: (state & CACHE_HIT) !== 0,
      error: page.strings[2 * i + 1],
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
    const numbers = page.numbers;
    const at = i * NUMBERS + NUM_TIMES;
    let messages: (string | undefined)[] | undefined;
    for (let k = 0; k < length; k++) {
      const s = history[k];
      if (k < INLINE_TIMES) numbers[at + k] = s.timestamp;
      if (s.message !== undefined)
        (messages ??= new Array<string | undefined>(length))[k] = s.message;
    }
    const id = this.sequences.idOf(history);
    page.codes[i * CODES + CODE_SEQUENCE] = id;
    if (page.codes[i * CODES + CODE_STATE] & RARE) this.rare.delete(row);
    if (id >= 0 && !messages && length <= INLINE_TIMES) return 0;
    this.rare.set(row, {
      times: length > INLINE_TIMES ? history.map((s) => s.timestamp) : undefined,
      kinds: id < 0 ? history.map(kindOf) : undefined,
      messages,
    });
    return RARE;
  }

  private history(page: Page, i: number, row: number): StateTransition[] {
    const id = page.codes[i * CODES + CODE_SEQUENCE];
    const rare = page.codes[i * CODES + CODE_STATE] & RARE ? this.rare.get(row) : undefined;
    const kinds = id < 0 ? rare!.kinds! : this.sequences.kinds(id);
    const messages = rare?.messages;
    const times = rare?.times;
    const at = i * NUMBERS + NUM_TIMES;
    const out = new Array<StateTransition>(kinds.length);
    for (let k = 0; k < kinds.length; k++) {
      const s: StateTransition = {
        type: kinds[k].type,
        timestamp: times ? times[k] : page.numbers[at + k],
      };
      if (kinds[k].name !== undefined) s.name = kinds[k].name;
      const message = messages?.[k];
      if (message !== undefined) s.message = message;
      out[k] = s;
    }
    return out;
  }
}
