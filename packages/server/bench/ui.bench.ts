// Web UI figures of issue 14, in headless Chromium (Debian's, through playwright-core) against a
// real server over an in-memory store: the runs table of 10,000 runs × 20 metrics (first paint,
// a filter applied), a 100,000-point metric history charted, and a state change on screen after
// it is recorded (live-latency.ts).
//
// Times are taken inside the page (performance.now()), from navigation start or from the
// user's action to the frame after the DOM shows the result.
import { MemoryTracker } from '@tideflow/core';
import type { Page } from 'playwright-core';
import { createServer } from '../src/index.js';
import { launch, openPage } from '../test/browser/browser.js';
import { measureLiveLatency } from './live-latency.js';
import { median, report, seededRandom } from '../../../scripts/bench-stats.js';

const RUNS = Number(process.env.UI_BENCH_RUNS ?? 10_000);
const METRICS = 20;
const POINTS = 100_000;
const SAMPLES = 5;

async function seed(tracker: MemoryTracker): Promise<{ experimentId: string; historyRun: string }> {
  const experimentId = await tracker.createExperiment('bench-wide');
  const random = seededRandom(42);
  for (let i = 0; i < RUNS; i++) {
    const run = await tracker.createRun({ experimentId, name: `run-${i}`, startTime: 1e12 + i });
    await tracker.logBatch(run.info.runId, {
      params: { model: ['knn', 'svm', 'tree'][i % 3], seed: i },
      metrics: Array.from({ length: METRICS }, (_, m) => ({ key: `m${m}`, value: random() })),
    });
  }
  const other = await tracker.createExperiment('bench-history');
  const history = await tracker.createRun({ experimentId: other, name: 'long-history' });
  for (let start = 0; start < POINTS; start += 10_000) {
    await tracker.logBatch(history.info.runId, {
      metrics: Array.from({ length: 10_000 }, (_, j) => ({
        key: 'loss',
        value: Math.exp(-(start + j) / 20_000) + 0.01 * Math.sin(start + j),
        step: start + j,
      })),
    });
  }
  return { experimentId, historyRun: history.info.runId };
}

// Page-side code goes as source text: tsx's transform would wrap named functions in a
// `__name` helper that does not exist in the page.
const TIME_TO_SELECTOR = `(sel) => new Promise((resolve) => {
  const done = () => requestAnimationFrame(() => resolve(performance.now()));
  if (document.querySelector(sel)) return done();
  const observer = new MutationObserver(() => {
    if (document.querySelector(sel)) { observer.disconnect(); done(); }
  });
  observer.observe(document, { subtree: true, childList: true, attributes: true });
})`;

const TIME_FILTER = `(filter) => new Promise((resolve) => {
  const input = document.querySelector('input[name=filter]');
  const before = document.querySelector('.run-count').textContent;
  input.value = filter;
  input.dispatchEvent(new Event('input', { bubbles: true }));
  let t0 = 0;
  const observer = new MutationObserver(() => {
    const now = document.querySelector('.run-count');
    if (now.dataset.status !== 'loading' && now.textContent !== before) {
      observer.disconnect();
      const shown = now.textContent;
      requestAnimationFrame(() => resolve({ ms: performance.now() - t0, shown }));
    }
  });
  observer.observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true });
  setTimeout(() => resolve({ ms: NaN, shown: document.querySelector('main').textContent.slice(0, 600) }), 20000);
  t0 = performance.now();
  input.form.requestSubmit();
})`;

/** In the page: ms from navigation start until `selector` is in the DOM, then a frame. */
function timeToSelector(page: Page, selector: string): Promise<number> {
  return page.evaluate<number>(`(${TIME_TO_SELECTOR})(${JSON.stringify(selector)})`);
}

/** In the page: submits `filter` and times until the run count shows the filtered result. */
function timeFilter(page: Page, filter: string): Promise<{ ms: number; shown: string }> {
  return page.evaluate<{ ms: number; shown: string }>(
    `(${TIME_FILTER})(${JSON.stringify(filter)})`,
  );
}

const tracker = new MemoryTracker();
const seeded = seed(tracker);
const { experimentId, historyRun } = await seeded;
const server = await createServer({ tracker, port: 0 });
const base = await server.listen();
const browser = await launch();
const errors: string[] = [];
try {
  const paint: number[] = [];
  const filtered: number[] = [];
  const complete: number[] = [];
  let shown = '';
  for (let i = 0; i < SAMPLES; i++) {
    const page = await openPage(browser, errors);
    await page.goto(`${base}/#/experiments/${experimentId}`);
    paint.push(await timeToSelector(page, '.vrow[data-run-id]'));
    complete.push(await timeToSelector(page, '.run-count[data-status=ready]'));
    const r = await timeFilter(page, "metrics.m3 > 0.9 and params.model = 'svm'");
    if (!Number.isFinite(r.ms)) throw new Error(`the filter never applied: ${r.shown}`);
    filtered.push(r.ms);
    shown = r.shown;
    await page.close();
  }
  const extra = {
    runs: RUNS,
    metrics: METRICS,
    samples: SAMPLES,
    store: 'memory',
    browser: 'chromium',
  };
  report('ui.runs-table.first-paint', median(paint), 'ms', { ...extra, target: 1000 });
  report('ui.runs-table.all-pages-loaded', median(complete), 'ms', extra);
  report('ui.runs-table.filter-applied', median(filtered), 'ms', {
    ...extra,
    target: 300,
    filter: "metrics.m3 > 0.9 and params.model = 'svm'",
    shown,
  });

  const render: number[] = [];
  const total: number[] = [];
  for (let i = 0; i < SAMPLES; i++) {
    const page = await openPage(browser, errors);
    await page.goto(`${base}/#/runs/${historyRun}`);
    total.push(await timeToSelector(page, '.chart[data-ready=true]'));
    render.push(Number(await page.getAttribute('.chart', 'data-render-ms')));
    const points = await page.getAttribute('.chart', 'data-points');
    if (points !== String(POINTS)) throw new Error(`charted ${points} points, not ${POINTS}`);
    await page.close();
  }
  report('ui.metric-chart.render', median(render), 'ms', {
    points: POINTS,
    samples: SAMPLES,
    target: 300,
  });
  report('ui.metric-chart.page-to-chart', median(total), 'ms', {
    points: POINTS,
    samples: SAMPLES,
  });

  const live = await measureLiveLatency(browser, errors);
  for (const writer of ['store', 'engine'] as const) {
    for (const view of ['runPage', 'list'] as const) {
      const samples = live[writer][view];
      report(
        `ui.state-change-on-screen.${writer}.${view === 'list' ? 'flow-runs-list' : 'run-page'}`,
        median(samples),
        'ms',
        {
          samples: samples.length,
          max: Math.max(...samples),
          target: 300,
          store: 'sqlite',
          transport: live.transport,
        },
      );
    }
  }
  if (errors.length) throw new Error(`console errors: ${errors.join('; ')}`);
} finally {
  await browser.close();
  await server.close();
}
