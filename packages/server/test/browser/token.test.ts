import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { MemoryTracker } from '@tideflow/core';
import { createServer } from '@tideflow/server';
import type { TideflowServer } from '@tideflow/server';
import { seedDemo } from '../fixtures/demo-store.js';
import type { DemoRuns } from '../fixtures/demo-store.js';
import { SCREENSHOTS, launch, openPage, recordRunningFlow } from './browser.js';

const TOKEN = 'browser-test-token';

let browser: Browser;
let server: TideflowServer;
let tracker: MemoryTracker;
let demo: DemoRuns;
let base: string;

beforeAll(async () => {
  tracker = new MemoryTracker();
  demo = await seedDemo(tracker);
  server = await createServer({ tracker, port: 0, token: TOKEN });
  base = await server.listen();
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('web UI on a server with a token, in Chromium', () => {
  it('is refused without the token, and with it reads every route and the live stream', async () => {
    const errors: string[] = [];
    const page = await openPage(browser, errors);
    try {
      // The app's files are public; what they read is not.
      await page.goto(`${base}/#/flow-runs`);
      await expect.poll(() => page.locator('.error').first().textContent()).toMatch(/token/i);
      expect(errors.some((e) => e.includes('401'))).toBe(true);
      errors.length = 0;

      const requests: { path: string; type: string; token: boolean }[] = [];
      page.on('request', (r) => {
        const url = new URL(r.url());
        requests.push({
          path: url.pathname,
          type: r.resourceType(),
          token: url.searchParams.has('token'),
        });
      });
      await page.goto(`${base}/?token=${TOKEN}#/flow-runs/${demo.publish}`);
      // Taken off the address (into the tab's storage), so it is not shared by a copied link.
      await expect.poll(() => new URL(page.url()).searchParams.has('token')).toBe(false);
      const images = page.locator('img.artifact-image');
      await expect.poll(() => images.count()).toBe(2);
      await expect
        .poll(() =>
          images.evaluateAll((els) =>
            els.map((e) => (e as unknown as { naturalWidth: number }).naturalWidth),
          ),
        )
        .toEqual([40, 24]);

      // Live: the stream opens with ?token= (EventSource sends no headers), and a run recorded
      // now shows up on the list.
      await page.click('a:text-is("Flow runs")');
      const rows = page.locator('table.flow-runs tbody tr');
      await expect.poll(() => rows.count()).toBe(2);
      await expect
        .poll(() => requests.find((r) => r.type === 'eventsource'))
        .toEqual({ path: '/api/events', type: 'eventsource', token: true });
      const runId = await recordRunningFlow(tracker, 'token-live', 'tokenLive', 'recorded-now');
      await expect.poll(() => rows.count()).toBe(3);
      expect(await page.locator(`[data-run-id="${runId}"]`).textContent()).toContain('Running');
      await page.screenshot({ path: join(SCREENSHOTS, 'token-live.png'), fullPage: true });
      // Past the address it was opened with, only the event stream carried the token in its URL.
      const inUrl = requests.filter((r) => r.token && r.type !== 'document');
      expect(inUrl.length).toBeGreaterThan(0);
      expect(inUrl.every((r) => r.path === '/api/events')).toBe(true);
      expect(errors).toEqual([]);
    } finally {
      await page.close();
    }
  });
  it('opens the report of a flow run from its page, through the signed link', async () => {
    const errors: string[] = [];
    const page = await openPage(browser, errors);
    try {
      await page.goto(`${base}/?token=${TOKEN}#/flow-runs/${demo.etl}`);
      const link = page.locator('a.report-link');
      await link.waitFor();
      // Signed by the server: the long-lived token is not in the link.
      const href = (await link.getAttribute('href'))!;
      expect(href).toMatch(/^\/api\/flow-runs\/[^/]+\/report\?exp=\d+&sig=/);
      expect(href).not.toContain(TOKEN);
      const [report] = await Promise.all([page.context().waitForEvent('page'), link.click()]);
      await report.waitForLoadState();
      expect(await report.textContent('h1')).toBe('ETL report');
      // Sandboxed: the report's own script did not run.
      expect(await report.evaluate(() => (globalThis as { ran?: number }).ran)).toBeUndefined();
      await report.close();
      expect(errors).toEqual([]);
    } finally {
      await page.close();
    }
  });
});
