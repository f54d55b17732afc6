import { mkdtempSync } from 'node:fs';
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
});
