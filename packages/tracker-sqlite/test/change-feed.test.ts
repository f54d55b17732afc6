import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { SqliteTracker } from '../src/index.js';
import { LATEST_SCHEMA_VERSION, RECORD_CHANGES_KEPT, migrate } from '../src/schema.js';

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

describe('the SQLite change feed, pruned', () => {
  const task = (id: string) => ({
    taskRunId: id,
    taskName: 'x',
    taskRunName: 'x',
    state: 'RUNNING' as const,
    stateHistory: [{ type: 'RUNNING' as const, timestamp: 2 }],
    startTime: 1,
    endTime: null,
    durationMs: null,
    attempts: 1,
    cacheKey: null,
    cacheHit: false,
    error: null,
  });
  const count = (path: string) => {
    const db = new Database(path, { readonly: true });
    try {
      return db.prepare('SELECT COUNT(*) AS n, MIN(id) AS lo FROM record_changes').get() as {
        n: number;
        lo: number;
      };
    } finally {
      db.close();
    }
  };

  it(`keeps the newest ${RECORD_CHANGES_KEPT} record changes whichever connection writes`, async () => {
    const path = fresh();
    const a = new SqliteTracker({ path });
    const b = new SqliteTracker({ path });
    try {
      const id = (await a.createRun()).info.runId;
      const { cursor } = await b.readChanges();
      const batch = Array.from({ length: 700 }, (_, i) => task(`t${i % 7}`));
      for (let i = 0; i < 18; i++) await (i % 2 ? a : b).upsertTaskRuns(id, batch);
      // 12,600 writes: pruned at 11,000 and 12,000, through 2,000.
      expect(count(path)).toEqual({ n: 12_600 - 2_000, lo: 2_001 });
      expect(await b.readChanges(cursor)).toMatchObject({ changes: [], resync: true });
      const kept = await a.readChanges({ ...cursor, records: 2_000 });
      expect(kept.resync).toBeUndefined();
      expect(kept.changes.length).toBe(7);
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('prunes a store migrated from schema version 8 on opening', async () => {
    const path = fresh();
    const db = new Database(path);
    migrate(db, path, 8);
    const insert = db.prepare('INSERT INTO record_changes (run_id, task_run_id) VALUES (1, NULL)');
    db.transaction(() => {
      for (let i = 0; i < RECORD_CHANGES_KEPT + 1_234; i++) insert.run();
    })();
    db.close();
    const tracker = new SqliteTracker({ path });
    try {
      expect(count(path)).toEqual({ n: RECORD_CHANGES_KEPT, lo: 1_235 });
      expect(await tracker.readChanges({ records: 1_233, logs: 0, metrics: 0 })).toMatchObject({
        resync: true,
      });
    } finally {
      await tracker.close();
    }
  });
});
