import { describe, expect, it } from 'vitest';
import { MemoryTracker } from '@tideflow/core';
import { trackerConformance } from '@tideflow/core/testing';

trackerConformance({ describe, it, expect }, () => new MemoryTracker());

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
