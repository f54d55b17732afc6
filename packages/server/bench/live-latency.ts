// The live figure of issue 14, used by ui.bench.ts: a state change on screen ≤ 300 ms after it
// is recorded. The server serves a SQLite file through its own connection; this process writes
// the same file through another (as a flow in another process would), while the flow-runs list
// and the flow run's page are open in Chromium. Each sample is one state change (a task run
// starting, a task run ending), timed from its recorded time to the frame in which each page
// shows it, both read with `Date.now()` (the same clock).
//
// Two writers: `store` writes the task-run records itself (recorded = the moment of the write),
// the figure of the UI and the server; `engine` runs a real flow whose tasks wait on gates
// (recorded = the engine's transition timestamp), which adds the engine recorder's own write
// buffering to the same path.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  Registry,
  TAG_FLOW_NAME,
  configure,
  createMemoryCacheStore,
  flow,
  getRunContext,
  openTracker,
  resetConfiguration,
  silentLogger,
  task,
} from '@tideflow/core';
import type { StateType, TaskRunRecord, Tracker } from '@tideflow/core';
import '@tideflow/tracker-sqlite';
import type { Browser, Page } from 'playwright-core';
import { createServer } from '../src/index.js';
import { openPage } from '../test/browser/browser.js';

/** Task runs per writer; each gives two samples (running, completed). */
const TASKS = 6;

/** One writer's samples: ms from recorded to shown, on each page. */
export interface LatencySamples {
  runPage: number[];
  list: number[];
}

/** What {@link measureLiveLatency} measured. */
export interface LiveLatency {
  store: LatencySamples;
  engine: LatencySamples;
  /** How the pages got the changes: `events` when they opened `/api/events`, else `poll`. */
  transport: 'events' | 'poll';
}

// Page-side code goes as source text (see ui.bench.ts). The watcher resolves `window.__seen` with
// the page's clock at the first frame after `test()` holds.
const WATCH = `(test) => { window.__seen = new Promise((resolve) => {
  const done = () => requestAnimationFrame(() => resolve(Date.now()));
  if (test()) return done();
  const observer = new MutationObserver(() => {
    if (test()) { observer.disconnect(); done(); }
  });
  observer.observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true });
}); }`;

const watch = (page: Page, test: string) => page.evaluate(`(${WATCH})(() => ${test})`);
const seen = (page: Page) => page.evaluate<number>('window.__seen');

/** In the run page: the row of task run `name` shows state `label`. */
const taskShows = (name: string, label: string) =>
  `[...document.querySelectorAll('table.tasks tbody tr')].some((r) => r.cells[0].textContent === ${JSON.stringify(name)} && r.cells[1].textContent === ${JSON.stringify(label)})`;

/** In the list: the run's task counts read exactly `counts` (e.g. `['2 completed', '1 running']`). */
const countsShow = (runId: string, counts: string[]) =>
  `[...(document.querySelector('[data-run-id="${runId}"]')?.querySelectorAll('.count') ?? [])].map((e) => e.textContent).sort().join('|') === ${JSON.stringify([...counts].sort().join('|'))}`;

const LABELS: Partial<Record<StateType, string>> = { RUNNING: 'Running', COMPLETED: 'Completed' };

/** Makes state change `state` of task run `i` happen; resolves with its recorded time. */
type Act = (i: number, state: 'RUNNING' | 'COMPLETED') => Promise<number>;

/** Opens the list and `runId`'s page, then times each state change `act` makes. */
async function samplePages(
  browser: Browser,
  errors: string[],
  base: string,
  runId: string,
  act: Act,
  used: { events: boolean },
): Promise<LatencySamples> {
  const list = await openPage(browser, errors);
  const runPage = await openPage(browser, errors);
  try {
    for (const p of [list, runPage])
      p.on('request', (r) => {
        if (r.resourceType() === 'eventsource') used.events = true;
      });
    await list.goto(`${base}/#/flow-runs`);
    await list.locator(`[data-run-id="${runId}"]`).waitFor();
    await runPage.goto(`${base}/#/flow-runs/${runId}`);
    await runPage.locator('h1 .badge').waitFor();
    // Both event streams connected before the first change.
    await new Promise((r) => setTimeout(r, 500));
    const out: LatencySamples = { runPage: [], list: [] };
    for (let i = 0; i < TASKS; i++) {
      for (const state of ['RUNNING', 'COMPLETED'] as const) {
        const counts =
          state === 'RUNNING'
            ? [...(i === 0 ? [] : [`${i} completed`]), '1 running']
            : [`${i + 1} completed`];
        await watch(runPage, taskShows(`step-${i}`, LABELS[state]!));
        await watch(list, countsShow(runId, counts));
        const recorded = await act(i, state);
        out.runPage.push((await seen(runPage)) - recorded);
        out.list.push((await seen(list)) - recorded);
      }
    }
    return out;
  } finally {
    await list.close();
    await runPage.close();
  }
}

