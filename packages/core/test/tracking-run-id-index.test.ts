import { describe, expect, it } from 'vitest';
import { newRunId } from '../src/engine/run-id.js';
import { RunIdIndex } from '../src/tracking/run-id-index.js';

describe('the index of run ids of the memory store', () => {
  it('numbers ids in the order they come, finds them again, and gives each id back exactly', () => {
    const index = new RunIdIndex();
    const ids = Array.from({ length: 5_000 }, () => newRunId());
    ids.forEach((id, row) => expect(index.rowOf(id)).toBe(row));
    expect(index.size).toBe(5_000);
    // Found again (through several rehashes), not added twice.
    ids.forEach((id, row) => expect(index.rowOf(id)).toBe(row));
    expect(index.size).toBe(5_000);
    ids.forEach((id, row) => expect(index.idOf(row)).toBe(id));
  });

  it('tells apart sequential hex ids and keeps ids of any other form as they are', () => {
    const index = new RunIdIndex();
    const hex = (i: number): string => i.toString(16).padStart(32, '0');
    const others = [
      't-1',
      '',
      'ABCDEF0123456789ABCDEF0123456789',
      `${hex(7).slice(1)}g`,
      hex(1) + '0',
    ];
    for (let i = 0; i < 3_000; i++) index.rowOf(hex(i));
    others.forEach((id, k) => expect(index.rowOf(id)).toBe(3_000 + k));
    for (let i = 3_000; i < 6_000; i++) index.rowOf(hex(i));
    expect(index.size).toBe(6_000 + others.length);
    for (let i = 0; i < 6_000; i += 7) expect(index.idOf(index.rowOf(hex(i)))).toBe(hex(i));
    others.forEach((id, k) => {
      expect(index.rowOf(id)).toBe(3_000 + k);
      expect(index.idOf(3_000 + k)).toBe(id);
    });
    expect(index.rowOf('ffffffffffffffffffffffffffffffff')).toBe(6_000 + others.length);
    expect(index.idOf(6_000 + others.length)).toBe('ffffffffffffffffffffffffffffffff');
  });
});
