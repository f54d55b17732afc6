import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import type { Browser, Page } from 'playwright-core';
import { TAG_FLOW_NAME } from '@tideflow/core';
import type { Tracker } from '@tideflow/core';

/** Debian's Chromium (`.ci/run` installs it); playwright-core downloads no browser. */
export const CHROMIUM = '/usr/bin/chromium';

/** Where the browser tests save their screenshots (gitignored). */
export const SCREENSHOTS = fileURLToPath(
  new URL('../../test-output/screenshots/', import.meta.url),
);

/** Starts headless Chromium. */
export async function launch(): Promise<Browser> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
  });
}

/** A new page that records every console error and uncaught exception into `errors`. */
export async function openPage(browser: Browser, errors: string[]): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.setDefaultTimeout(10_000);
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => errors.push(`page error: ${e.message}`));
  return page;
}

/** Records, straight in the store, a flow run that is running now; resolves with its run id. */
export async function recordRunningFlow(
  tracker: Tracker,
  experiment: string,
  flowName: string,
  name: string,
): Promise<string> {
  const experimentId = await tracker.getOrCreateExperiment(experiment);
  const run = await tracker.createRun({
    experimentId,
    name,
    tags: { [TAG_FLOW_NAME]: flowName },
  });
  await tracker.setFlowRun(run.info.runId, {
    flowName,
    state: 'RUNNING',
    stateHistory: [{ type: 'RUNNING', timestamp: Date.now() }],
    parameters: {},
  });
  return run.info.runId;
}
