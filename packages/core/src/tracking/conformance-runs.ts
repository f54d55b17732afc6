import type { ConformanceContext } from './conformance.js';
import { TAG_PARENT_RUN_ID, TAG_RUN_NAME, TAG_SOURCE_NAME } from './tracker.js';
import type { Tracker } from './tracker-bridge.js';

const code = (c: string) => ({ code: c });

/** Every write a run accepts, for the unknown-run and deleted-run checks. */
export function runWrites(tracker: Tracker, runId: string): [string, () => Promise<unknown>][] {
  const state = { type: 'RUNNING' as const, timestamp: 1 };
  return [
    ['updateRun', () => tracker.updateRun(runId, { status: 'FINISHED' })],
    ['logParam', () => tracker.logParam(runId, 'p', 'v')],
    ['logMetric', () => tracker.logMetric(runId, 'm', 1)],
    ['setTag', () => tracker.setTag(runId, 't', 'v')],
    ['deleteTag', () => tracker.deleteTag(runId, 't')],
    ['logBatch', () => tracker.logBatch(runId, { metrics: [{ key: 'm', value: 1 }] })],
    ['logArtifact', () => tracker.logArtifact(runId, 'a.txt', 'x')],
    [
      'logTypedArtifact',
      () => tracker.logTypedArtifact(runId, { type: 'markdown', markdown: '# x' }),
    ],
    [
      'logModel',
      () => tracker.logModel(runId, { name: 'm', bytes: new Uint8Array([1]), flavor: 'f' }),
    ],
    [
      'setFlowRun',
      () =>
        tracker.setFlowRun(runId, {
          flowName: 'f',
          state: 'RUNNING',
          stateHistory: [state],
          parameters: {},
        }),
    ],
    [
      'upsertTaskRun',
      () =>
        tracker.upsertTaskRun(runId, {
          taskRunId: 't1',
          taskName: 't',
          taskRunName: 't',
          state: 'RUNNING',
          stateHistory: [state],
          startTime: 1,
          endTime: null,
          durationMs: null,
          attempts: 1,
          cacheKey: null,
          cacheHit: false,
          error: null,
        }),
    ],
    ['logLines', () => tracker.logLines(runId, [{ timestamp: 1, level: 'info', message: 'x' }])],
  ];
}

