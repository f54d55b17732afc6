import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { SqliteTracker } from '@tideflow/tracker-sqlite';
import { migrate } from '../src/schema.js';

const root = mkdtempSync(join(tmpdir(), 'tideflow-sqlite-models-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/**
 * A store at schema `version`, as an older tideflow left it: a run `old` with a logged model `m`,
 * and a registered model `clf` (with no versions yet).
 */
function olderStore(dir: string, version: number): { path: string; db: Database.Database } {
  const path = join(root, dir, 'tideflow.db');
  mkdirSync(join(path, '..'), { recursive: true });
  const db = new Database(path);
  expect(migrate(db, path, version)).toBe(version);
  db.prepare(
    `INSERT INTO runs (run_uuid, experiment_id, name, status, start_time) VALUES ('old', 0, 'legacy', 'FINISHED', 5)`,
  ).run();
  db.prepare(
    `INSERT INTO logged_models (run_id, name, flavor, metrics, size, created_at) VALUES (1, 'm', 'f', '{}', 1, 7)`,
  ).run();
  db.prepare(
    `INSERT INTO registered_models (name, created_at, updated_at) VALUES ('clf', 7, 8)`,
  ).run();
  return { path, db };
}

describe('model registry metadata in SQLite', () => {
  it('brings a version-6 store forward: older versions get no tags and were last updated when registered', async () => {
    const { path, db } = olderStore('v6', 6);
    db.prepare(
      `INSERT INTO model_versions (name, version, run_uuid, model_name, source, description, created_at) VALUES ('clf', 1, 'old', 'm', 'models/m/model.bin', 'first', 7)`,
    ).run();
    db.close();
    const t = new SqliteTracker({ path });
    expect(await t.getModelVersion('clf', 1)).toMatchObject({
      description: 'first',
      tags: {},
      createdAt: 7,
      updatedAt: 7,
    });
    expect((await t.listRegisteredModels())[0]).toMatchObject({
      name: 'clf',
      description: null,
      tags: {},
      updatedAt: 8,
    });
    await t.setModelVersionTag('clf', 1, 'stage', 'prod');
    await t.setRegisteredModelTag('clf', 'team', 'ml');
    await t.close();
    const reopened = new SqliteTracker({ path });
    expect((await reopened.getModelVersion('clf', 1)).tags).toEqual({ stage: 'prod' });
    expect((await reopened.listRegisteredModels())[0].tags).toEqual({ team: 'ml' });
    await reopened.close();
  });

  it("brings a version-9 store forward: a deleted version's number is not given again", async () => {
    const { path, db } = olderStore('v9', 9);
    const version = db.prepare(
      `INSERT INTO model_versions (name, version, run_uuid, model_name, source, created_at, updated_at) VALUES ('clf', ?, 'old', 'm', 'models/m/model.bin', 7, 7)`,
    );
    version.run(1);
    version.run(2);
    db.close();
    const t = new SqliteTracker({ path });
    await t.deleteModelVersion('clf', 2);
    expect((await t.getRegisteredModel('clf')).latestVersion).toBe(1);
    const runId = (await t.createRun()).info.runId;
    await t.logModel(runId, { name: 'm', bytes: new Uint8Array([5]), flavor: 'f' });
    expect((await t.registerModel('clf', { runId, modelName: 'm' })).version).toBe(3);
    await t.close();
  });

  it("reads a model's versions, with their aliases and tags, in one SELECT", async () => {
    const t = new SqliteTracker({ path: join(root, 'one-select', 'tideflow.db') });
    const runId = (await t.createRun()).info.runId;
    for (const name of ['a', 'b'])
      await t.logModel(runId, { name, bytes: new TextEncoder().encode(name), flavor: 'f' });
    for (let v = 1; v <= 20; v++)
      await t.registerModel('clf', { runId, modelName: v % 2 ? 'a' : 'b', tags: { v: String(v) } });
    await t.setModelAlias('clf', 'champion', 7);
    // Every statement is a better-sqlite3 Statement; its reads go through get, all or iterate.
    const statement = Object.getPrototypeOf(new Database(':memory:').prepare('SELECT 1')) as Record<
      'get' | 'all' | 'iterate',
      (...args: unknown[]) => unknown
    >;
    const reads = (['get', 'all', 'iterate'] as const).map((m) => vi.spyOn(statement, m));
    try {
      const versions = await t.listModelVersions('clf');
      expect(versions).toHaveLength(20);
      expect(versions[6]).toMatchObject({ version: 7, aliases: ['champion'], tags: { v: '7' } });
      expect(reads.map((r) => r.mock.calls.length)).toEqual([0, 1, 0]);
    } finally {
      for (const r of reads) r.mockRestore();
    }
    await t.close();
  });
});
