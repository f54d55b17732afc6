import { afterAll, afterEach, describe, expect, it } from 'vitest';
import {
  MemoryTracker,
  WorkerPoolTaskRunner,
  configure,
  createMemoryCacheStore,
  engineEvents,
  resetConfiguration,
  silentLogger,
  type TaskRunner,
} from '@tideflow/core';
import { ClusteringPipeline, resolvePipelineConfig, type PipelineConfig } from '../src/index.js';

const THREADS = 2;
const pool = new WorkerPoolTaskRunner({ threads: THREADS });
afterAll(() => pool.close());
afterEach(() => {
  resetConfiguration();
  engineEvents.clear();
});

/** A small but complete configuration: every stage runs, every family's search takes a while. */
function small(): Promise<PipelineConfig> {
  return resolvePipelineConfig({
    set: [
      'data.n=2000',
      'data.dim=3',
      'data.k=4',
      'search.folds=3',
      'models.knn.nNeighbors=[5,15]',
      'models.logistic.C=[0.1,1]',
      'models.random_forest.nEstimators=[30]',
      'models.svc.C=[1]',
      'models.svc.maxSamples=400',
      'explain.shapRows=40',
      'explain.shapBackground=20',
      'explain.permutationRepeats=2',
      'tsne.sample=150',
    ],
  });
}

/** What the main thread saw of the family searches: their Running spans and its own timer ticks. */
interface SearchTimeline {
  /** Per family: when its search task started running and when it ended (ms). */
  spans: Map<string, { start: number; end?: number }>;
  /** Times a 10 ms interval timer of the main thread fired. */
  ticks: number[];
}

/** Runs the pipeline once, on a fresh cache, with `taskRunner` for its parallel stages. */
async function runOnce(taskRunner: TaskRunner | undefined) {
  configure({
    tracker: new MemoryTracker(),
    cacheStore: createMemoryCacheStore(),
    logger: silentLogger,
  });
  const timeline: SearchTimeline = { spans: new Map(), ticks: [] };
  const stop = engineEvents.subscribe((e) => {
    if (e.type !== 'run.state' || e.run.name !== 'ClusteringPipeline.searchFamily') return;
    const family = String(e.run.parameters.family);
    if (e.state.type === 'RUNNING') timeline.spans.set(family, { start: performance.now() });
    else if (e.state.isFinal()) timeline.spans.get(family)!.end = performance.now();
  });
  const timer = setInterval(() => timeline.ticks.push(performance.now()), 10);
  try {
    const result = await new ClusteringPipeline({ taskRunner }).run(await small());
    return { result, timeline };
  } finally {
    clearInterval(timer);
    stop();
  }
}

/** `value` without its measured times (the explanations' cost estimates), which no seed fixes. */
function withoutTimings(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutTimings);
  if (value === null || typeof value !== 'object' || ArrayBuffer.isView(value)) return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([k]) => k !== 'estimatedSeconds' && k !== 'secondsPerRow')
      .map(([k, v]) => [k, withoutTimings(v)]),
  );
}

/** The most family searches running at one time. */
function maxOverlap(spans: SearchTimeline['spans']): number {
  const edges = [...spans.values()].flatMap((s) => [
    [s.start, 1],
    [s.end!, -1],
  ]);
  edges.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let now = 0;
  let max = 0;
  for (const [, d] of edges) max = Math.max(max, (now += d));
  return max;
}

/** The longest the main thread's timer went without firing while some family was searching. */
function longestStall(timeline: SearchTimeline): number {
  const spans = [...timeline.spans.values()];
  const from = Math.min(...spans.map((s) => s.start));
  const to = Math.max(...spans.map((s) => s.end!));
  const ticks = [from, ...timeline.ticks.filter((t) => t > from && t < to), to];
  let gap = 0;
  for (let i = 1; i < ticks.length; i++) gap = Math.max(gap, ticks[i] - ticks[i - 1]);
  return gap;
}

describe('ClusteringPipeline on a worker pool', () => {
  it('gives the results of the in-process run for the same seed; the searches run side by side, each timed on its own, while the main thread stays free', async () => {
    const local = await runOnce(undefined);
    const pooled = await runOnce(pool);
    const same = (r: typeof local.result) => ({
      model: r.model,
      members: r.members,
      calibration: r.calibration,
      cvScore: r.cvScore,
      testAccuracy: r.testAccuracy,
      testLogLoss: r.testLogLoss,
      conformalCoverage: r.conformalCoverage,
      conformalMeanSize: r.conformalMeanSize,
      families: r.families,
      features: r.features,
      evaluation: r.evaluation,
      conformal: r.conformal,
      explanations: withoutTimings(r.explanations),
    });
    expect(same(pooled.result)).toEqual(same(local.result));
    expect(pooled.result.families).toHaveLength(5);

    // In-process every search is Running from the stage's start (its duration is the stage's);
    // on the pool a search runs only while it has a worker: at most THREADS at once, and as many.
    expect(maxOverlap(local.timeline.spans)).toBeGreaterThan(THREADS);
    expect(maxOverlap(pooled.timeline.spans)).toBe(THREADS);
    const starts = [...pooled.timeline.spans.values()].map((s) => s.start).sort((a, b) => a - b);
    expect(starts[THREADS] - starts[0]).toBeGreaterThan(0);

    // The main thread (the CLI's progress view) keeps running while the families search.
    expect(longestStall(pooled.timeline)).toBeLessThan(250);
    expect(longestStall(local.timeline)).toBeGreaterThan(longestStall(pooled.timeline));
  }, 300_000);
});
