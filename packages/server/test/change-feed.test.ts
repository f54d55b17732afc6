import { describe, expect, it } from 'vitest';
import { MemoryTracker } from '@tideflow/core';
import type { ChangeCursor, FlowRunRecord } from '@tideflow/core';
import { ChangeFeed } from '../src/change-feed.js';

const record = (state: FlowRunRecord['state']): FlowRunRecord => ({
  flowName: 'f',
  state,
  stateHistory: [{ type: state, timestamp: 1 }],
  parameters: {},
});

describe('ChangeFeed', () => {
  it('tells every live subscriber to resync when the shared reader falls behind the store', async () => {
    const tracker = new MemoryTracker({ changeRetention: 5 });
    const id = (await tracker.createRun()).info.runId;
    // A long interval: all the writes below land between two polls.
    const feed = new ChangeFeed(tracker, { intervalMs: 300 });
    const seen: { kind: string; cursor: ChangeCursor }[][] = [[], []];
    for (const list of seen)
      await feed.subscribe((change, cursor) => list.push({ kind: change.kind, cursor }));
    for (let i = 0; i < 12; i++) await tracker.setFlowRun(id, record('RUNNING'));
    const end = (await tracker.readChanges()).cursor;
    for (let i = 0; i < 100 && seen[1].length === 0; i++)
      await new Promise((r) => setTimeout(r, 20));
    for (const list of seen) expect(list).toEqual([{ kind: 'resync', cursor: end }]);
    // And reads on from there.
    await tracker.setFlowRun(id, record('COMPLETED'));
    for (let i = 0; i < 100 && seen[1].length < 2; i++) await new Promise((r) => setTimeout(r, 20));
    for (const list of seen) expect(list.map((e) => e.kind)).toEqual(['resync', 'flow-run']);
    await feed.close();
    await tracker.close();
  });
  it('unsubscribes a listener that throws, and goes on delivering to the others', async () => {
    const tracker = new MemoryTracker();
    const id = (await tracker.createRun()).info.runId;
    const feed = new ChangeFeed(tracker, { intervalMs: 10 });
    const kinds: string[] = [];
    await feed.subscribe(() => {
      throw new Error('a broken client');
    });
    await feed.subscribe((change) => kinds.push(change.kind));
    expect(feed.size).toBe(2);
    await tracker.setFlowRun(id, record('RUNNING'));
    for (let i = 0; i < 100 && kinds.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
    expect(kinds).toEqual(['flow-run']);
    expect(feed.size).toBe(1);
    await tracker.setFlowRun(id, record('COMPLETED'));
    for (let i = 0; i < 100 && kinds.length < 2; i++) await new Promise((r) => setTimeout(r, 10));
    expect(kinds).toEqual(['flow-run', 'flow-run']);
    await feed.close();
    await tracker.close();
  });
});
