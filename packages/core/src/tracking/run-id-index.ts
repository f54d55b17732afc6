/** The value of each hex digit's character code (lowercase only), -1 for any other character. */
const HEX_VALUES = new Int8Array(128).fill(-1);
for (let i = 0; i < 16; i++) HEX_VALUES['0123456789abcdef'.charCodeAt(i)] = i;
const HEX_CODES = Array.from('0123456789abcdef', (c) => c.charCodeAt(0));

/** Reads a 32-digit lowercase hex id into four 32-bit words; false for any other string. */
function readHex(id: string, out: Int32Array): boolean {
  if (id.length !== 32) return false;
  for (let w = 0; w < 4; w++) {
    let word = 0;
    for (let i = w * 8; i < w * 8 + 8; i++) {
      const c = id.charCodeAt(i);
      const digit = c < 128 ? HEX_VALUES[c] : -1;
      if (digit < 0) return false;
      word = (word << 4) | digit;
    }
    out[w] = word;
  }
  return true;
}

/** A well-mixed hash of four words (ids may be sequential, not random). */
function hashOf(words: Int32Array, at: number): number {
  let h =
    Math.imul(words[at], 0x9e3779b1) ^
    Math.imul(words[at + 1], 0x85ebca77) ^
    Math.imul(words[at + 2], 0xc2b2ae3d) ^
    Math.imul(words[at + 3], 0x27d4eb2f);
  h ^= h >>> 15;
  return Math.imul(h, 0x2c1b3c6d) ^ (h >>> 13);
}

/**
 * Row numbers by run id, rows numbered 0, 1, ... in the order ids were added. An id in tideflow's
 * own form (32 lowercase hex digits) is kept as four words in a typed array, found through an
 * open-addressing table of row numbers: no string and no Map entry per id, so a store of 100k
 * task runs gives the garbage collector nothing per id to trace or copy, and a lookup touches one
 * or two cache lines instead of chasing pointers through a large Map. Each slot keeps its id's
 * hash beside its row, so a probe past another id (and the lookup of a new id) reads only the
 * slot table, not that id's words. Other ids go to a Map.
 */
export class RunIdIndex {
  /** Four words per row (unused for rows whose id is in {@link RunIdIndex.others}). */
  private words = new Int32Array(0);
  /**
   * Open addressing, two words a slot: row + 1 of a hex id (0 when free), then its hash; at most
   * half full.
   */
  private slots = new Int32Array(0);
  private hexRows = 0;
  private rows = 0;
  /** Ids not in hex form, and the other way round. */
  private readonly others = new Map<string, number>();
  private readonly otherIds = new Map<number, string>();
  private readonly key = new Int32Array(4);

  /** How many ids there are. */
  get size(): number {
    return this.rows;
  }

  /** The row of `id`, added as the next row (numbered {@link RunIdIndex.size}) when it has none. */
  rowOf(id: string): number {
    if (!readHex(id, this.key)) {
      let row = this.others.get(id);
      if (row === undefined) {
        row = this.rows++;
        this.others.set(id, row);
        this.otherIds.set(row, id);
      }
      return row;
    }
    const hash = hashOf(this.key, 0);
    const slots = this.slots;
    if (slots.length) {
      const mask = (slots.length >> 1) - 1;
      let s = hash & mask;
      for (let row = slots[2 * s] - 1; row >= 0; row = slots[2 * s] - 1) {
        if (slots[2 * s + 1] === hash && this.matches(row)) return row;
        s = (s + 1) & mask;
      }
    }
    return this.add(hash);
  }

  /** Adds the id in {@link RunIdIndex.key}, of hash `hash`, as the next row. */
  private add(hash: number): number {
    const row = this.rows++;
    if (this.words.length < this.rows * 4) {
      const words = new Int32Array(Math.max(64, this.words.length * 2));
      words.set(this.words);
      this.words = words;
    }
    this.words.set(this.key, row * 4);
    if (++this.hexRows * 4 > this.slots.length) this.rehash(Math.max(64, this.slots.length * 2));
    this.insert(row, hash);
    return row;
  }

  /** The id of `row`. */
  idOf(row: number): string {
    const other = this.otherIds.get(row);
    if (other !== undefined) return other;
    const codes = new Array<number>(32);
    for (let w = 0; w < 4; w++) {
      const word = this.words[row * 4 + w];
      for (let i = 0; i < 8; i++) codes[w * 8 + i] = HEX_CODES[(word >>> (28 - 4 * i)) & 15];
    }
    return String.fromCharCode(...codes);
  }

  private matches(row: number): boolean {
    const at = row * 4;
    const w = this.words;
    const k = this.key;
    return w[at] === k[0] && w[at + 1] === k[1] && w[at + 2] === k[2] && w[at + 3] === k[3];
  }

  private insert(row: number, hash: number): void {
    const slots = this.slots;
    const mask = (slots.length >> 1) - 1;
    let s = hash & mask;
    while (slots[2 * s] !== 0) s = (s + 1) & mask;
    slots[2 * s] = row + 1;
    slots[2 * s + 1] = hash;
  }

  /** Moves every slot to a table of `words` words (two a slot). */
  private rehash(words: number): void {
    const old = this.slots;
    this.slots = new Int32Array(words);
    for (let s = 0; s < old.length; s += 2) if (old[s] !== 0) this.insert(old[s] - 1, old[s + 1]);
  }
}
