import { describe, expect, it } from 'vitest';
import { MemoryTracker } from '@tideflow/core';
import { trackerConformance } from '@tideflow/core/testing';

trackerConformance({ describe, it, expect }, () => new MemoryTracker(), {
  changeRetention: 11_000,
});

describe('MemoryTracker change feed', () => {
  it('keeps the newest record changes it is told to', async () => {
    const tr = new MemoryTracker({ changeRetention: 20 });
    const id = (await tr.createRun()).info.runId;
    const { cursor } = await tr.readChanges();
    const record = (state: 'RUNNING' | 'COMPLETED') => ({
      flowName: 'f',
      state,
      stateHistory: [{ type: state, timestamp: 1 }],
      parameters: {},
    });
    for (let i = 0; i < 19; i++) await tr.setFlowRun(id, record('RUNNING'));
    // 19 kept of 20: a reader from the start still reads them.
    expect((await tr.readChanges(cursor)).resync).toBeUndefined();
    for (let i = 0; i < 5; i++) await tr.setFlowRun(id, record('COMPLETED'));
    const page = await tr.readChanges(cursor);
    expect(page).toMatchObject({ changes: [], resync: true, cursor: { records: 24 } });
  });

  it('refuses a retention that is not a whole number >= 1', () => {
    for (const bad of [0, -1, 1.5, Number.NaN])
      expect(() => new MemoryTracker({ changeRetention: bad })).toThrow(/changeRetention/);
  });
});

describe('MemoryTracker search', () => {
  it('hands out copies of the runs it searches and sees every later write', async () => {
    const tr = new MemoryTracker();
    const run = (await tr.createRun({ name: 'a' })).info.runId;
    await tr.logMetric(run, 'acc', 0.5);
    const [found] = (await tr.searchRuns({ filter: 'metrics.acc = 0.5' })).runs;
    found.data.metrics.acc = 0.9;
    found.info.name = 'changed';
    expect((await tr.getRun(run)).data.metrics.acc).toBe(0.5);
    expect((await tr.searchRuns({ filter: 'metrics.acc = 0.9' })).runs).toEqual([]);
    await tr.logMetric(run, 'acc', 0.7, { step: 1 });
    await tr.setTag(run, 't', 'x');
    await tr.updateRun(run, { status: 'FINISHED' });
    const [again] = (await tr.searchRuns({ filter: "metrics.acc = 0.7 and tags.t = 'x'" })).runs;
    expect(again.info).toMatchObject({ name: 'a', status: 'FINISHED' });
    await tr.deleteRun(run);
    expect((await tr.searchRuns({})).runs).toEqual([]);
  });
});
