import type { JobsOptions, Queue } from 'bullmq';
import { describe, expect, it } from 'vitest';
import { AddBatcher } from '../src/add-batcher.js';

/** A queue that records how it was asked to add jobs, and fails when told to. */
function fakeQueue(fail?: Error) {
  const calls: string[][] = [];
  const queue = {
    add: (_name: string, data: { id: string }) => {
      calls.push([data.id]);
      return fail ? Promise.reject(fail) : Promise.resolve({});
    },
    addBulk: (jobs: { data: { id: string }; opts: JobsOptions }[]) => {
      calls.push(jobs.map((j) => `${j.data.id}:${String(j.opts.jobId)}`));
      return fail ? Promise.reject(fail) : Promise.resolve([]);
    },
  };
  return { queue: queue as unknown as Queue, calls };
}

describe('AddBatcher', () => {
  it('adds the jobs of one event-loop turn in one round trip, and a lone job alone', async () => {
    const { queue, calls } = fakeQueue();
    const batcher = new AddBatcher(queue);
    const failed: unknown[] = [];
    for (const id of ['a', 'b', 'c'])
      batcher.add('t', { id }, { jobId: `j-${id}` }, (e) => failed.push(e));
    await new Promise((resolve) => setImmediate(resolve));
    batcher.add('t', { id: 'd' }, { jobId: 'j-d' }, (e) => failed.push(e));
    await new Promise((resolve) => setImmediate(resolve));
    expect(calls).toEqual([['a:j-a', 'b:j-b', 'c:j-c'], ['d']]);
    expect(failed).toEqual([]);
  });

  it('tells every job of a batch that Redis refused', async () => {
    const refused = new Error('READONLY');
    const { queue } = fakeQueue(refused);
    const batcher = new AddBatcher(queue);
    const failed: [string, unknown][] = [];
    for (const id of ['a', 'b'])
      batcher.add('t', { id }, { jobId: id }, (e) => failed.push([id, e]));
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(failed).toEqual([
      ['a', refused],
      ['b', refused],
    ]);
  });
});
