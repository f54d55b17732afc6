import { rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { Tracker, registerTrackerScheme } from '@tideflow/core';
import { MemoryTrackerStore } from '@tideflow/core/store';
import { cli, workspace } from './helpers.js';

const ws = workspace();
afterAll(() => rmSync(ws.cwd, { recursive: true, force: true }));

describe('the CLI opens stores through the scheme registry', () => {
  it('reads a store of any registered scheme, and names the known schemes for an unknown one', async () => {
    // One shared store stands for a remote one: each command opens (and closes) its own Tracker.
    const store = new MemoryTrackerStore();
    const opened: unknown[] = [];
    registerTrackerScheme('cli-test', (uri, options) => {
      opened.push({ uri, ...options });
      return new Tracker(store);
    });
    const seed = new Tracker(store);
    const id = await seed.createExperiment('remote-experiment');
    await seed.createRun({ experimentId: id, name: 'remote-run' });

    const experiments = await cli(ws, 'experiments', 'ls', '--tracking-uri', 'cli-test://host/x');
    expect(experiments.code).toBe(0);
    expect(experiments.stdout).toContain('remote-experiment');
    const viaEnv = await cli(
      { cwd: ws.cwd, env: { ...ws.env, TIDEFLOW_TRACKING_URI: 'cli-test://host/x' } },
      'runs',
      'ls',
      '--json',
    );
    expect(viaEnv.code).toBe(0);
    expect(viaEnv.stdout).toContain('remote-run');
    // Reading commands ask the backend not to create a store.
    expect(opened[0]).toEqual({ uri: 'cli-test://host/x', cwd: ws.cwd, create: false });

    const unknown = await cli(ws, 'runs', 'ls', '--tracking-uri', 'nowhere://x');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(
      /--tracking-uri: expected a tracking URI of a registered scheme \(cli-test:, http:, https:, memory:, sqlite:\).*got "nowhere:\/\/x"/,
    );
  });
});
