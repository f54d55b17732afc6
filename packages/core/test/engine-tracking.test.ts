import { afterEach, describe, expect, it } from 'vitest';
import {
  ConsoleLogger,
  FINAL_STATE_TYPES,
  RUN_STATUS_OF_STATE,
  STATE_TYPES,
  TAG_FLOW_NAME,
  InvalidArtifactPathError,
  InvalidDatasetInputError,
  MemoryTracker,
  Registry,
  configure,
  createMemoryCacheStore,
  engineEvents,
  flow,
  resetConfiguration,
  silentLogger,
  task,
  track,
} from '../src/index.js';

afterEach(() => {
  resetConfiguration();
  engineEvents.clear();
});

function setup() {
  const tracker = new MemoryTracker();
  configure({ tracker, logger: silentLogger, cacheStore: createMemoryCacheStore() });
  return { tracker, registry: new Registry() };
}

describe('flow runs as tracking runs', () => {
  it('records a flow run with flattened params, task runs, metrics and artifacts', async () => {
    const { tracker, registry } = setup();
    const train = task(
      async function train(k: number) {
        track.metric('fold_acc', 0.8, { step: 0 });
        track.metric('fold_acc', 0.9, { step: 1 });
        return k * 2;
      },
      { registry, cache: true },
    );
    const pipeline = flow(
      async function pipeline(cfg: { model: { k: number }; seed: number; data: Float64Array }) {
        track.params({ extra: 'yes' });
        track.tag('stage', 'test');
        const v = await train(cfg.model.k);
        await train(cfg.model.k);
        await track.table(
          { columns: ['k', 'score'], rows: [[cfg.model.k, 0.9]] },
          { key: 'cv_results' },
        );
        track.metric('best', v);
        return v;
      },
      { registry, experiment: 'exp-a' },
    );
    expect(await pipeline({ model: { k: 15 }, seed: 1, data: new Float64Array(1000) })).toBe(30);

    const experiment = await tracker.getExperimentByName('exp-a');
    const { runs } = await tracker.searchRuns({ experimentIds: [experiment!.experimentId] });
    expect(runs).toHaveLength(1);
    const run = runs[0];
    expect(run.info.status).toBe('FINISHED');
    expect(run.info.endTime).not.toBeNull();
    expect(run.data.params).toMatchObject({
      'cfg.model.k': '15',
      'cfg.seed': '1',
      'cfg.data': 'Float64Array(1000)',
      extra: 'yes',
    });
    expect(run.data.tags).toMatchObject({ stage: 'test', 'tideflow.flowName': 'pipeline' });
    expect(run.data.metrics.best).toBe(30);
    expect(
      (await tracker.getMetricHistory(run.info.runId, 'fold_acc')).map((p) => [p.step, p.value]),
    ).toEqual([
      [0, 0.8],
      [1, 0.9],
    ]);

    const taskRuns = await tracker.listTaskRuns(run.info.runId);
    expect(taskRuns.map((t) => [t.taskName, t.state, t.cacheHit])).toEqual([
      ['train', 'COMPLETED', false],
      ['train', 'CACHED', true],
    ]);
    expect(taskRuns[0].stateHistory.map((s) => s.type)).toEqual([
      'PENDING',
      'RUNNING',
      'COMPLETED',
    ]);
    expect(taskRuns[0].cacheKey).toMatch(/train/);
    expect(taskRuns[1].cacheKey).toBe(taskRuns[0].cacheKey);
    const flowRecord = await tracker.getFlowRun(run.info.runId);
    expect(flowRecord?.stateHistory.map((s) => s.type)).toEqual([
      'PENDING',
      'RUNNING',
      'COMPLETED',
    ]);
    const table = await tracker.getTypedArtifact(run.info.runId, 'cv_results');
    expect(table).toBeDefined();
  });

  it('makes subflows child runs in the parent experiment and maps failures and cancellations to MLflow statuses', async () => {
    const { tracker, registry } = setup();
    const child = flow(
      async function childFlow(config: { seed: number; model: string }, fail: boolean) {
        if (fail) throw new Error('child failed');
        return 1;
      },
      { registry, experiment: 'ignored-for-children' },
    );
    const parent = flow(
      async function parentFlow(config: { seed: number; model: string }) {
        await child(config, false);
        try {
          await child({ ...config, model: 'svm' }, true);
        } catch {
          // the parent goes on
        }
        return 2;
      },
      { registry },
    );
    await parent({ seed: 7, model: 'knn' });
    expect((await tracker.listExperiments()).map((e) => e.name)).not.toContain('childFlow');
    expect(await tracker.getExperimentByName('ignored-for-children')).toBeUndefined();
    const parentExp = await tracker.getExperimentByName('parentFlow');
    const { runs } = await tracker.searchRuns({ experimentIds: [parentExp!.experimentId] });
    expect(runs).toHaveLength(3);
    const parentRun = runs.find((r) => r.info.parentRunId === null)!;
    // Both children may start in the same millisecond: order them by what they were called with.
    const children = runs
      .filter((r) => r !== parentRun)
      .sort((a, b) => a.data.params.fail.localeCompare(b.data.params.fail));
    expect(parentRun.info.parentRunId).toBe(null);
    expect(parentRun.data.params).toEqual({ 'config.seed': '7', 'config.model': 'knn' });
    expect(children.map((r) => r.info.parentRunId)).toEqual([
      parentRun.info.runId,
      parentRun.info.runId,
    ]);
    expect(children.map((r) => r.data.tags['tideflow.parentRunId'])).toEqual([
      parentRun.info.runId,
      parentRun.info.runId,
    ]);
    // Children log only what differs from the parent's params.
    expect(children.map((r) => r.data.params)).toEqual([
      { fail: 'false' },
      { 'config.model': 'svm', fail: 'true' },
    ]);
    expect(children.map((r) => r.info.status)).toEqual(['FINISHED', 'FAILED']);

    const controller = new AbortController();
    const slow = flow(
      async function slowTracked() {
        await new Promise((r) => setTimeout(r, 1_000));
      },
      { registry },
    ).with({ signal: controller.signal });
    const pending = slow.run();
    setTimeout(() => controller.abort(), 10);
    expect((await pending).type).toBe('CANCELLED');
    const exp = await tracker.getExperimentByName('slowTracked');
    expect(
      (await tracker.searchRuns({ experimentIds: [exp!.experimentId] })).runs[0].info.status,
    ).toBe('KILLED');
  });

  it('tags the run with its flow and gives it the status RUN_STATUS_OF_STATE names, running and ended', async () => {
    const { tracker, registry } = setup();
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let runId: string | undefined;
    const f = flow(
      async function tagged() {
        runId = track.runId();
        await gate;
      },
      { registry },
    );
    const done = f();
    await expect
      .poll(async () => runId && (await tracker.getRun(runId)).info.status)
      .toBe(RUN_STATUS_OF_STATE.RUNNING);
    release();
    await done;
    const run = await tracker.getRun(runId!);
    expect(run.info.status).toBe(RUN_STATUS_OF_STATE.COMPLETED);
    expect(run.data.tags[TAG_FLOW_NAME]).toBe('tagged');
    // Every state has a status: RUNNING exactly until the run ends.
    for (const type of STATE_TYPES)
      expect(RUN_STATUS_OF_STATE[type] === 'RUNNING').toBe(!FINAL_STATE_TYPES.has(type));
  });

  it('records run logs with their task run', async () => {
    const { tracker, registry } = setup();
    const t = task(
      async function logs() {
        const { getRunLogger } = await import('../src/index.js');
        getRunLogger()!.info({}, 'from the task');
      },
      { registry },
    );
    const f = flow(
      async function logged() {
        await t();
      },
      { registry },
    );
    const state = await f.run();
    const exp = await tracker.getExperimentByName('logged');
    const [run] = (await tracker.searchRuns({ experimentIds: [exp!.experimentId] })).runs;
    const lines = await tracker.getLogs(run.info.runId);
    expect(lines.map((l) => l.message)).toEqual(['from the task']);
    expect(lines[0].taskRunId).toMatch(/^[0-9a-f]{32}$/);
    expect(state.type).toBe('COMPLETED');
  });

  it('is a no-op outside a run, rejects bad artifact paths at once, and can be turned off', async () => {
    const { tracker, registry } = setup();
    track.metric('outside', 1);
    track.params({ a: 1 });
    expect(track.runId()).toBeUndefined();
    expect(await track.markdown('# nothing')).toBeUndefined();
    expect(() => track.artifact('../escape.txt', 'x')).toThrow(InvalidArtifactPathError);
    configure({ tracker: false });
    const f = flow(
      async function untracked() {
        track.metric('m', 1);
        return track.runId();
      },
      { registry },
    );
    expect(await f()).toBeUndefined();
    expect(await tracker.getExperimentByName('untracked')).toBeUndefined();
  });

  it('logs and registers a model with an alias, tags and a description; bad tags are refused at once', async () => {
    const { tracker, registry } = setup();
    const f = flow(
      async function withModel() {
        const model = { weights: new Float64Array([1, 2, 3]) };
        await expect(
          track.model(model, { name: 'bad', register: { name: 'blobs', tags: { 'a//b': 'x' } } }),
        ).rejects.toMatchObject({ code: 'TRACKING_INPUT' });
        const out = await track.model(model, {
          name: 'clf',
          metrics: { accuracy: 0.9 },
          register: {
            name: 'blobs',
            alias: 'champion',
            description: 'first',
            tags: { 'data.digest': 'abc' },
          },
        });
        return out?.version?.version;
      },
      { registry },
    );
    expect(await f()).toBe(1);
    const version = await tracker.getModelVersion('blobs', 'champion');
    expect(version).toMatchObject({
      version: 1,
      description: 'first',
      tags: { 'data.digest': 'abc' },
    });
    expect((await tracker.listLoggedModels(version.runId)).map((m) => m.name)).toEqual(['clf']);
  });
});

