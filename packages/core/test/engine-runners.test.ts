// The engine's behaviour (states, retries, errors, cache, tracking, logs) with each task runner:
// the runner is a parameter, so a regression in either shows. Tasks live in a fixture module so
// that a worker can import them.
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import {
  InProcessTaskRunner,
  MemoryTracker,
  Registry,
  WorkerPoolTaskRunner,
  asTask,
  configure,
  createMemoryCacheStore,
  engineEvents,
  flow,
  resetConfiguration,
  silentLogger,
  type TaskRunner,
} from '../src/index.js';
import { recordEvents } from './helpers/events.js';
import {
  Scaler,
  columnSums,
  double,
  flaky,
  overQuota,
  reportAndTrack,
  square,
} from './fixtures/pool/tasks.js';

const pool = new WorkerPoolTaskRunner({ threads: 2 });
afterAll(() => pool.close());
afterEach(() => {
  resetConfiguration();
  engineEvents.clear();
});

const runners: [string, () => TaskRunner][] = [
  ['in-process', () => new InProcessTaskRunner()],
  ['worker pool', () => pool],
];

describe.each(runners)('submitted tasks on the %s runner', (_label, runner) => {
  function setup() {
    const tracker = new MemoryTracker();
    configure({ tracker, logger: silentLogger, cacheStore: createMemoryCacheStore() });
    return tracker;
  }

  it('goes Pending → Running → Completed with the body’s result', async () => {
    setup();
    const rec = recordEvents();
    const f = flow(
      async function runnersDouble() {
        return double.submit(21).result();
      },
      { taskRunner: runner(), registry: new Registry() },
    );
    expect(await f()).toBe(42);
    expect(rec.states('poolDouble')).toEqual(['PENDING', 'RUNNING', 'COMPLETED']);
  });

  it('retries a failing body, each attempt seeing its own attempt number', async () => {
    setup();
    const rec = recordEvents();
    const f = flow(
      async function runnersFlaky() {
        return flaky.submit(2).result();
      },
      { taskRunner: runner(), registry: new Registry() },
    );
    expect(await f()).toBe(3);
    expect(rec.states('poolFlaky')).toEqual([
      'PENDING',
      'RUNNING',
      'RETRYING',
      'RUNNING',
      'RETRYING',
      'RUNNING',
      'COMPLETED',
    ]);
  });

  it('fails with the body’s error: its name, message and fields', async () => {
    setup();
    const rec = recordEvents();
    const f = flow(
      async function runnersQuota() {
        return overQuota.submit(5).result();
      },
      { taskRunner: runner(), registry: new Registry() },
    );
    const error = (await f().catch((e: unknown) => e)) as Error & { code: string; limit: number };
    expect(error.name).toBe('PoolQuotaError');
    expect(error.message).toBe('over the quota of 5');
    expect(error.code).toBe('QUOTA');
    expect(error.limit).toBe(5);
    expect(rec.states('poolOverQuota')).toEqual(['PENDING', 'RUNNING', 'FAILED']);
  });

  it('serves a second call with the same inputs from the cache', async () => {
    setup();
    const rec = recordEvents();
    const f = flow(
      async function runnersCache() {
        const a = await square.submit(7).result();
        const b = await square.submit(7).result();
        return [a, b];
      },
      { taskRunner: runner(), registry: new Registry() },
    );
    expect(await f()).toEqual([49, 49]);
    expect(rec.states('poolSquare')).toEqual([
      'PENDING',
      'RUNNING',
      'COMPLETED',
      'PENDING',
      'CACHED',
    ]);
  });

  it('passes typed arrays and returns them', async () => {
    setup();
    const data = new Float64Array(300_000);
    for (let i = 0; i < data.length; i++) data[i] = i % 3;
    const f = flow(
      async function runnersColumns() {
        return columnSums.submit(data, 3).result();
      },
      { taskRunner: runner(), registry: new Registry() },
    );
    const { sums } = await f();
    expect(sums).toBeInstanceOf(Float64Array);
    expect([...sums]).toEqual([0, 100_000, 200_000]);
    expect(data[1]).toBe(1); // the caller's array is intact
  });

  it('runs a method task with its instance', async () => {
    setup();
    const scaler = new Scaler(3);
    const f = flow(
      async function runnersMethod() {
        return asTask(scaler.scale).submit(5).result();
      },
      { taskRunner: runner(), registry: new Registry() },
    );
    expect(await f()).toBe(15);
  });

  it('records the body’s track.* calls and log lines in the flow’s run', async () => {
    const tracker = setup();
    const f = flow(
      async function runnersTracking() {
        return reportAndTrack.submit(4).result();
      },
      { taskRunner: runner(), experiment: 'runners', registry: new Registry() },
    );
    expect(await f()).toBe(5);
    const experiment = await tracker.getExperimentByName('runners');
    const { runs } = await tracker.searchRuns({ experimentIds: [experiment!.experimentId] });
    const run = runs.at(-1)!;
    expect(run.data.params.worker_param).toBe('4');
    expect(run.data.tags.worker_tag).toBe('4');
    const history = await tracker.getMetricHistory(run.info.runId, 'from_worker');
    expect(history.map((p) => [p.step, p.value])).toEqual([[1, 4]]);
    const artifacts = await tracker.listArtifacts(run.info.runId);
    expect(JSON.stringify(artifacts)).toContain('note');
    const [taskRun] = await tracker.listTaskRuns(run.info.runId);
    expect(taskRun.state).toBe('COMPLETED');
    const logs = await tracker.getLogs(run.info.runId);
    const line = logs.find((l) => l.message === 'working in a worker');
    expect(line?.taskRunId).toBe(taskRun.taskRunId);
  });
});
