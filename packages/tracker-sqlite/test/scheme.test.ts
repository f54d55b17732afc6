import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  configure,
  engineEvents,
  flow,
  openTracker,
  resetConfiguration,
  silentLogger,
} from '@tideflow/core';
import { SqliteTracker } from '../src/index.js';

afterEach(() => {
  resetConfiguration();
  engineEvents.clear();
});

describe('sqlite tracking URIs', () => {
  it('opens a SqliteTracker for sqlite:/// URIs and records flow runs through the setting', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tideflow-scheme-'));
    const uri = `sqlite:///${join(dir, 'runs.db')}`; // an absolute path: four slashes
    const tracker = await openTracker(uri);
    expect(tracker).toBeInstanceOf(SqliteTracker);
    await tracker.close();

    configure({ trackingUri: uri, logger: silentLogger });
    const f = flow(async function viaUri(x: number) {
      return x + 1;
    });
    expect(await f(1)).toBe(2);
    const reopened = new SqliteTracker({ path: join(dir, 'runs.db') });
    const exp = await reopened.getExperimentByName('viaUri');
    const { runs } = await reopened.searchRuns({ experimentIds: [exp!.experimentId] });
    expect(runs).toHaveLength(1);
    expect(runs[0].info.status).toBe('FINISHED');
    expect(runs[0].data.params).toEqual({ x: '1' });
    await reopened.close();
  });

  it('resolves relative URIs against the cwd option, and with create: false refuses a missing file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tideflow-scheme-'));
    await expect(
      openTracker('sqlite:///nested/missing.db', { cwd: dir, create: false }),
    ).rejects.toMatchObject({
      code: 'TRACKING_STORE_NOT_FOUND',
      location: join(dir, 'nested', 'missing.db'),
    });
    expect(existsSync(join(dir, 'nested'))).toBe(false);
    const created = await openTracker('sqlite:///nested/runs.db', { cwd: dir });
    expect((created as SqliteTracker).path).toBe(join(dir, 'nested', 'runs.db'));
    await created.close();
    const existing = await openTracker('sqlite:///nested/runs.db', { cwd: dir, create: false });
    expect((await existing.listExperiments()).map((e) => e.name)).toEqual(['Default']);
    await existing.close();
  });
});