describe('track.input', () => {
  it('records the datasets a flow used on its run, once per dataset and context, and refuses bad ones at once', async () => {
    const { tracker, registry } = setup();
    const train = { name: 'iris.csv', digest: 'abc123', source: 'data/iris.csv', numRows: 120 };
    const f = flow(
      async function withInputs() {
        expect(() => track.input({ ...train, digest: 'x'.repeat(37) })).toThrow(
          InvalidDatasetInputError,
        );
        await track.input(train, { context: 'training' });
        await track.input(train, { context: 'training' });
        await track.input({ ...train, digest: 'def456', numRows: 30 }, { context: 'evaluation' });
        return track.runId();
      },
      { registry },
    );
    const runId = (await f())!;
    expect(
      (await tracker.getRunInputs(runId)).map((i) => [
        i.dataset.digest,
        i.dataset.numRows,
        i.context,
      ]),
    ).toEqual([
      ['abc123', 120, 'training'],
      ['def456', 30, 'evaluation'],
    ]);
    const { runs } = await tracker.searchRuns({ filter: "datasets.digest = 'abc123'" });
    expect(runs.map((r) => r.info.runId)).toEqual([runId]);
    // Outside a run it records nothing and resolves.
    await expect(track.input(train)).resolves.toBeUndefined();
  });
});

