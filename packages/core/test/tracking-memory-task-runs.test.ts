import { describe, expect, it } from 'vitest';
import type { TaskRunRecord } from '../src/index.js';
import { SequenceTable, TaskRunTable } from '../src/tracking/memory-task-runs.js';

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

describe('task runs in the memory store’s columns', () => {
  it('come back equal, as fresh copies, in first-recorded order', () => {
    const table = new TaskRunTable(new SequenceTable());
    const records = Array.from({ length: 200 }, (_, i) =>
      record(`r${i}`, {
        taskRunName: `train[${i % 3}]`,
        attempts: i,
        cacheKey: i % 2 ? `k${i}` : null,
        cacheHit: i % 3 === 0,
      }),
    );
    for (const r of records) table.put(r);
    expect(table.size).toBe(200);
    expect(table.list()).toEqual(records);
    // Changing what came out changes nothing stored.
    const out = table.list();
    out[0].stateHistory[0].timestamp = 0;
    out[0].taskName = 'other';
    expect(table.list()[0]).toEqual(records[0]);
  });

  it('keep nulls, messages, absent names and long or unusual histories exactly', () => {
    const table = new TaskRunTable(new SequenceTable());
    const running = record('p', {
      state: 'RUNNING',
      stateHistory: [
        { type: 'PENDING', timestamp: 1 },
        { type: 'RUNNING', timestamp: 2 },
      ],
      startTime: 2,
      endTime: null,
      durationMs: null,
    });
    const failed = record('f', {
      state: 'FAILED',
      stateHistory: [
        { type: 'PENDING', timestamp: 1 },
        { type: 'RUNNING', timestamp: 2 },
        { type: 'FAILED', name: 'Exploded', timestamp: 3, message: 'Error: boom' },
      ],
      startTime: null,
      durationMs: 0,
      error: 'Error: boom',
    });
    const long = record('l', {
      stateHistory: Array.from({ length: 21 }, (_, i) => ({
        type: i % 2 ? ('RETRYING' as const) : ('RUNNING' as const),
        timestamp: i,
      })),
    });
    const empty = record('e', { state: 'PENDING', stateHistory: [] });
    for (const r of [running, failed, long, empty]) table.put(r);
    const [p, f, l, e] = table.list();
    expect(p).toEqual(running);
    expect(f).toEqual(failed);
    expect(f.stateHistory[0]).not.toHaveProperty('name');
    expect(f.stateHistory[0]).not.toHaveProperty('message');
    expect(l).toEqual(long);
    expect(e).toEqual(empty);
  });

  it('replace a record by id in place, with a longer, shorter or rarer history', () => {
    const table = new TaskRunTable(new SequenceTable());
    const started = record('a', {
      state: 'RUNNING',
      stateHistory: [{ type: 'RUNNING', timestamp: 5 }],
      endTime: null,
      durationMs: null,
    });
    table.put(started);
    table.put(record('b'));
    const failed = record('a', {
      state: 'FAILED',
      stateHistory: [
        { type: 'RUNNING', timestamp: 5 },
        { type: 'FAILED', timestamp: 6, message: 'Error: no' },
      ],
      error: 'Error: no',
    });
    table.put(failed);
    expect(table.list()).toEqual([failed, record('b')]);
    const done = record('a');
    table.put(done);
    table.put(record('b', { stateHistory: [{ type: 'CACHED', timestamp: 9 }] }));
    expect(table.list()).toEqual([
      done,
      record('b', { stateHistory: [{ type: 'CACHED', timestamp: 9 }] }),
    ]);
    expect(table.size).toBe(2);
  });

  it('share state sequences only up to a bound, so odd names cannot grow the table forever', () => {
    const sequences = new SequenceTable();
    const table = new TaskRunTable(sequences);
    const records = Array.from({ length: 2_000 }, (_, i) =>
      record(`r${i}`, { stateHistory: [{ type: 'RUNNING', name: `n${i}`, timestamp: i }] }),
    );
    for (const r of records) table.put(r);
    expect(sequences.size).toBe(1024);
    expect(table.list()).toEqual(records);
  });
});