/** `store`: this process writes the records, the way the engine's recorder does. */
async function storeWrites(
  tracker: Tracker,
  sample: (runId: string, act: Act) => Promise<LatencySamples>,
): Promise<LatencySamples> {
  const experimentId = await tracker.getOrCreateExperiment('live-bench');
  const startTime = Date.now();
  const run = await tracker.createRun({
    experimentId,
    name: 'store-writes',
    startTime,
    tags: { [TAG_FLOW_NAME]: 'storeWrites' },
  });
  const runId = run.info.runId;
  await tracker.setFlowRun(runId, {
    flowName: 'storeWrites',
    state: 'RUNNING',
    stateHistory: [{ type: 'RUNNING', timestamp: startTime }],
    parameters: {},
  });
  const records: TaskRunRecord[] = [];
  return sample(runId, async (i, state) => {
    const now = Date.now();
    const started = records[i]?.startTime ?? now;
    records[i] = {
      taskRunId: `task-${i}`,
      taskName: 'step',
      taskRunName: `step-${i}`,
      state,
      stateHistory: [
        { type: 'RUNNING', timestamp: started },
        ...(state === 'COMPLETED' ? [{ type: state, timestamp: now }] : []),
      ],
      startTime: started,
      endTime: state === 'COMPLETED' ? now : null,
      durationMs: state === 'COMPLETED' ? now - started : null,
      attempts: 1,
      cacheKey: null,
      cacheHit: false,
      error: null,
    };
    await tracker.upsertTaskRun(runId, records[i]);
    return now;
  });
}

function gates(n: number) {
  const opened: (() => void)[] = [];
  const waits = Array.from(
    { length: n },
    (_, i) => new Promise<void>((resolve) => (opened[i] = resolve)),
  );
  return { waits, open: (i: number) => opened[i](), openAll: () => opened.forEach((o) => o()) };
}

/** `engine`: a real flow records its own task runs; its tasks wait on gates the bench opens. */
async function engineRun(
  tracker: Tracker,
  sample: (runId: string, act: Act) => Promise<LatencySamples>,
): Promise<LatencySamples> {
  const registry = new Registry();
  configure({ tracker, logger: silentLogger, cacheStore: createMemoryCacheStore() });
  const start = gates(TASKS);
  const end = gates(TASKS);
  let runId: string | undefined;
  const step = task(
    async function step(i: number) {
      await end.waits[i];
      return i;
    },
    { registry, taskRunName: 'step-{i}' },
  );
  const live = flow(
    async function liveBench() {
      runId = getRunContext()!.flowRunId;
      for (let i = 0; i < TASKS; i++) {
        await start.waits[i];
        await step(i);
      }
    },
    { registry },
  );
  const done = live();
  try {
    // The flow's run is written when it starts.
    for (let i = 0; i < 500 && (runId === undefined || !(await tracker.getFlowRun(runId))); i++)
      await new Promise((r) => setTimeout(r, 10));
    if (runId === undefined) throw new Error('the flow never started');
    const id = runId;
    const samples = await sample(id, async (i, state) => {
      (state === 'RUNNING' ? start : end).open(i);
      // The engine stamps the transition; the page is watched until it shows it.
      for (let k = 0; k < 1000; k++) {
        const record = (await tracker.listTaskRuns(id)).find((t) => t.taskRunName === `step-${i}`);
        const transition = record?.stateHistory.find((s) => s.type === state);
        if (transition) return transition.timestamp;
        await new Promise((r) => setTimeout(r, 5));
      }
      throw new Error(`task run step-${i} never recorded ${state}`);
    });
    await done;
    return samples;
  } finally {
    start.openAll();
    end.openAll();
    await done.catch(() => undefined);
    resetConfiguration();
  }
}

/** Runs both measurements in `browser`; every console error of the pages goes to `errors`. */
export async function measureLiveLatency(browser: Browser, errors: string[]): Promise<LiveLatency> {
  const dir = mkdtempSync(join(tmpdir(), 'tideflow-live-bench-'));
  const uri = `sqlite:///${join(dir, 'live.db')}`;
  const tracker = await openTracker(uri);
  const server = await createServer({ trackingUri: uri, port: 0 });
  const base = await server.listen();
  const used = { events: false };
  const sample = (runId: string, act: Act) => samplePages(browser, errors, base, runId, act, used);
  try {
    const store = await storeWrites(tracker, sample);
    const engine = await engineRun(tracker, sample);
    return { store, engine, transport: used.events ? 'events' : 'poll' };
  } finally {
    await server.close();
    await tracker.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