describe('track.* failures', () => {
  it('throws bad artifact content at once and lets the flow go on when the store fails', async () => {
    const tracker = new MemoryTracker();
    const lines: string[] = [];
    configure({ tracker, logger: new ConsoleLogger({ write: (l) => lines.push(l) }) });
    const registry = new Registry();
    const f = flow(
      async function storeFails() {
        expect(() => track.table({ columns: ['a'], rows: [[Number.POSITIVE_INFINITY]] })).toThrow(
          /non-finite/,
        );
        tracker.logArtifact = () => Promise.reject(new Error('disk full'));
        return track.artifact('notes.txt', 'hello');
      },
      { registry },
    );
    const state = await f.run();
    if (state.type !== 'COMPLETED') throw state.error;
    expect(state.type).toBe('COMPLETED');
    expect(state.result()).toBeUndefined();
    expect(lines.some((l) => l.includes('WARN') && l.includes('disk full'))).toBe(true);
  });
});

/** Keeps the thread busy for `ms` (CPU-bound work: no timer or write can run meanwhile). */
function spin(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end) {
    // busy
  }
}

describe('recorded times are the engine clock at each transition', () => {
  it('a CPU-bound child flow and task keep their real start times and durations', async () => {
    const { tracker, registry } = setup();
    const crunch = task(
      function crunch() {
        spin(300);
        return 1;
      },
      { registry },
    );
    const child = flow(
      async function child() {
        spin(600);
        return crunch();
      },
      { registry },
    );
    const parent = flow(
      async function parent() {
        spin(200);
        return child();
      },
      { registry, experiment: 'times' },
    );
    const before = Date.now();
    await parent();
    const after = Date.now();
    const experimentIds = (await tracker.listExperiments()).map((e) => e.experimentId);
    const { runs } = await tracker.searchRuns({ experimentIds });
    const byName = new Map(runs.map((r) => [r.data.tags['tideflow.flowName'], r.info]));
    const p = byName.get('parent')!;
    const c = byName.get('child')!;
    expect(p.startTime).toBeGreaterThanOrEqual(before);
    expect(p.startTime).toBeLessThan(before + 50);
    expect(p.endTime! - p.startTime).toBeGreaterThanOrEqual(1100);
    expect(c.startTime - p.startTime).toBeGreaterThanOrEqual(195);
    expect(c.endTime! - c.startTime).toBeGreaterThanOrEqual(895);
    expect(c.endTime).toBeLessThanOrEqual(after);
    const [t] = await tracker.listTaskRuns(c.runId);
    expect(t.startTime! - c.startTime).toBeGreaterThanOrEqual(595);
    expect(t.durationMs).toBeGreaterThanOrEqual(295);
    const flowRecord = await tracker.getFlowRun(c.runId);
    expect(flowRecord!.stateHistory[0].timestamp).toBeGreaterThanOrEqual(c.startTime);
    expect(flowRecord!.stateHistory.at(-1)!.timestamp).toBe(c.endTime);
  });
});

