import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { engineEvents } from '@tideflow/core';
import { main, type CliIo } from '@tideflow/cli';
import { cli, workspace } from './helpers.js';

const ws = workspace();
afterAll(() => rmSync(ws.cwd, { recursive: true, force: true }));
afterEach(() => engineEvents.clear());

/** A quick configuration in which every family's search still takes a while. */
const QUICK = [
  '--set',
  'data.n=2000',
  '--set',
  'data.k=4',
  '--set',
  'search.folds=3',
  '--set',
  'models.knn.nNeighbors=[5,15]',
  '--set',
  'models.random_forest.nEstimators=[30]',
  '--set',
  'models.svc.C=[1]',
  '--set',
  'models.svc.maxSamples=400',
  '--set',
  'explain.shapRows=50',
  '--set',
  'tsne.sample=200',
];

describe('tideflow run clustering --workers', () => {
  it('refuses a --workers that is not an integer from 1 to 256, naming the option, before any work', async () => {
    const fresh = workspace();
    try {
      for (const bad of ['0', '-1', '2.5', 'lots', '1e3', '257', '']) {
        const r = await cli(fresh, 'run', 'clustering', '--workers', bad);
        expect(r.code).toBe(1);
        expect(r.stderr).toContain(
          `--workers must be an integer from 1 (in-process) to 256, got "${bad}".`,
        );
        expect(existsSync(join(fresh.cwd, '.tideflow'))).toBe(false);
      }
      // It configures the built-in pipeline; a flow from a file is told so.
      const user = await cli(fresh, 'run', 'flows.ts:train', '--workers', '2');
      expect(user.code).toBe(1);
      expect(user.stderr).toContain('--workers configure');
    } finally {
      rmSync(fresh.cwd, { recursive: true, force: true });
    }
  });

  it('gives the same results with --workers 2 as with --workers 1', async () => {
    const run = async (workers: string) => {
      // A cache of its own: each run computes everything.
      const cache = join(ws.cwd, `cache-${workers}.sqlite`);
      const r = await cli(
        ws,
        'run',
        'clustering',
        '--json',
        '--workers',
        workers,
        '--cache',
        cache,
        ...QUICK,
      );
      expect(r.code).toBe(0);
      const summary = JSON.parse(r.stdout);
      delete summary.run_id;
      delete summary.report;
      delete summary.registered_model;
      return summary;
    };
    const one = await run('1');
    expect(one.families).toHaveLength(5);
    expect(await run('2')).toEqual(one);
  }, 300_000);

  it('keeps redrawing the live progress view while the families search on the pool', async () => {
    const frames: number[] = [];
    const spans: { start: number; end?: number }[] = [];
    const stop = engineEvents.subscribe((e) => {
      if (e.type !== 'run.state' || e.run.name !== 'ClusteringPipeline.searchFamily') return;
      if (e.state.type === 'RUNNING') spans.push({ start: performance.now() });
      else if (e.state.isFinal()) spans.find((s) => s.end === undefined)!.end = performance.now();
    });
    const io: CliIo = {
      stdout: () => {},
      stderr: () => frames.push(performance.now()),
      env: ws.env,
      cwd: ws.cwd,
      columns: 80,
      interactive: true,
    };
    const cache = join(ws.cwd, 'cache-live.sqlite');
    const args = ['run', 'clustering', '--workers', '2', '--cache', cache, ...QUICK];
    try {
      expect(await main(['node', 'tideflow', ...args], io)).toBe(0);
    } finally {
      stop();
    }
    expect(spans).toHaveLength(5);
    // The view redraws every 100 ms; while a family searches the main thread is free to do it.
    const longest = spans.reduce((a, b) => (b.end! - b.start > a.end! - a.start ? b : a));
    const during = frames.filter((t) => t > longest.start && t < longest.end!).length;
    expect(longest.end! - longest.start).toBeGreaterThan(300);
    expect(during).toBeGreaterThanOrEqual(Math.floor((longest.end! - longest.start) / 100 / 2));
  }, 300_000);
});
