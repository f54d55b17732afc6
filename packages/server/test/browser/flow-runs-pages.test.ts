import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { MemoryTracker } from '@tideflow/core';
import { createServer } from '@tideflow/server';
import type { TideflowServer } from '@tideflow/server';
import { launch, openPage, recordRunningFlow } from './browser.js';

// More flow runs than the list's route answers in one request (1,000), in a store of their own.
const RUNS = 1050;

let browser: Browser;
let server: TideflowServer;
let tracker: MemoryTracker;
let base: string;
let page: Page | undefined;
const errors: string[] = [];

beforeAll(async () => {
  tracker = new MemoryTracker();
  for (let i = 0; i < RUNS; i++) await recordRunningFlow(tracker, 'many', 'busy', `busy-${i}`);
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

describe('flow runs list, page after page, in Chromium', () => {
  it('re-reads every loaded page in one request on a live event (several only past 1,000 runs)', async () => {
    const p = (page = await openPage(browser, errors));
    const reads: URLSearchParams[] = [];
    p.on('request', (r) => {
      const url = new URL(r.url());
      if (url.pathname === '/api/flow-runs') reads.push(url.searchParams);
    });
    const shown = (q: URLSearchParams) => [q.get('limit'), q.has('pageToken')];
    await p.goto(`${base}/#/flow-runs`);
    const rows = p.locator('table.flow-runs tbody tr');
    const more = p.locator('button:text-is("Load more")');
    await expect.poll(() => rows.count()).toBe(100);
    await more.click();
    await expect.poll(() => rows.count()).toBe(200);

    // A new run while two pages are shown: both are read again, at once.
    reads.length = 0;
    await recordRunningFlow(tracker, 'many', 'busy', 'newcomer');
    await expect.poll(() => rows.first().textContent()).toContain('newcomer');
    expect(await rows.count()).toBe(200);
    expect(reads.length).toBeGreaterThan(0);
    expect(reads.map(shown)).toEqual(reads.map(() => ['200', false]));

    // Past the route's limit: a request of 1,000, then one for the rest.
    for (let pages = 3; pages <= 11; pages++) {
      await more.click();
      await expect.poll(() => rows.count()).toBe(Math.min(100 * pages, RUNS + 1));
      expect(await rows.first().textContent()).toContain('newcomer');
    }
    expect(await more.count()).toBe(0);
    reads.length = 0;
    await recordRunningFlow(tracker, 'many', 'busy', 'latecomer');
    await expect.poll(() => rows.count()).toBe(RUNS + 2);
    expect(await rows.first().textContent()).toContain('latecomer');
    expect(reads.length % 2).toBe(0);
    expect(reads.map(shown)).toEqual(
      reads.map((_, i) => (i % 2 === 0 ? ['1000', false] : ['100', true])),
    );
  });
});
