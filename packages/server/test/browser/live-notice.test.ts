import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { MemoryTracker } from '@tideflow/core';
import type { FlowRunRecord } from '@tideflow/core';
import { createServer } from '@tideflow/server';
import type { TideflowServer } from '@tideflow/server';
import { breakReadChanges } from '../support/broken-changes.js';
import { SCREENSHOTS, launch, openPage, recordRunningFlow } from './browser.js';

let browser: Browser;
let server: TideflowServer;
let tracker: MemoryTracker;
let base: string;
let page: Page | undefined;
const errors: string[] = [];

beforeAll(async () => {
  tracker = new MemoryTracker();
  server = await createServer({ tracker, port: 0, livePollMs: 50 });
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

const record = (state: FlowRunRecord['state'], at: number): FlowRunRecord => ({
  flowName: 'watched',
  state,
  stateHistory: [{ type: state, timestamp: at }],
  parameters: {},
});

describe('live updates notice, in Chromium', () => {
  it('says that live updates are failing while the store cannot read its changes, and clears once it reads', async () => {
    const runId = await recordRunningFlow(tracker, 'live-notice', 'watched', 'watched-run');
    const p = (page = await openPage(browser, errors));
    await p.goto(`${base}/#/flow-runs/${runId}`);
    const badge = p.locator('h1 .badge');
    const notice = p.getByRole('status');
    await expect.poll(() => badge.textContent()).toBe('Running');
    // A change on screen: the page listens to the stream.
    await tracker.setFlowRun(runId, record('RETRYING', Date.now()));
    await expect.poll(() => badge.textContent()).toBe('Retrying');
    expect(await notice.textContent()).toBe('');
    expect(await notice.isVisible()).toBe(false);

    const store = breakReadChanges(tracker, 'disk I/O error');
    try {
      await expect
        .poll(() => notice.textContent())
        .toBe(
          'Live updates are failing: the tracking store cannot be read, so what this page shows may be stale. It updates again once the store reads.',
        );
      expect(await notice.isVisible()).toBe(true);
      // Written while the store cannot be read: not on screen, the page says it may be stale.
      await tracker.setFlowRun(runId, record('RUNNING', Date.now()));
      await p.waitForTimeout(300);
      expect(await badge.textContent()).toBe('Retrying');
      expect(await notice.isVisible()).toBe(true);
      await p.screenshot({ path: join(SCREENSHOTS, 'live-notice.png') });

      // The store reads again: what was written meanwhile arrives and the notice goes.
      store.mend();
      await expect.poll(() => badge.textContent()).toBe('Running');
      await expect.poll(() => notice.textContent()).toBe('');
      expect(await notice.isVisible()).toBe(false);
    } finally {
      store.restore();
    }
  });

  it('clears the notice once the store reads again, with nothing written meanwhile', async () => {
    const runId = await recordRunningFlow(tracker, 'live-notice', 'watched', 'idle-run');
    const p = (page = await openPage(browser, errors));
    await p.goto(`${base}/#/flow-runs`);
    const row = p.locator('table.flow-runs tbody tr', { hasText: 'idle-run' });
    await expect.poll(() => row.textContent()).toContain('Running');
    await tracker.setFlowRun(runId, record('RETRYING', Date.now()));
    await expect.poll(() => row.textContent()).toContain('Retrying');

    const notice = p.getByRole('status');
    const store = breakReadChanges(tracker, 'database is locked');
    try {
      await expect.poll(() => notice.textContent()).toContain('Live updates are failing');
      store.mend();
      await expect.poll(() => notice.textContent()).toBe('');
      // And the stream goes on.
      await tracker.setFlowRun(runId, record('COMPLETED', Date.now()));
      await expect.poll(() => row.textContent()).toContain('Completed');
      expect(await notice.textContent()).toBe('');
    } finally {
      store.restore();
    }
  });
});
