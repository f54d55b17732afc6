import { describe, expect, it } from 'vitest';
import type { TaskRunRecord } from '../src/index.js';
import { packTaskRun, SequenceTable, unpackTaskRun } from '../src/tracking/memory-task-runs.js';

function record(id: string, patch: Partial<TaskRunRecord> = {}): TaskRunRecord {
  return {
    taskRunId: id,
    taskName: 'Pipeline.train',
    taskRunName: 'Pipeline.train',
    state: 'COMPLETED',
    stateHistory: [
      { type: 'PENDING', name: 'Pending', timestamp: 1_700_000_000_001 },
      { type: 'RUNNING', name: 'Running', timestamp: 1_700_000_000_002.5 },
      { type: 'COMPLETED', name: 'Completed', timestamp: 1_700_000_000_010 },
    ],
    startTime: 1_700_000_000_002.5,
    endTime: 1_700_000_000_010,
    durationMs: 7.5,
    attempts: 1,
    cacheKey: null,
    cacheHit: false,
    error: null,
    ...patch,
  };
}

describe('task runs packed for the memory store', () => {
  it('come back equal, and runs with the same state sequence share one array of kinds', () => {
    const table = new SequenceTable();
    const a = packTaskRun(record('a'), table);
    const b = packTaskRun(record('b'), table);
    expect(unpackTaskRun(a)).toEqual(record('a'));
    expect(unpackTaskRun(b)).toEqual(record('b'));
    expect(b.kinds).toBe(a.kinds);
    expect(a.messages).toBeUndefined();
    // A fresh copy each time: changing what came out changes nothing stored.
    const out = unpackTaskRun(a);
    out.stateHistory[0].timestamp = 0;
    expect(unpackTaskRun(a).stateHistory[0].timestamp).toBe(1_700_000_000_001);
  });

  it('keep messages, absent names and long or unusual histories exactly', () => {
    const table = new SequenceTable();
    const failed = record('f', {
      state: 'FAILED',
      stateHistory: [
        { type: 'PENDING', timestamp: 1 },
        { type: 'RUNNING', timestamp: 2 },
        { type: 'FAILED', name: 'Exploded', timestamp: 3, message: 'Error: boom' },
      ],
      error: 'Error: boom',
    });
    const packed = packTaskRun(failed, table);
    expect(unpackTaskRun(packed)).toEqual(failed);
    expect(unpackTaskRun(packed).stateHistory[0]).not.toHaveProperty('name');
    const retried = Array.from({ length: 21 }, (_, i) => ({
      type: i % 2 ? ('RETRYING' as const) : ('RUNNING' as const),
      timestamp: i,
    }));
    const long = record('l', { stateHistory: retried });
    const p1 = packTaskRun(long, table);
    const p2 = packTaskRun(long, table);
    expect(unpackTaskRun(p1)).toEqual(long);
    expect(p2.kinds).not.toBe(p1.kinds); // too long to share
  });

  it('stop sharing once the table is full, so odd state names cannot grow it forever', () => {
    const table = new SequenceTable();
    for (let i = 0; i < 2_000; i++) {
      const r = record(`r${i}`, {
        stateHistory: [{ type: 'RUNNING', name: `n${i}`, timestamp: i }],
      });
      expect(unpackTaskRun(packTaskRun(r, table))).toEqual(r);
    }
    expect(table.size).toBe(1024);
  });
});
