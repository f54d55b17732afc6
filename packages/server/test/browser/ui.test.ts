import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import {
  FINAL_STATE_TYPES,
  MemoryTracker,
  Registry,
  STATE_NAMES,
  STATE_TYPES,
  TAG_FLOW_NAME,
  configure,
  createMemoryCacheStore,
  flow,
  getRunContext,
  resetConfiguration,
  silentLogger,
  task,
} from '@tideflow/core';
import { createServer } from '@tideflow/server';
import type { TideflowServer } from '@tideflow/server';
import { HOSTILE, seedDemo } from '../fixtures/demo-store.js';
import type { DemoRuns } from '../fixtures/demo-store.js';
import * as uiStates from '../../ui/src/states.js';
import { SCREENSHOTS, launch, openPage, recordRunningFlow } from './browser.js';

// One browser and one server for the file; each test opens its own page and must leave no
// console error behind.
let browser: Browser;
let server: TideflowServer;
let tracker: MemoryTracker;
let demo: DemoRuns;
let base: string;
let page: Page;
let errors: string[] = [];

beforeAll(async () => {
  tracker = new MemoryTracker();
  demo = await seedDemo(tracker);
  server = await createServer({ tracker, port: 0 });
  base = await server.listen();
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});
afterEach(async () => {
  await page?.close();
  expect(errors).toEqual([]);
});

async function visit(hash: string): Promise<Page> {
  errors = [];
  page = await openPage(browser, errors);
  await page.goto(`${base}/${hash}`);
  return page;
}

const shot = (name: string) =>
  page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
const rowOf = (p: Page, runId: string) => p.locator(`[data-run-id="${runId}"]`);

