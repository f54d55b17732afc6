import type { ConformanceContext } from './conformance.js';
import type { FlowRunRecord, TaskRunRecord } from './tracker.js';

const code = (c: string) => ({ code: c });

function taskRun(id: string, patch: Partial<TaskRunRecord> = {}): TaskRunRecord {
  return {
    taskRunId: id,
    taskName: 'Pipeline.train',
    taskRunName: 'Pipeline.train',
    state: 'RUNNING',
    stateHistory: [
      { type: 'PENDING', timestamp: 10 },
      { type: 'RUNNING', timestamp: 11 },
    ],
    startTime: 11,
    endTime: null,
    durationMs: null,
    attempts: 1,
    cacheKey: null,
    cacheHit: false,
    error: null,
    ...patch,
  };
}

/** Flow-run and task-run records and run logs. */
export function conformanceRecords({ t, withTracker }: ConformanceContext): void {
  const { describe, it, expect } = t;

  describe('orchestration records', () => {
    it(
      'stores and replaces the flow-run record of a run',
      withTracker(async (tr) => {
        const id = (await tr.createRun()).info.runId;
        expect(await tr.getFlowRun(id)).toBeUndefined();
        const record: FlowRunRecord = {
          flowName: 'clustering',
          state: 'RUNNING',
          stateHistory: [
            { type: 'PENDING', timestamp: 1 },
            { type: 'RUNNING', timestamp: 2 },
          ],
          parameters: { data: { n: 100, dims: [2, 3] }, seed: 42 },
        };
        await tr.setFlowRun(id, record);
        expect(await tr.getFlowRun(id)).toEqual(record);
        const done: FlowRunRecord = {
          ...record,
          state: 'FAILED',
          stateHistory: [
            ...record.stateHistory,
            { type: 'FAILED', timestamp: 3, message: 'boom', name: 'Failed' },
          ],
        };
        await tr.setFlowRun(id, done);
        expect(await tr.getFlowRun(id)).toEqual(done);
        await expect(
          tr.setFlowRun(id, { ...record, state: 'WEIRD' as never }),
        ).rejects.toMatchObject(code('TRACKING_INPUT'));
        await expect(
          tr.setFlowRun(id, {
            ...record,
            stateHistory: [{ type: 'RUNNING', timestamp: Number.NaN }],
          }),
        ).rejects.toMatchObject(code('TRACKING_INPUT'));
      }),
    );

    it(
      'upserts task runs by id and lists them in first-recorded order',
      withTracker(async (tr) => {
        const id = (await tr.createRun()).info.runId;
        await tr.upsertTaskRun(id, taskRun('t-1'));
        await tr.upsertTaskRun(
          id,
          taskRun('t-2', {
            taskName: 'Pipeline.generate',
            taskRunName: 'generate[seed=7, n=5000] — données ✓',
            cacheKey: 'abc',
            cacheHit: true,
            state: 'CACHED',
          }),
        );
        const finished = taskRun('t-1', {
          state: 'COMPLETED',
          stateHistory: [
            ...taskRun('t-1').stateHistory,
            { type: 'RETRYING', timestamp: 12 },
            { type: 'COMPLETED', timestamp: 20 },
          ],
          endTime: 20,
          durationMs: 9,
          attempts: 2,
        });
        await tr.upsertTaskRun(id, finished);
        const list = await tr.listTaskRuns(id);
        expect(list.map((r) => r.taskRunId)).toEqual(['t-1', 't-2']);
        expect(list[0]).toEqual(finished);
        expect(list[1]).toMatchObject({
          taskName: 'Pipeline.generate',
          taskRunName: 'generate[seed=7, n=5000] — données ✓',
          cacheKey: 'abc',
          cacheHit: true,
          state: 'CACHED',
        });
        // A replaced record takes its new name.
        await tr.upsertTaskRun(id, taskRun('t-2', { taskRunName: 'renamed' }));
        expect((await tr.listTaskRuns(id))[1].taskRunName).toBe('renamed');
        await tr.upsertTaskRun(
          id,
          taskRun('t-3', { state: 'FAILED', error: 'ValueError: bad input' }),
        );
        expect((await tr.listTaskRuns(id))[2].error).toBe('ValueError: bad input');
        await expect(tr.upsertTaskRun(id, taskRun('', {}))).rejects.toMatchObject(
          code('TRACKING_INPUT'),
        );
        await expect(tr.upsertTaskRun(id, taskRun('t-4', { attempts: -1 }))).rejects.toMatchObject(
          code('TRACKING_INPUT'),
        );
        for (const taskRunName of ['', ' ', 'x'.repeat(251), undefined]) {
          await expect(
            tr.upsertTaskRun(id, taskRun('t-5', { taskRunName: taskRunName as string })),
          ).rejects.toMatchObject(code('TRACKING_INPUT'));
        }
        expect(await tr.listTaskRuns(id)).toHaveLength(3);
      }),
    );

    it(
      'upserts a batch of task runs in order, checking every record before writing any',
      withTracker(async (tr) => {
        const id = (await tr.createRun()).info.runId;
        await tr.upsertTaskRun(id, taskRun('a'));
        const done = taskRun('a', {
          state: 'FAILED',
          stateHistory: [
            { type: 'PENDING', timestamp: 10, name: 'Pending' },
            { type: 'RUNNING', timestamp: 11 },
            { type: 'FAILED', timestamp: 15, message: 'ValueError: no' },
          ],
          endTime: 15,
          durationMs: 4,
          error: 'ValueError: no',
        });
        await tr.upsertTaskRuns(id, [taskRun('b'), done, taskRun('c', { state: 'PENDING' })]);
        const list = await tr.listTaskRuns(id);
        expect(list.map((r) => [r.taskRunId, r.state])).toEqual([
          ['a', 'FAILED'],
          ['b', 'RUNNING'],
          ['c', 'PENDING'],
        ]);
        expect(list[0]).toEqual(done);
        // What a caller does to its records afterwards does not reach the store.
        done.stateHistory[2].message = 'changed';
        expect((await tr.listTaskRuns(id))[0].stateHistory[2].message).toBe('ValueError: no');
        await expect(
          tr.upsertTaskRuns(id, [taskRun('d'), taskRun('e', { attempts: -1 })]),
        ).rejects.toMatchObject(code('TRACKING_INPUT'));
        expect(await tr.listTaskRuns(id)).toHaveLength(3);
        await tr.upsertTaskRuns(id, []);
        expect(await tr.listTaskRuns(id)).toHaveLength(3);
      }),
    );

    it(
      'appends log lines in order and filters them by task run',
      withTracker(async (tr) => {
        const id = (await tr.createRun()).info.runId;
        await tr.logLines(id, [
          { timestamp: 1, level: 'info', message: 'flow started' },
          { timestamp: 2, level: 'debug', message: 'task a', taskRunId: 'a' },
        ]);
        await tr.logLines(id, [
          { timestamp: 3, level: 'error', message: 'task b failed', taskRunId: 'b' },
        ]);
        await tr.logLines(id, []);
        expect((await tr.getLogs(id)).map((l) => l.message)).toEqual([
          'flow started',
          'task a',
          'task b failed',
        ]);
        expect(await tr.getLogs(id, { taskRunId: 'b' })).toEqual([
          { timestamp: 3, level: 'error', message: 'task b failed', taskRunId: 'b' },
        ]);
        expect(await tr.getLogs(id, { limit: 1 })).toEqual([
          { timestamp: 1, level: 'info', message: 'flow started' },
        ]);
        await expect(
          tr.logLines(id, [
            { timestamp: 4, level: 'info', message: 'fine' },
            { timestamp: 5, level: 'loud' as never, message: 'x' },
          ]),
        ).rejects.toMatchObject(code('TRACKING_INPUT'));
        expect(await tr.getLogs(id)).toHaveLength(3);
      }),
    );
  });
}
