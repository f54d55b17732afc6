import type { ConformanceContext } from './conformance.js';
import type { FlowRunRecord, TaskRunRecord } from './tracker.js';

const code = (c: string) => ({ code: c });

const flowRecord = (state: FlowRunRecord['state']): FlowRunRecord => ({
  flowName: 'clustering',
  state,
  stateHistory: [{ type: state, timestamp: 5 }],
  parameters: { seed: 1 },
});

const taskRecord = (id: string, state: TaskRunRecord['state']): TaskRunRecord => ({
  taskRunId: id,
  taskName: 'Pipeline.train',
  taskRunName: 'Pipeline.train',
  state,
  stateHistory: [{ type: state, timestamp: 6 }],
  startTime: 6,
  endTime: null,
  durationMs: null,
  attempts: 1,
  cacheKey: null,
  cacheHit: false,
  error: null,
});

/**
 * The change feed: records, log lines and metric points written after a cursor; with
 * `retention` (the most record changes the store keeps), its pruning.
 */
export function conformanceChanges(
  { t, withTracker }: ConformanceContext,
  retention?: number,
): void {
  const { describe, it, expect } = t;

  describe('change feed', () => {
    if (retention !== undefined)
      it(
        'tells a reader whose changes were pruned to resync, at the end of the feed',
        withTracker(async (tr) => {
          const id = (await tr.createRun()).info.runId;
          const { cursor: old } = await tr.readChanges();
          // Updates of a few records: each is a record change, the records stay few.
          const batch = Array.from({ length: 500 }, (_, i) => taskRecord(`t${i % 5}`, 'RUNNING'));
          for (let n = 0; n <= 2 * retention; n += batch.length) await tr.upsertTaskRuns(id, batch);
          await tr.logLines(id, [{ timestamp: 1, level: 'info', message: 'after' }]);
          const end = (await tr.readChanges()).cursor;
          const page = await tr.readChanges(old);
          expect(page).toEqual({ changes: [], cursor: end, more: false, resync: true });
          // A reader at a recent cursor reads on as usual.
          await tr.upsertTaskRun(id, taskRecord('t1', 'COMPLETED'));
          const next = await tr.readChanges(page.cursor);
          expect(next.resync).toBeUndefined();
          expect(next.changes).toMatchObject([
            { kind: 'task-run', record: { taskRunId: 't1', state: 'COMPLETED' } },
          ]);
        }),
      );

    it(
      'starts at the end and returns what was written after a cursor, once',
      withTracker(async (tr) => {
        const before = (await tr.createRun()).info.runId;
        await tr.setFlowRun(before, flowRecord('RUNNING'));
        await tr.logMetric(before, 'old', 1);
        const start = await tr.readChanges();
        expect(start.changes).toEqual([]);
        expect(start.more).toBe(false);

        const id = (await tr.createRun()).info.runId;
        await tr.setFlowRun(id, flowRecord('RUNNING'));
        await tr.upsertTaskRun(id, taskRecord('t1', 'RUNNING'));
        await tr.logLines(id, [{ timestamp: 7, level: 'info', message: 'hello', taskRunId: 't1' }]);
        await tr.logBatch(id, {
          metrics: [
            { key: 'loss', value: 0.5, step: 1, timestamp: 8 },
            { key: 'loss', value: Number.NaN, step: 2, timestamp: 9 },
          ],
          params: { lr: 0.1 },
        });
        const page = await tr.readChanges(start.cursor);
        expect(page.more).toBe(false);
        expect(page.changes.map((c) => c.kind)).toEqual([
          'flow-run',
          'task-run',
          'log',
          'metric',
          'metric',
        ]);
        expect(page.changes[0]).toMatchObject({ runId: id, record: flowRecord('RUNNING') });
        expect(page.changes[1]).toMatchObject({ runId: id, record: taskRecord('t1', 'RUNNING') });
        expect(page.changes[2]).toMatchObject({
          runId: id,
          line: { timestamp: 7, level: 'info', message: 'hello', taskRunId: 't1' },
        });
        expect(page.changes[3]).toMatchObject({
          runId: id,
          point: { key: 'loss', value: 0.5, step: 1, timestamp: 8 },
        });
        const nan = page.changes[4];
        expect(nan.kind === 'metric' && nan.point.value).toBeNaN();
        // Sequence numbers grow within each stream, and the cursor is past all of them.
        for (const c of page.changes) expect(c.seq).toBeGreaterThan(0);
        expect(page.changes[4].seq).toBeGreaterThan(page.changes[3].seq);
        expect(page.cursor.records).toBe(page.changes[1].seq);
        expect(page.cursor.logs).toBe(page.changes[2].seq);
        expect(page.cursor.metrics).toBe(page.changes[4].seq);

        const again = await tr.readChanges(page.cursor);
        expect(again.changes).toEqual([]);
        expect(again.cursor).toEqual(page.cursor);
      }),
    );

    it(
      'gives one change per record read in a page, with the record as it is now',
      withTracker(async (tr) => {
        const id = (await tr.createRun()).info.runId;
        const { cursor } = await tr.readChanges();
        await tr.setFlowRun(id, flowRecord('RUNNING'));
        await tr.upsertTaskRun(id, taskRecord('a', 'RUNNING'));
        await tr.upsertTaskRuns(id, [taskRecord('b', 'RUNNING'), taskRecord('a', 'COMPLETED')]);
        await tr.setFlowRun(id, flowRecord('COMPLETED'));
        const page = await tr.readChanges(cursor);
        const states = page.changes.map((c) =>
          c.kind === 'flow-run'
            ? `flow:${c.record.state}`
            : c.kind === 'task-run'
              ? `${c.record.taskRunId}:${c.record.state}`
              : c.kind,
        );
        expect(states).toEqual(['b:RUNNING', 'a:COMPLETED', 'flow:COMPLETED']);
      }),
    );

    it(
      'pages a stream by limit and says when there is more',
      withTracker(async (tr) => {
        const id = (await tr.createRun()).info.runId;
        const { cursor } = await tr.readChanges();
        await tr.logLines(
          id,
          Array.from({ length: 5 }, (_, i) => ({
            timestamp: i,
            level: 'info' as const,
            message: `line ${i}`,
          })),
        );
        const first = await tr.readChanges(cursor, { limit: 3 });
        expect(first.more).toBe(true);
        expect(first.changes.map((c) => c.kind === 'log' && c.line.message)).toEqual([
          'line 0',
          'line 1',
          'line 2',
        ]);
        const rest = await tr.readChanges(first.cursor, { limit: 3 });
        expect(rest.more).toBe(false);
        expect(rest.changes.map((c) => c.kind === 'log' && c.line.message)).toEqual([
          'line 3',
          'line 4',
        ]);
      }),
    );

    it(
      'refuses a malformed cursor or limit before reading',
      withTracker(async (tr) => {
        await expect(tr.readChanges({ records: -1, logs: 0, metrics: 0 })).rejects.toMatchObject(
          code('TRACKING_INPUT'),
        );
        await expect(tr.readChanges({ records: 0, logs: 0 } as never)).rejects.toMatchObject(
          code('TRACKING_INPUT'),
        );
        await expect(tr.readChanges(undefined, { limit: 0 })).rejects.toMatchObject(
          code('TRACKING_INPUT'),
        );
      }),
    );
  });
}