describe('web UI in Chromium', () => {
  it('lists flow runs with state, task counts and cache hits, and filters them by state', async () => {
    const p = await visit('#/flow-runs');
    const etl = rowOf(p, demo.etl);
    await expect.poll(() => etl.textContent()).toContain('Completed');
    expect(await etl.textContent()).toMatch(/2 completed.*1 cached/);
    expect(await rowOf(p, demo.broken).textContent()).toContain('Failed');
    await shot('flow-runs');
    await p.selectOption('select[name=state]', 'FAILED');
    await expect.poll(() => p.locator('table.flow-runs tbody tr').count()).toBe(1);
    expect(await rowOf(p, demo.broken).count()).toBe(1);
  });

  it("shows a flow run's timeline, logs by level, parameters, state history and report", async () => {
    const p = await visit(`#/flow-runs/${demo.etl}`);
    const rows = p.locator('.timeline-row');
    await expect.poll(() => rows.count()).toBe(4);
    expect(await rows.nth(0).textContent()).toContain('extract ×2');
    expect(await p.locator('.timeline-retry').count()).toBe(1);
    expect(await p.locator('.timeline-bar.cached').count()).toBe(1);
    expect(await p.locator('.timeline-label', { hasText: 'cached' }).count()).toBe(1);
    expect(await p.locator('.panel', { hasText: 'Parameters' }).textContent()).toContain(
      'warehouse',
    );
    expect(await p.locator('table.states').textContent()).toMatch(/Pending.*Running.*Completed/);
    await expect.poll(() => p.locator('.log-line').count()).toBe(4);
    await shot('flow-run');
    await p.selectOption('select[name=level]', 'warn');
    await expect
      .poll(() => p.locator('.log-line').allTextContents())
      .toEqual([expect.stringContaining('extracted after 2 attempts')]);

    const [report] = await Promise.all([
      p.context().waitForEvent('page'),
      p.click('a.report-link'),
    ]);
    await report.waitForLoadState();
    expect(await report.textContent('h1')).toBe('ETL report');
    // Sandboxed: the report's own script did not run.
    expect(await report.evaluate(() => (globalThis as { ran?: number }).ran)).toBeUndefined();
    await report.close();
  });

  it('renders every artifact kind, and user markup only as text', async () => {
    const p = await visit(`#/flow-runs/${demo.publish}`);
    const images = p.locator('img.artifact-image');
    await expect.poll(() => images.count()).toBe(2);
    await expect
      .poll(() =>
        images.evaluateAll((els) =>
          els.map((e) => (e as unknown as { naturalWidth: number }).naturalWidth),
        ),
      )
      .toEqual([40, 24]);
    const markdown = p.locator('[data-type=markdown]');
    await expect.poll(() => markdown.locator('h3').textContent()).toBe('Summary');
    expect(await markdown.textContent()).toContain(HOSTILE);
    expect(await p.evaluate(() => (globalThis as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(await p.locator('[data-type=table] td').allTextContents()).toEqual([
      '0',
      '1',
      '1',
      '2',
      '2',
      '3',
    ]);
    expect(await p.locator('[data-type=link] a').getAttribute('href')).toBe(
      'https://example.com/docs',
    );
    expect(await p.locator('[data-type=progress] progress').getAttribute('value')).toBe('100');
    await shot('artifacts');
  });

  it("filters the runs table by a metric with MLflow syntax, and shows a bad filter's position", async () => {
    const p = await visit('#/experiments');
    await p.click('nav.side a:text-is("sweep")');
    const count = p.locator('.run-count[data-status=ready]');
    await expect.poll(() => count.textContent()).toBe('3 runs');
    // The nested run is collapsed under its parent.
    expect(await rowOf(p, demo.sweep[2]).count()).toBe(0);
    await rowOf(p, demo.sweep[0]).locator('button.expander').click();
    await expect.poll(() => rowOf(p, demo.sweep[2]).count()).toBe(1);
    await shot('experiments');

    await p.fill('input[name=filter]', 'metrics.accuracy > 0.9');
    await p.press('input[name=filter]', 'Enter');
    await expect.poll(() => count.textContent()).toBe('1 runs');
    expect(await rowOf(p, demo.sweep[2]).textContent()).toContain('trial-2');

    await p.fill('input[name=filter]', 'metrics.accuracy >> 1');
    await p.press('input[name=filter]', 'Enter');
    await expect.poll(() => p.locator('.error').textContent()).toContain('at position');
    // Chromium logs the refused search (400) itself; that one line is this step's doing.
    expect(errors).toEqual([expect.stringContaining('status of 400')]);
    errors.length = 0;

    await p.fill('input[name=filter]', '');
    await p.press('input[name=filter]', 'Enter');
    await expect.poll(() => count.textContent()).toBe('3 runs');
    await p.click('.chooser > button');
    await p.check('input[name="tags.owner"]');
    await expect.poll(() => rowOf(p, demo.sweep[1]).textContent()).toContain('ana');
    await p.click('.vhead button:has-text("accuracy")');
    await expect
      .poll(() => p.locator('.vrow[data-run-id] .run-name a').allTextContents())
      .toEqual(['trial-1', 'trial-0', 'trial-2']); // trial-2 (0.95) stays under its parent
  });

  it('opens an image artifact from the artifact browser', async () => {
    const p = await visit(`#/runs/${demo.sweep[1]}`);
    await p.click('.browser-tree button:text-is("📁 image")');
    await p.click('.browser-tree button:text-is("📁 confusion")');
    await p.click('.browser-tree button:text-is("v1.png")');
    const img = p.locator('.browser-preview img');
    await expect
      .poll(() => img.evaluate((e) => (e as unknown as { naturalWidth: number }).naturalWidth))
      .toBe(32);
    // A run that records no flow run links to none.
    expect(await p.locator('.crumbs').textContent()).not.toContain('flow run');
    await shot('run-artifacts');
  });

  it('offers one Download button for a file, with a preview or without one', async () => {
    const experimentId = await tracker.createExperiment('downloads');
    const run = await tracker.createRun({ experimentId, name: 'with-files' });
    const id = run.info.runId;
    await tracker.logArtifact(id, 'raw.bin', new Uint8Array([0, 1, 2, 255]));
    await tracker.logArtifact(id, 'notes.txt', 'plain words');
    const p = await visit(`#/runs/${id}`);
    const preview = p.locator('.browser-preview');
    await p.click('.browser-tree button:text-is("raw.bin")');
    await expect.poll(() => preview.locator('[data-type=file]').count()).toBe(1);
    expect(await preview.locator('button:text-is("Download")').count()).toBe(1);
    const [download] = await Promise.all([
      p.waitForEvent('download'),
      preview.locator('button:text-is("Download")').click(),
    ]);
    expect(download.suggestedFilename()).toBe('raw.bin');
    await p.click('.browser-tree button:text-is("notes.txt")');
    await expect.poll(() => preview.locator('pre.file-text').textContent()).toBe('plain words');
    expect(await preview.locator('button:text-is("Download")').count()).toBe(1);
  });

  it('compares runs: param diff, metric histories by step, parallel coordinates', async () => {
    const p = await visit(`#/compare?runs=${demo.sweep.join(',')}`);
    await expect.poll(() => p.locator('table.diff tbody tr').count()).toBe(2);
    await expect.poll(() => p.locator('.chart[data-ready=true]').count()).toBe(2);
    expect(await p.locator('.chart').first().getAttribute('data-points')).toBe('15');
    expect(await p.locator('svg.parallel polyline').count()).toBe(3);
    await shot('compare');
  });

  it('shows the model registry: versions, aliases, signature and source run', async () => {
    const p = await visit('#/models');
    await expect
      .poll(() => p.locator('table.models tbody').textContent())
      .toContain('@champion → v1');
    await shot('models');
    await p.click('a:text-is("iris-classifier")');
    const version = p.locator('table.versions tbody tr');
    await expect.poll(() => version.textContent()).toContain('x: double');
    expect(await version.textContent()).toContain('@champion');
    await version.locator(`a[href="#/runs/${demo.sweep[1]}"]`).click();
    await expect.poll(() => p.locator('h1').textContent()).toContain('trial-1');
    await shot('model');
  });

  it('shows a model whose middle version was deleted: the versions left, without an error', async () => {
    // Three versions, each with other bytes (the same bytes again would be the same version).
    for (const [i, run] of demo.sweep.entries()) {
      await tracker.logModel(run, { name: 'gappy-model', bytes: new Uint8Array([i]), flavor: 't' });
      await tracker.registerModel('gappy', { runId: run, modelName: 'gappy-model' });
    }
    await tracker.deleteModelVersion('gappy', 2);
    const p = await visit('#/models');
    await p.click('a:text-is("gappy")');
    const rows = p.locator('table.versions tbody tr');
    await expect.poll(() => rows.count()).toBe(2);
    const shown = await rows.allTextContents();
    expect(shown[0]).toContain('v3');
    expect(shown[1]).toContain('v1');
    expect(await p.locator('[role=alert]').count()).toBe(0);
  });

  it('shows a flow started during the test on the list and on its page, live, from the event stream', async () => {
    errors = [];
    const p = (page = await openPage(browser, errors));
    const requests: { url: string; type: string }[] = [];
    p.on('request', (r) =>
      requests.push({ url: new URL(r.url()).pathname, type: r.resourceType() }),
    );
    await p.goto(`${base}/#/flow-runs`);
    await expect.poll(() => p.locator('table.flow-runs tbody tr').count()).toBe(2);
    await expect.poll(() => requests.some((r) => r.type === 'eventsource')).toBe(true);
    // Once connected (the page reads again then), idle for longer than the 2 s poll of a server
    // without events: the list asks nothing, it listens to /api/events.
    await p.waitForTimeout(500);
    requests.length = 0;
    await p.waitForTimeout(2500);
    expect(requests.filter((r) => r.url === '/api/flow-runs')).toEqual([]);

    const registry = new Registry();
    configure({ tracker, logger: silentLogger, cacheStore: createMemoryCacheStore() });
    const gates = [0, 1].map(() => {
      let open!: () => void;
      const wait = new Promise<void>((resolve) => (open = resolve));
      return { wait, open };
    });
    const first = task(
      async function waitForTest() {
        await gates[0].wait;
      },
      { registry },
    );
    const second = task(
      async function finishUp() {
        await gates[1].wait;
      },
      { registry },
    );
    const live = flow(
      async function liveFlow() {
        await first();
        await second();
      },
      { registry },
    );
    const done = live();
    const taskRow = (name: string) => p.locator('table.tasks tbody tr', { hasText: name });
    try {
      const row = p.locator('table.flow-runs tbody tr', { hasText: 'liveFlow' });
      await expect.poll(() => row.textContent()).toContain('Running');
      expect(await row.textContent()).toContain('1 running');
      await row.locator('a').click();
      await expect.poll(() => p.locator('.timeline-row').textContent()).toContain('waitForTest');
      expect(await p.locator('h1 .badge').textContent()).toBe('Running');
      await expect
        .poll(() => taskRow('waitForTest').locator('.badge').textContent())
        .toBe('Running');
      expect(await taskRow('finishUp').count()).toBe(0);

      gates[0].open();
      await expect
        .poll(() => taskRow('waitForTest').locator('.badge').textContent())
        .toBe('Completed');
      await expect.poll(() => taskRow('finishUp').locator('.badge').textContent()).toBe('Running');
      expect(await p.locator('h1 .badge').textContent()).toBe('Running');

      gates[1].open();
      await done;
      await expect.poll(() => p.locator('h1 .badge').textContent()).toBe('Completed');
      await expect
        .poll(() => taskRow('finishUp').locator('.badge').textContent())
        .toBe('Completed');
      expect(await p.locator('table.states').textContent()).toMatch(/Pending.*Running.*Completed/);
      await shot('live');
      // The run page listened to the stream too.
      expect(requests).toContainEqual({ url: '/api/events', type: 'eventsource' });
    } finally {
      gates.forEach((g) => g.open());
      await done.catch(() => undefined);
      resetConfiguration();
    }
  });

  it('charts the new metric points of a compared run that is still running, live', async () => {
    const experimentId = await tracker.createExperiment('live-compare');
    const run = await tracker.createRun({ experimentId, name: 'live-trial' });
    const id = run.info.runId;
    await tracker.logBatch(id, { metrics: [{ key: 'accuracy', value: 0.5, step: 0 }] });
    const p = await visit(`#/compare?runs=${demo.sweep[0]},${id}`);
    const chart = (title: string) =>
      p.locator('.chart').filter({ has: p.locator('.u-title', { hasText: title }) });
    const liveRow = p
      .locator('.panel', { hasText: 'Runs' })
      .locator('tr', { hasText: 'live-trial' });
    await expect.poll(() => p.locator('.chart[data-ready=true]').count()).toBe(2);
    expect(await chart('accuracy').getAttribute('data-points')).toBe('6'); // 5 of trial-0, 1
    await expect.poll(() => liveRow.textContent()).toContain('0.5');

    // The run logs on while the page is open: its line grows, its latest value follows.
    await tracker.logBatch(id, {
      metrics: [1, 2, 3].map((step) => ({ key: 'accuracy', value: 0.5 + step / 8, step })),
    });
    await expect.poll(() => chart('accuracy').getAttribute('data-points')).toBe('9');
    await expect.poll(() => liveRow.textContent()).toContain('0.875');
    // A metric it had not logged yet gets its own chart.
    await tracker.logMetric(id, 'val_loss', 0.25, { step: 3 });
    await expect.poll(() => p.locator('.chart[data-ready=true]').count()).toBe(3);
    expect(await chart('val_loss').getAttribute('data-points')).toBe('1');
    await shot('compare-live');
    await tracker.updateRun(id, { status: 'FINISHED', endTime: Date.now() });
  });

  it("shows a running subflow and its task runs on the parent's page, live", async () => {
    const registry = new Registry();
    configure({ tracker, logger: silentLogger, cacheStore: createMemoryCacheStore() });
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    let started!: (id: string) => void;
    const parentId = new Promise<string>((resolve) => (started = resolve));
    let innerStarted!: () => void;
    const innerGate = new Promise<void>((resolve) => (innerStarted = resolve));
    const innerStep = task(
      async function innerStep() {
        await gate;
      },
      { registry },
    );
    const inner = flow(
      async function innerFlow() {
        await innerStep();
      },
      { registry },
    );
    const outer = flow(
      async function outerFlow() {
        started(getRunContext()!.flowRunId!);
        await innerGate;
        await inner();
      },
      { registry },
    );
    const done = outer();
    try {
      const p = await visit(`#/flow-runs/${await parentId}`);
      await expect.poll(() => p.locator('h1 .badge').textContent()).toBe('Running');
      await expect.poll(() => p.locator('.timeline-row').count()).toBe(0);
      innerStarted();
      const step = p.locator('table.tasks tbody tr', { hasText: 'innerStep' });
      await expect.poll(() => step.locator('.badge').textContent()).toBe('Running');
      await expect
        .poll(() => p.locator('.timeline-row').allTextContents())
        .toEqual([expect.stringMatching(/^↳ /), 'innerStep']);
      open();
      await done;
      await expect.poll(() => step.locator('.badge').textContent()).toBe('Completed');
      await expect.poll(() => p.locator('h1 .badge').textContent()).toBe('Completed');
    } finally {
      open();
      innerStarted();
      await done.catch(() => undefined);
      resetConfiguration();
    }
  });

  it('asks again every two seconds when the event stream is refused', async () => {
    errors = [];
    const p = (page = await openPage(browser, errors));
    await p.route('**/api/events*', (route) => route.fulfill({ status: 503, body: 'down' }));
    await p.goto(`${base}/#/flow-runs`);
    const rows = p.locator('table.flow-runs tbody tr');
    await expect.poll(() => rows.count()).toBeGreaterThan(0);
    const before = await rows.count();
    await recordRunningFlow(tracker, 'poll-fallback', 'polled', 'polled-run');
    await expect.poll(() => rows.count(), { timeout: 5000 }).toBe(before + 1);
    // Chromium logs the refused stream itself; that is this test's doing.
    expect(errors.every((e) => e.includes('503') || e.includes('EventSource'))).toBe(true);
    errors.length = 0;
  });

  it("shows a running flow run's time so far alike on the list, its page, its tracking run and the runs table", async () => {
    // Last in the file: the other tests count the flow runs of the demo store.
    const experimentId = await tracker.createExperiment('durations');
    const run = await tracker.createRun({
      experimentId,
      name: 'long-haul',
      startTime: Date.now() - 90 * 60_000 - 10_000,
      tags: { [TAG_FLOW_NAME]: 'slow' },
    });
    const id = run.info.runId;
    await tracker.setFlowRun(id, {
      flowName: 'slow',
      state: 'RUNNING',
      stateHistory: [{ type: 'RUNNING', timestamp: run.info.startTime }],
      parameters: {},
    });
    let p = await visit('#/flow-runs');
    await expect.poll(() => rowOf(p, id).textContent()).toContain('1h 30m');
    await page.close();
    expect(errors).toEqual([]);
    p = await visit(`#/flow-runs/${id}`);
    await expect.poll(() => p.locator('.summary').textContent()).toContain('duration 1h 30m');
    await page.close();
    expect(errors).toEqual([]);
    p = await visit(`#/runs/${id}`);
    await expect.poll(() => p.locator('.summary').textContent()).toContain('duration 1h 30m');
    // The tracking run of a flow run links to the flow run.
    expect(await p.locator('.crumbs a', { hasText: 'flow run' }).getAttribute('href')).toBe(
      `#/flow-runs/${id}`,
    );
    await page.close();
    expect(errors).toEqual([]);
    p = await visit('#/experiments');
    await p.click('nav.side a:text-is("durations")');
    await expect.poll(() => rowOf(p, id).textContent()).toContain('1h 30m');
  });

  it("names states as core does, the same on a badge, in the state history and in the list's filter", async () => {
    // The UI restates core's states (a value import would bundle Node code): they must agree.
    expect(uiStates.STATE_NAMES).toEqual(STATE_NAMES);
    expect(uiStates.STATE_TYPES).toEqual(STATE_TYPES);
    expect(uiStates.FINAL_STATES).toEqual(FINAL_STATE_TYPES);
    expect(uiStates.stateName('FINISHED')).toBe('Finished');
    expect(uiStates.stateName('constructor')).toBe('Constructor');

    const id = await recordRunningFlow(tracker, 'states', 'slowpoke', 'too-slow');
    const started = Date.now();
    await tracker.setFlowRun(id, {
      flowName: 'slowpoke',
      state: 'TIMED_OUT',
      stateHistory: [
        { type: 'RUNNING', timestamp: started },
        { type: 'TIMED_OUT', name: 'TimedOut', timestamp: started + 5, message: 'took too long' },
      ],
      parameters: {},
    });
    const p = await visit(`#/flow-runs/${id}`);
    await expect.poll(() => p.locator('h1 .badge').textContent()).toBe('TimedOut');
    expect(await p.locator('table.states tbody tr').allTextContents()).toEqual([
      expect.stringContaining('Running'),
      expect.stringMatching(/TimedOut\s*took too long$/),
    ]);
    await p.click('a:text-is("Flow runs")');
    const option = p.locator('select[name=state] option[value=TIMED_OUT]');
    await expect.poll(() => option.textContent()).toBe('TimedOut');
  });
});
