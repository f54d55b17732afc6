import type { StateType } from '../engine/state.js';
import type { StateTransition, TaskRunRecord } from './tracker.js';

/** A transition without its time and message: what most task runs share. */
interface Kind {
  readonly type: StateType;
  readonly name?: string;
}

/** A task-run record as the memory store keeps it (see {@link packTaskRun}). */
export interface PackedTaskRun {
  /** The record's own fields (a copy), without the state history. */
  readonly fields: Omit<TaskRunRecord, 'stateHistory'>;
  /** The type and name of each state entered: an array shared by every run with the same sequence. */
  readonly kinds: readonly Kind[];
  /** When each state was entered (unboxed doubles). */
  readonly times: readonly number[];
  /** The message of each state, only when one of them has a message. */
  readonly messages?: readonly (string | undefined)[];
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

  constructor(readonly kinds: readonly Kind[]) {}

  /** The node of this sequence followed by `kind`, made on first use (undefined once the table is full). */
  child(kind: Kind, table: SequenceTable): SequenceNode | undefined {
    let byName = this.next.get(kind.type);
    if (!byName) this.next.set(kind.type, (byName = new Map<string | undefined, SequenceNode>()));
    let node = byName.get(kind.name);
    if (!node) {
      if (table.size >= MAX_SHARED_SEQUENCES) return undefined;
      table.size++;
      node = new SequenceNode([...this.kinds, kindOf(kind)]);
      byName.set(kind.name, node);
    }
    return node;
  }
}

/** The shared sequences of one store. */
export class SequenceTable {
  /** How many sequences are shared. */
  size = 0;
  private readonly root = new SequenceNode([]);

  /** The shared array of the history's types and names, or a fresh one when it cannot be shared. */
  kindsOf(history: readonly StateTransition[]): readonly Kind[] {
    let node: SequenceNode | undefined = this.root;
    if (history.length <= MAX_SHARED_LENGTH) {
      for (let i = 0; i < history.length && node; i++) node = node.child(history[i], this);
      if (node) return node.kinds;
    }
    return history.map(kindOf);
  }
}

/**
 * Packs a task-run record for the memory store: one object for its fields, and its state
 * history as an array of times plus a shared array of state types and names, instead of one
 * object per transition. 100k task runs in a flow are 100k records kept for the life of the
 * process; this keeps them small and few objects for the garbage collector to trace.
 */
export function packTaskRun(record: TaskRunRecord, table: SequenceTable): PackedTaskRun {
  const { stateHistory, ...fields } = record;
  const n = stateHistory.length;
  const times = new Array<number>(n);
  let messages: (string | undefined)[] | undefined;
  for (let i = 0; i < n; i++) {
    const s = stateHistory[i];
    times[i] = s.timestamp;
    if (s.message !== undefined) (messages ??= new Array<string | undefined>(n))[i] = s.message;
  }
  return { fields, kinds: table.kindsOf(stateHistory), times, messages };
}

/** The task-run record a packed one holds (a fresh copy). */
export function unpackTaskRun(packed: PackedTaskRun): TaskRunRecord {
  const { kinds, times, messages } = packed;
  const stateHistory: StateTransition[] = new Array<StateTransition>(kinds.length);
  for (let i = 0; i < kinds.length; i++) {
    const s: StateTransition = { type: kinds[i].type, timestamp: times[i] };
    if (kinds[i].name !== undefined) s.name = kinds[i].name;
    const message = messages?.[i];
    if (message !== undefined) s.message = message;
    stateHistory[i] = s;
  }
  return { ...packed.fields, stateHistory };
}