/** Experiments, runs, params, metrics, tags, batches, deletion, closing. */
export function conformanceRuns({ t, withTracker }: ConformanceContext): void {
  const { describe, it, expect } = t;

  describe('experiments', () => {
    it(
      'has a Default experiment "0" and creates, gets and lists others',
      withTracker(async (tr) => {
        expect((await tr.getExperiment('0')).name).toBe('Default');
        const id = await tr.createExperiment('alpha', { tags: { team: 'ml' } });
        const b = await tr.createExperiment('beta');
        expect(id).not.toBe(b);
        const e = await tr.getExperiment(id);
        expect(e).toMatchObject({
          experimentId: id,
          name: 'alpha',
          lifecycleStage: 'active',
          tags: { team: 'ml' },
        });
        expect((await tr.getExperimentByName('beta'))?.experimentId).toBe(b);
        expect(await tr.getExperimentByName('nope')).toBeUndefined();
        expect((await tr.listExperiments()).map((x) => x.name)).toEqual([
          'Default',
          'alpha',
          'beta',
        ]);
      }),
    );

    it(
      'rejects a duplicate name, and getOrCreateExperiment reuses it even when called concurrently',
      withTracker(async (tr) => {
        const id = await tr.createExperiment('dup');
        await expect(tr.createExperiment('dup')).rejects.toMatchObject(
          code('EXPERIMENT_ALREADY_EXISTS'),
        );
        expect(await tr.getOrCreateExperiment('dup')).toBe(id);
        const ids = await Promise.all([1, 2, 3, 4].map(() => tr.getOrCreateExperiment('fresh')));
        expect(new Set(ids).size).toBe(1);
        expect((await tr.listExperiments()).filter((e) => e.name === 'fresh')).toHaveLength(1);
      }),
    );

    it(
      'rejects unknown experiments and invalid names',
      withTracker(async (tr) => {
        await expect(tr.getExperiment('424242')).rejects.toMatchObject(
          code('EXPERIMENT_NOT_FOUND'),
        );
        await expect(tr.createRun({ experimentId: '424242' })).rejects.toMatchObject(
          code('EXPERIMENT_NOT_FOUND'),
        );
        await expect(tr.createExperiment('')).rejects.toMatchObject(code('TRACKING_INPUT'));
      }),
    );
  });

  describe('runs', () => {
    it(
      'creates a RUNNING run with a 32-hex id, a generated name and system tags',
      withTracker(async (tr) => {
        const before = Date.now();
        const run = await tr.createRun();
        expect(run.info.runId).toMatch(/^[0-9a-f]{32}$/);
        expect(run.info).toMatchObject({
          experimentId: '0',
          status: 'RUNNING',
          endTime: null,
          lifecycleStage: 'active',
          parentRunId: null,
        });
        expect(run.info.startTime).toBeGreaterThan(before - 1);
        expect(run.info.name).toMatch(/^[a-z]+-[a-z]+-\d+$/);
        expect(run.data.tags[TAG_RUN_NAME]).toBe(run.info.name);
        expect(typeof run.data.tags[TAG_SOURCE_NAME]).toBe('string');
        expect(await tr.getRun(run.info.runId)).toEqual(run);
      }),
    );

    it(
      'takes an explicit id, name, start time and tags, and refuses a taken or invalid id',
      withTracker(async (tr) => {
        const exp = await tr.createExperiment('e');
        const run = await tr.createRun({
          experimentId: exp,
          runId: 'flow-run-1',
          name: 'first',
          startTime: 1000,
          tags: { a: 'b' },
        });
        expect(run.info).toMatchObject({
          runId: 'flow-run-1',
          name: 'first',
          startTime: 1000,
          experimentId: exp,
        });
        expect(run.data.tags).toMatchObject({ a: 'b', [TAG_RUN_NAME]: 'first' });
        await expect(tr.createRun({ runId: 'flow-run-1' })).rejects.toMatchObject(
          code('RUN_ALREADY_EXISTS'),
        );
        await expect(tr.createRun({ runId: '../evil' })).rejects.toMatchObject(
          code('TRACKING_INPUT'),
        );
        await expect(tr.createRun({ status: 'DONE' as never })).rejects.toMatchObject(
          code('TRACKING_INPUT'),
        );
      }),
    );

    it(
      'nests a run under a parent',
      withTracker(async (tr) => {
        const parent = await tr.createRun({ name: 'parent' });
        const child = await tr.createRun({ parentRunId: parent.info.runId, name: 'child' });
        expect(child.info.parentRunId).toBe(parent.info.runId);
        expect(child.data.tags[TAG_PARENT_RUN_ID]).toBe(parent.info.runId);
        const { runs } = await tr.searchRuns({
          filter: `tags.tideflow.parentRunId = '${parent.info.runId}'`,
        });
        expect(runs.map((r) => r.info.name)).toEqual(['child']);
        await expect(tr.createRun({ parentRunId: 'missing' })).rejects.toMatchObject(
          code('RUN_NOT_FOUND'),
        );
      }),
    );

    it(
      'counts the active child runs of several runs at once, across experiments',
      withTracker(async (tr) => {
        const other = await tr.createExperiment('elsewhere');
        const a = (await tr.createRun({ name: 'a' })).info.runId;
        const b = (await tr.createRun({ name: 'b', experimentId: other })).info.runId;
        const lone = (await tr.createRun({ name: 'lone' })).info.runId;
        const kids = [];
        for (let i = 0; i < 3; i++)
          kids.push((await tr.createRun({ parentRunId: a, name: `a${i}` })).info.runId);
        // A child in another experiment than its parent still counts for the parent.
        await tr.createRun({ parentRunId: b, name: 'b0', experimentId: '0' });
        // A grandchild counts for its own parent only.
        await tr.createRun({ parentRunId: kids[0], name: 'a00' });
        await tr.deleteRun(kids[2]);
        const counts = await tr.countChildRuns([a, b, lone, kids[0], 'no-such-run', a]);
        expect([...counts.entries()].sort()).toEqual(
          [
            [a, 2],
            [b, 1],
            [lone, 0],
            [kids[0], 1],
            ['no-such-run', 0],
          ].sort(),
        );
        await tr.restoreRun(kids[2]);
        expect((await tr.countChildRuns([a])).get(a)).toBe(3);
        expect((await tr.countChildRuns([])).size).toBe(0);
        await expect(tr.countChildRuns('a' as never)).rejects.toMatchObject(code('TRACKING_INPUT'));
      }),
    );

    it(
      'updates status, end time and name',
      withTracker(async (tr) => {
        const { info } = await tr.createRun({ name: 'a' });
        const updated = await tr.updateRun(info.runId, {
          status: 'FINISHED',
          endTime: info.startTime + 5,
          name: 'b',
        });
        expect(updated).toMatchObject({
          status: 'FINISHED',
          endTime: info.startTime + 5,
          name: 'b',
        });
        const run = await tr.getRun(info.runId);
        expect(run.info.status).toBe('FINISHED');
        expect(run.data.tags[TAG_RUN_NAME]).toBe('b');
        await expect(tr.updateRun(info.runId, { status: 'BOGUS' as never })).rejects.toMatchObject(
          code('TRACKING_INPUT'),
        );
      }),
    );

    it(
      'rejects every call on an unknown run id with RunNotFoundError',
      withTracker(async (tr) => {
        const reads: [string, () => Promise<unknown>][] = [
          ['getRun', () => tr.getRun('nope')],
          ['deleteRun', () => tr.deleteRun('nope')],
          ['restoreRun', () => tr.restoreRun('nope')],
          ['getMetricHistory', () => tr.getMetricHistory('nope', 'm')],
          ['listArtifacts', () => tr.listArtifacts('nope')],
          ['readArtifact', () => tr.readArtifact('nope', 'a')],
          ['getTypedArtifact', () => tr.getTypedArtifact('nope', 'k')],
          ['listLoggedModels', () => tr.listLoggedModels('nope')],
          ['getFlowRun', () => tr.getFlowRun('nope')],
          ['listTaskRuns', () => tr.listTaskRuns('nope')],
          ['getLogs', () => tr.getLogs('nope')],
          ['registerModel', () => tr.registerModel('m', { runId: 'nope' })],
          ...runWrites(tr, 'nope'),
        ];
        for (const [name, call] of reads) {
          await expect(
            call().catch((e: { code?: string }) => Promise.reject(new Error(`${name}: ${e.code}`))),
          ).rejects.toMatchObject({
            message: `${name}: RUN_NOT_FOUND`,
          });
        }
      }),
    );

    it(
      'soft-deletes and restores runs; a deleted run refuses every write',
      withTracker(async (tr) => {
        const a = await tr.createRun({ name: 'a' });
        const b = await tr.createRun({ name: 'b' });
        const id = a.info.runId;
        await tr.deleteRun(id);
        await tr.deleteRun(id);
        expect((await tr.getRun(id)).info.lifecycleStage).toBe('deleted');
        expect((await tr.searchRuns()).runs.map((r) => r.info.runId)).toEqual([b.info.runId]);
        expect(
          (await tr.searchRuns({ runViewType: 'DELETED_ONLY' })).runs.map((r) => r.info.runId),
        ).toEqual([id]);
        expect((await tr.searchRuns({ runViewType: 'ALL' })).runs).toHaveLength(2);
        for (const [name, call] of runWrites(tr, id)) {
          await expect(
            call().catch((e: { code?: string }) => Promise.reject(new Error(`${name}: ${e.code}`))),
          ).rejects.toMatchObject({
            message: `${name}: DELETED_RUN`,
          });
        }
        await tr.restoreRun(id);
        await tr.logMetric(id, 'm', 2);
        expect((await tr.getRun(id)).data.metrics.m).toBe(2);
      }),
    );
  });

  describe('params, metrics and tags', () => {
    it(
      'keeps params write-once: the same value again is fine, another is ParamOverwriteError',
      withTracker(async (tr) => {
        const id = (await tr.createRun()).info.runId;
        await tr.logParam(id, 'lr', 0.1);
        await tr.logParam(id, 'lr', '0.1');
        await tr.logParam(id, 'flag', true);
        await expect(tr.logParam(id, 'lr', 0.2)).rejects.toMatchObject({
          code: 'PARAM_OVERWRITE',
          key: 'lr',
        });
        expect((await tr.getRun(id)).data.params).toEqual({ lr: '0.1', flag: 'true' });
      }),
    );

    it(
      'enforces key and value limits',
      withTracker(async (tr) => {
        const id = (await tr.createRun()).info.runId;
        await tr.logParam(id, 'k'.repeat(250), 'v'.repeat(6000));
        await expect(tr.logParam(id, 'k'.repeat(251), 'v')).rejects.toMatchObject(
          code('TRACKING_INPUT'),
        );
        await expect(tr.logParam(id, 'long', 'v'.repeat(6001))).rejects.toMatchObject(
          code('TRACKING_INPUT'),
        );
        for (const bad of ['', 'a/../b', '/abs', 'semi;colon', 'a//b']) {
          await expect(tr.logMetric(id, bad, 1)).rejects.toMatchObject(code('TRACKING_INPUT'));
        }
        await tr.setTag(id, 'note', 'x'.repeat(8000));
        await expect(tr.setTag(id, 'note', 'x'.repeat(8001))).rejects.toMatchObject(
          code('TRACKING_INPUT'),
        );
        await expect(tr.logMetric(id, 'm', '1' as never)).rejects.toMatchObject(
          code('TRACKING_INPUT'),
        );
        await expect(tr.logMetric(id, 'm', 1, { step: 1.5 })).rejects.toMatchObject(
          code('TRACKING_INPUT'),
        );
        await expect(tr.logMetric(id, 'm', 1, { timestamp: Number.NaN })).rejects.toMatchObject(
          code('TRACKING_INPUT'),
        );
      }),
    );

    it(
      'keeps the full metric history and the latest value per key (largest step, then timestamp)',
      withTracker(async (tr) => {
        const id = (await tr.createRun()).info.runId;
        await tr.logMetric(id, 'loss', 0.9, { step: 0, timestamp: 100 });
        await tr.logMetric(id, 'loss', 0.5, { step: 2, timestamp: 120 });
        await tr.logMetric(id, 'loss', 0.7, { step: 1, timestamp: 130 });
        await tr.logMetric(id, 'acc', 0.1, { step: 3, timestamp: 50 });
        await tr.logMetric(id, 'acc', 0.2, { step: 3, timestamp: 60 });
        expect((await tr.getMetricHistory(id, 'loss')).map((p) => [p.step, p.value])).toEqual([
          [0, 0.9],
          [1, 0.7],
          [2, 0.5],
        ]);
        expect(await tr.getMetricHistory(id, 'acc')).toEqual([
          { key: 'acc', value: 0.1, step: 3, timestamp: 50 },
          { key: 'acc', value: 0.2, step: 3, timestamp: 60 },
        ]);
        expect((await tr.getRun(id)).data.metrics).toEqual({ loss: 0.5, acc: 0.2 });
        expect(await tr.getMetricHistory(id, 'never')).toEqual([]);
        const before = Date.now();
        await tr.logMetric(id, 'now', 1);
        const [p] = await tr.getMetricHistory(id, 'now');
        expect(p.step).toBe(0);
        expect(p.timestamp).toBeGreaterThan(before - 1);
      }),
    );

    it(
      'stores NaN and ±Infinity and reads them back as such',
      withTracker(async (tr) => {
        const id = (await tr.createRun()).info.runId;
        await tr.logBatch(id, {
          metrics: [
            { key: 'nan', value: Number.NaN, step: 0 },
            { key: 'inf', value: Number.POSITIVE_INFINITY, step: 0 },
            { key: 'ninf', value: Number.NEGATIVE_INFINITY, step: 0 },
            { key: 'zero', value: -0 + 0, step: 0 },
          ],
        });
        const { metrics } = (await tr.getRun(id)).data;
        expect(metrics.nan).toBeNaN();
        expect(metrics.inf).toBe(Number.POSITIVE_INFINITY);
        expect(metrics.ninf).toBe(Number.NEGATIVE_INFINITY);
        expect(metrics.zero).toBe(0);
        expect((await tr.getMetricHistory(id, 'nan'))[0].value).toBeNaN();
      }),
    );

    it(
      'sets, replaces and deletes tags',
      withTracker(async (tr) => {
        const id = (await tr.createRun()).info.runId;
        await tr.setTag(id, 'stage', 'dev');
        await tr.setTag(id, 'stage', 'prod');
        expect((await tr.getRun(id)).data.tags.stage).toBe('prod');
        await tr.deleteTag(id, 'stage');
        await tr.deleteTag(id, 'never-set');
        expect((await tr.getRun(id)).data.tags.stage).toBeUndefined();
      }),
    );

    it(
      'writes a batch whole',
      withTracker(async (tr) => {
        const id = (await tr.createRun()).info.runId;
        const metrics = Array.from({ length: 500 }, (_, i) => ({
          key: `m${i % 5}`,
          value: i,
          step: i,
          timestamp: 1000 + i,
        }));
        await tr.logBatch(id, { metrics, params: { a: 1, b: 'x' }, tags: { t: 'y' } });
        const run = await tr.getRun(id);
        expect(run.data.params).toEqual({ a: '1', b: 'x' });
        expect(run.data.tags.t).toBe('y');
        expect(run.data.metrics).toEqual({ m0: 495, m1: 496, m2: 497, m3: 498, m4: 499 });
        expect(await tr.getMetricHistory(id, 'm3')).toHaveLength(100);
      }),
    );

    it(
      'writes nothing of a batch that holds one bad item',
      withTracker(async (tr) => {
        const id = (await tr.createRun()).info.runId;
        await tr.logParam(id, 'fixed', 'a');
        const good = [{ key: 'ok', value: 1 }];
        const bad: [string, Parameters<Tracker['logBatch']>[1]][] = [
          [
            'TRACKING_INPUT',
            {
              metrics: [...good, { key: 'x', value: 'no' as never }],
              params: { p: 1 },
              tags: { t: 'v' },
            },
          ],
          ['PARAM_OVERWRITE', { metrics: good, params: { p: 1, fixed: 'b' }, tags: { t: 'v' } }],
          ['TRACKING_INPUT', { metrics: good, params: { p: 1 }, tags: { t: 'v', 'bad;key': 'v' } }],
          ['TRACKING_INPUT', { metrics: good, params: { p: 'x'.repeat(7000) } }],
          ['TRACKING_INPUT', { metrics: 'not a list' as never, params: { p: 1 } }],
        ];
        for (const [c, batch] of bad)
          await expect(tr.logBatch(id, batch)).rejects.toMatchObject(code(c));
        const run = await tr.getRun(id);
        expect(run.data.metrics).toEqual({});
        expect(run.data.params).toEqual({ fixed: 'a' });
        expect(run.data.tags.t).toBeUndefined();
        expect(await tr.getMetricHistory(id, 'ok')).toEqual([]);
      }),
    );

    it(
      'lands every one of many concurrent writes',
      withTracker(async (tr) => {
        const id = (await tr.createRun()).info.runId;
        await Promise.all(
          Array.from({ length: 200 }, (_, i) => tr.logMetric(id, 'c', i, { step: i })),
        );
        expect(await tr.getMetricHistory(id, 'c')).toHaveLength(200);
        expect((await tr.getRun(id)).data.metrics.c).toBe(199);
      }),
    );

    it(
      'hands out copies: changing a returned run does not change the store',
      withTracker(async (tr) => {
        const run = await tr.createRun({ tags: { a: 'b' } });
        run.data.tags.a = 'changed';
        run.info.status = 'KILLED';
        const again = await tr.getRun(run.info.runId);
        expect(again.data.tags.a).toBe('b');
        expect(again.info.status).toBe('RUNNING');
      }),
    );
  });

  describe('closing', () => {
    it('rejects calls after close with TrackingStoreError; close is idempotent', async () => {
      await withTracker(async (tr) => {
        const id = (await tr.createRun()).info.runId;
        await tr.close();
        await tr.close();
        await expect(tr.getRun(id)).rejects.toMatchObject(code('TRACKING_STORE'));
        await expect(tr.listExperiments()).rejects.toMatchObject(code('TRACKING_STORE'));
      })();
    });
  });
}
