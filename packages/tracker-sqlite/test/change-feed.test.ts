import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { SqliteTracker } from '../src/index.js';
import { LATEST_SCHEMA_VERSION, migrate } from '../src/schema.js';

const dir = mkdtempSync(join(tmpdir(), 'tideflow-changes-'));
let files = 0;
const fresh = () => join(dir, `store-${++files}.db`);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the SQLite change feed', () => {
  it('sees what another connection to the file writes (as another process would)', async () => {
    const path = fresh();
    const reader = new SqliteTracker({ path });
    const writer = new SqliteTracker({ path });
    try {
      const start = await reader.readChanges();
      // Idle polls return the same cursor and nothing.
      expect(await reader.readChanges(start.cursor)).toEqual({
        changes: [],
        cursor: start.cursor,
        more: false,
      });
      const id = (await writer.createRun()).info.runId;
      await writer.setFlowRun(id, {
        flowName: 'f',
        state: 'RUNNING',
        stateHistory: [{ type: 'RUNNING', timestamp: 1 }],
        parameters: {},
      });
      await writer.logMetric(id, 'acc', 0.5, { step: 3, timestamp: 4 });
      const page = await reader.readChanges(start.cursor);
      expect(page.changes).toMatchObject([
        { kind: 'flow-run', runId: id, record: { flowName: 'f', state: 'RUNNING' } },
        { kind: 'metric', runId: id, point: { key: 'acc', value: 0.5, step: 3, timestamp: 4 } },
      ]);
      // And its own writes, which do not move data_version.
      await reader.logLines(id, [{ timestamp: 5, level: 'warn', message: 'own' }]);
      const own = await reader.readChanges(page.cursor);
      expect(own.changes).toEqual([
        {
          kind: 'log',
          seq: own.cursor.logs,
          runId: id,
          line: { timestamp: 5, level: 'warn', message: 'own' },
        },
      ]);
    } finally {
      await writer.close();
      await reader.close();
    }
  });

  it('numbers record writes in a store migrated from the previous schema', async () => {
    const path = fresh();
    const db = new Database(path);
    migrate(db, path, LATEST_SCHEMA_VERSION - 1);
    db.close();
    const tracker = new SqliteTracker({ path });
    try {
      const id = (await tracker.createRun()).info.runId;
      const { cursor } = await tracker.readChanges();
      await tracker.upsertTaskRun(id, {
        taskRunId: 't',
        taskName: 'x',
        taskRunName: 'x',
        state: 'COMPLETED',
        stateHistory: [{ type: 'COMPLETED', timestamp: 2 }],
        startTime: 1,
        endTime: 2,
        durationMs: 1,
        attempts: 1,
        cacheKey: null,
        cacheHit: true,
        error: null,
      });
      const page = await tracker.readChanges(cursor);
      expect(page.changes).toMatchObject([
        { kind: 'task-run', runId: id, record: { taskRunId: 't', cacheHit: true } },
      ]);
    } finally {
      await tracker.close();
    }
  });
});