describe('task-run writes in batches', () => {
  it('writes each task run once a batch with its latest state, and a run still going again when it ends', async () => {
    const batches: { taskRunId: string; state: string }[][] = [];
    class SpyTracker extends MemoryTracker {
      override async upsertTaskRuns(
        runId: string,
        records: Parameters<MemoryTracker['upsertTaskRuns']>[1],
      ): Promise<void> {
        batches.push(records.map((r) => ({ taskRunId: r.taskRunId, state: r.state })));
        return super.upsertTaskRuns(runId, records);
      }
    }
    const tracker = new SpyTracker();
    configure({ tracker, logger: silentLogger, cacheStore: createMemoryCacheStore() });
    const registry = new Registry();
    const quick = task(async (i: number) => i, { registry, name: 'quick' });
    // Outlives the recorder's flush delay (250 ms): written Running first, then Completed.
    const slow = task(() => new Promise<number>((r) => setTimeout(() => r(0), 400)), {
      registry,
      name: 'slow',
    });
    const many = flow(
      async function many() {
        const pending = slow.submit();
        let sum = 0;
        for (let i = 0; i < 2500; i++) sum += await quick(i);
        return sum + (await pending.result());
      },
      { registry },
    );
    await many();
    for (const batch of batches) {
      expect(batch.length).toBeLessThanOrEqual(1000);
      expect(new Set(batch.map((r) => r.taskRunId)).size).toBe(batch.length);
    }
    const [run] = (await tracker.searchRuns({ experimentIds: ['1'] })).runs;
    const records = await tracker.listTaskRuns(run.info.runId);
    expect(records).toHaveLength(2501);
    expect(records.every((r) => r.state === 'COMPLETED')).toBe(true);
    const slowId = records.find((r) => r.taskName === 'slow')!.taskRunId;
    const slowWrites = batches.flat().filter((r) => r.taskRunId === slowId);
    expect(slowWrites.map((r) => r.state)).toEqual(['RUNNING', 'COMPLETED']);
    // A quick task is written once (its first batch holds its final state), or twice when a
    // batch filled up while it ran; its last write is its final state.
    const writes = batches.flat().filter((r) => r.taskRunId !== slowId);
    expect(writes.length).toBeLessThanOrEqual(2500 + batches.length);
    const last = new Map(writes.map((r) => [r.taskRunId, r.state]));
    expect(last.size).toBe(2500);
    expect([...last.values()].every((s) => s === 'COMPLETED')).toBe(true);
  });
});
