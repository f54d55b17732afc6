// The live figure of issue 14, used by ui.bench.ts: a state change on screen ≤ 300 ms after it
// is recorded. A real flow runs in this process against a SQLite file; the server serves the
// same file through its own connection (as it would for a flow in another process), and the
// flow-runs list and the flow run's page are open in Chromium. The flow's task runs wait on
// gates, so each release is exactly one state change (a task run starting, a task run ending);
// each sample is the time from the state's recorded timestamp (the engine's `Date.now()`) to the
// frame in which the page shows it (the page's `Date.now()`: the same clock).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  Registry,
  configure,
  createMemoryCacheStore,
  flow,
  getRunContext,
  openTracker,
  resetConfiguration,
  silentLogger,
  task,
} from '@tideflow/core';
import type { StateType, Tracker } from '@tideflow/core';
import '@tideflow/tracker-sqlite';
import type { Browser, Page } from 'playwright-core';
import { createServer } from '../src/index.js';
import { openPage } from '../test/browser/browser.js';

/** Tasks of the measured flow; each gives two samples (running, completed). */
const TASKS = 6;

/** What {@link measureLiveLatency} measured, ms from recorded to shown, one entry per sample. */
export interface LiveLatency {
  runPage: number[];
  list: number[];
  /** How the pages got the change: `events` when they opened `/api/events`. */
  transport: string;
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

function gates(n: number) {
  const opened: (() => void)[] = [];
  const waits = Array.from(
    { length: n },
    (_, i) => new Promise<void>((resolve) => (opened[i] = resolve)),
  );
  return { waits, open: (i: number) => opened[i](), openAll: () => opened.forEach((o) => o()) };
}

async function recordedAt(
  tracker: Tracker,
  runId: string,
  name: string,
  state: StateType,
): Promise<number> {
  const record = (await tracker.listTaskRuns(runId)).find((t) => t.taskRunName === name);
  const transition = record?.stateHistory.find((s) => s.type === state);
  if (!transition) throw new Error(`task run ${name} never recorded ${state}`);
  return transition.timestamp;
}

/** Runs the measurement in `browser`; every console error of the pages goes to `errors`. */
export async function measureLiveLatency(browser: Browser, errors: string[]): Promise<LiveLatency> {
  const dir = mkdtempSync(join(tmpdir(), 'tideflow-live-bench-'));
  const uri = `sqlite:///${join(dir, 'live.db')}`;
  const tracker = await openTracker(uri);
  const server = await createServer({ trackingUri: uri, port: 0 });
  const base = await server.listen();
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
  const pages: Page[] = [];
  try {
    for (let i = 0; i < 200 && runId === undefined; i++)
      await new Promise((r) => setTimeout(r, 10));
    if (runId === undefined) throw new Error('the flow never started');
    let transport = 'poll';
    const list = await openPage(browser, errors);
    const runPage = await openPage(browser, errors);
    pages.push(list, runPage);
    for (const p of pages)
      p.on('request', (r) => {
        if (r.resourceType() === 'eventsource') transport = 'events';
      });
    await list.goto(`${base}/#/flow-runs`);
    await list.locator(`[data-run-id="${runId}"]`).waitFor();
    await runPage.goto(`${base}/#/flow-runs/${runId}`);
    await runPage.locator('h1 .badge').waitFor();
    // Let both event streams connect before the first change.
    await new Promise((r) => setTimeout(r, 500));

    const result: LiveLatency = { runPage: [], list: [], transport };
    const sample = async (
      name: string,
      state: StateType,
      label: string,
      counts: string[],
      act: () => void,
    ) => {
      await watch(runPage, taskShows(name, label));
      await watch(list, countsShow(runId!, counts));
      act();
      const [onRunPage, onList] = [await seen(runPage), await seen(list)];
      const recorded = await recordedAt(tracker, runId!, name, state);
      result.runPage.push(onRunPage - recorded);
      result.list.push(onList - recorded);
    };
    for (let i = 0; i < TASKS; i++) {
      const completed = i === 0 ? [] : [`${i} completed`];
      await sample(`step-${i}`, 'RUNNING', 'Running', [...completed, '1 running'], () =>
        start.open(i),
      );
      await sample(`step-${i}`, 'COMPLETED', 'Completed', [`${i + 1} completed`], () =>
        end.open(i),
      );
    }
    result.transport = transport;
    await done;
    return result;
  } finally {
    start.openAll();
    end.openAll();
    await done.catch(() => undefined);
    for (const p of pages) await p.close();
    resetConfiguration();
    await server.close();
    await tracker.close?.();
    rmSync(dir, { recursive: true, force: true });
  }
}
