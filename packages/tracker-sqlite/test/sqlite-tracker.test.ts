import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { SqliteTracker, parseSqliteUri } from '@tideflow/tracker-sqlite';
import { LATEST_SCHEMA_VERSION, MIGRATIONS, migrate, schemaVersion } from '../src/schema.js';
import { CHILD_COUNTS_SQL } from '../src/sqlite-tracker.js';

const root = mkdtempSync(join(tmpdir(), 'tideflow-sqlite-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
const fresh = () => join(root, `s${n++}`, 'tideflow.db');

describe('SqliteTracker storage', () => {
  it('keeps everything across close and reopen, NaN and ±Infinity included', async () => {
    const path = fresh();
    const a = new SqliteTracker({ path });
    const exp = await a.createExperiment('persist', { tags: { owner: 'me' } });
    const { info } = await a.createRun({ experimentId: exp, name: 'r' });
    await a.logBatch(info.runId, {
      metrics: [
        { key: 'nan', value: Number.NaN, step: 1 },
        { key: 'inf', value: Number.POSITIVE_INFINITY },
        { key: 'ninf', value: Number.NEGATIVE_INFINITY },
      ],
      params: { p: 1 },
      tags: { t: 'v' },
    });
    await a.logArtifact(info.runId, 'out/result.json', '{"ok":true}');
    await a.close();

    const b = new SqliteTracker({ path });
    const run = await b.getRun(info.runId);
    expect(run.data.metrics.nan).toBeNaN();
    expect(run.data.metrics.inf).toBe(Number.POSITIVE_INFINITY);
    expect(run.data.metrics.ninf).toBe(Number.NEGATIVE_INFINITY);
    expect(run.data.params).toEqual({ p: '1' });
    expect((await b.getExperiment(exp)).tags).toEqual({ owner: 'me' });
    expect(
      (await b.searchRuns({ filter: 'metrics.inf > 1e308 and metrics.nan != 0' })).runs,
    ).toHaveLength(1);
    expect(new TextDecoder().decode(await b.readArtifact(info.runId, 'out/result.json'))).toBe(
      '{"ok":true}',
    );
    await b.close();
  });

  it('writes artifacts as files under <root>/artifacts/<run_id>/, or under artifactRoot', async () => {
    const path = fresh();
    const t = new SqliteTracker({ path });
    const id = (await t.createRun()).info.runId;
    await t.logArtifact(id, 'plots/roc.svg', '<svg/>');
    const file = join(path, '..', 'artifacts', id, 'plots', 'roc.svg');
    expect(readFileSync(file, 'utf8')).toBe('<svg/>');
    await t.logModel(id, { name: 'm', bytes: new Uint8Array([1, 2]), flavor: 'f' });
    expect(existsSync(join(path, '..', 'artifacts', id, 'models', 'm', 'model.bin'))).toBe(true);
    await t.close();

    const elsewhere = join(root, 'custom-artifacts');
    const u = new SqliteTracker({ path: fresh(), artifactRoot: elsewhere });
    const id2 = (await u.createRun()).info.runId;
    await u.logArtifact(id2, 'a.txt', 'x');
    expect(readFileSync(join(elsewhere, id2, 'a.txt'), 'utf8')).toBe('x');
    rmSync(join(elsewhere, id2, 'a.txt'));
    await expect(u.readArtifact(id2, 'a.txt')).rejects.toMatchObject({ code: 'TRACKING_STORE' });
    await u.close();
  });

  it('rolls a batch back whole when the store refuses it, leaving no partial write', async () => {
    const path = fresh();
    const t = new SqliteTracker({ path, busyTimeoutMs: 50 });
    const id = (await t.createRun()).info.runId;
    const other = new Database(path);
    other.exec('BEGIN IMMEDIATE');
    await expect(
      t.logBatch(id, { metrics: [{ key: 'm', value: 1 }], params: { p: 'x' } }),
    ).rejects.toMatchObject({
      code: 'TRACKING_STORE',
      message: expect.stringMatching(/SQLITE_BUSY/),
    });
    other.exec('ROLLBACK');
    other.close();
    const run = await t.getRun(id);
    expect(run.data.metrics).toEqual({});
    expect(run.data.params).toEqual({});
    await t.logBatch(id, { metrics: [{ key: 'm', value: 1 }], params: { p: 'x' } });
    expect((await t.getRun(id)).data.params).toEqual({ p: 'x' });
    await t.close();
  });
});

describe('schema migrations', () => {
  it('records each applied migration in schema_version', async () => {
    const path = fresh();
    await new SqliteTracker({ path }).close();
    const db = new Database(path, { readonly: true });
    expect(db.prepare('SELECT version FROM schema_version ORDER BY version').pluck().all()).toEqual(
      MIGRATIONS.map((m) => m.version),
    );
    expect(schemaVersion(db)).toBe(LATEST_SCHEMA_VERSION);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    db.close();
  });

  it('brings a version-1 store forward and keeps its runs', async () => {
    const path = fresh();
    mkdirSync(join(path, '..'), { recursive: true });
    const db = new Database(path);
    expect(migrate(db, path, 1)).toBe(1);
    db.prepare(
      `INSERT INTO runs (run_uuid, experiment_id, name, status, start_time) VALUES ('old', 0, 'legacy', 'FINISHED', 5)`,
    ).run();
    db.prepare(
      `INSERT INTO latest_metrics (run_id, key, step, timestamp, value) VALUES (1, 'acc', 0, 5, 0.75)`,
    ).run();
    db.close();
    const t = new SqliteTracker({ path });
    const run = await t.getRun('old');
    expect(run.info).toMatchObject({ name: 'legacy', status: 'FINISHED' });
    expect(run.data.metrics).toEqual({ acc: 0.75 });
    await t.logTypedArtifact('old', { type: 'markdown', key: 'notes', markdown: 'migrated' });
    await t.upsertTaskRun('old', {
      taskRunId: 't',
      taskName: 'x',
      taskRunName: 'x',
      state: 'COMPLETED',
      stateHistory: [],
      startTime: 1,
      endTime: 2,
      durationMs: 1,
      attempts: 1,
      cacheKey: null,
      cacheHit: false,
      error: null,
    });
    await t.close();
  });

  it('brings a version-3 store forward to dataset inputs, searchable by digest', async () => {
    const path = fresh();
    mkdirSync(join(path, '..'), { recursive: true });
    const db = new Database(path);
    expect(migrate(db, path, 3)).toBe(3);
    db.prepare(
      `INSERT INTO runs (run_uuid, experiment_id, name, status, start_time) VALUES ('old', 0, 'legacy', 'FINISHED', 5)`,
    ).run();
    db.close();
    const t = new SqliteTracker({ path });
    await t.logInputs('old', [
      { dataset: { name: 'data.csv', digest: 'abc', source: 'data.csv' }, context: 'training' },
    ]);
    const { runs } = await t.searchRuns({ filter: "datasets.digest = 'abc'" });
    expect(runs.map((r) => r.info.runId)).toEqual(['old']);
    await t.close();
  });

  it('brings a version-4 store forward to child-run counts read through the parent index', async () => {
    const path = fresh();
    mkdirSync(join(path, '..'), { recursive: true });
    const db = new Database(path);
    expect(migrate(db, path, 4)).toBe(4);
    const insert = db.prepare(
      `INSERT INTO runs (run_uuid, experiment_id, name, status, start_time, parent_run_uuid, lifecycle_stage) VALUES (?, 0, ?, 'FINISHED', 5, ?, ?)`,
    );
    insert.run('top', 'top', null, 'active');
    insert.run('kid1', 'kid1', 'top', 'active');
    insert.run('kid2', 'kid2', 'top', 'active');
    insert.run('gone', 'gone', 'top', 'deleted');
    db.close();
    const t = new SqliteTracker({ path });
    expect([...(await t.countChildRuns(['top', 'kid1'])).entries()]).toEqual([
      ['top', 2],
      ['kid1', 0],
    ]);
    await t.close();
    const check = new Database(path, { readonly: true });
    const plan = check.prepare(`EXPLAIN QUERY PLAN ${CHILD_COUNTS_SQL}`).all('["top"]') as {
      detail: string;
    }[];
    check.close();
    expect(plan.map((r) => r.detail).join('\n')).toContain('runs_by_parent');
  });

  it('brings a version-5 store forward to task-run names: older task runs keep their task name', async () => {
    const path = fresh();
    mkdirSync(join(path, '..'), { recursive: true });
    const db = new Database(path);
    expect(migrate(db, path, 5)).toBe(5);
    db.prepare(
      `INSERT INTO runs (run_uuid, experiment_id, name, status, start_time) VALUES ('old', 0, 'legacy', 'FINISHED', 5)`,
    ).run();
    db.prepare(
      `INSERT INTO task_runs (run_id, task_run_id, seq, task_name, state, state_history, attempts, cache_hit) VALUES (1, 't', 1, 'Pipeline.fit', 'COMPLETED', '[]', 1, 0)`,
    ).run();
    db.close();
    const t = new SqliteTracker({ path });
    const [old] = await t.listTaskRuns('old');
    expect(old).toMatchObject({ taskName: 'Pipeline.fit', taskRunName: 'Pipeline.fit' });
    await t.upsertTaskRun('old', { ...old, taskRunId: 'u', taskRunName: 'fit[svm]' });
    expect((await t.listTaskRuns('old')).map((r) => r.taskRunName)).toEqual([
      'Pipeline.fit',
      'fit[svm]',
    ]);
    await t.close();
  });

  it('refuses a store written by a newer schema', async () => {
    const path = fresh();
    await new SqliteTracker({ path }).close();
    const db = new Database(path);
    db.prepare(
      'INSERT INTO schema_version (version, description, applied_at) VALUES (?, ?, ?)',
    ).run(LATEST_SCHEMA_VERSION + 1, 'future', 0);
    db.close();
    expect(() => new SqliteTracker({ path })).toThrow(
      /newer than this @tideflow\/tracker-sqlite understands/,
    );
  });

  it('reports a file that is not a database as TrackingStoreError', () => {
    const path = fresh();
    mkdirSync(join(path, '..'), { recursive: true });
    writeFileSync(path, 'this is not sqlite '.repeat(100));
    expect(() => new SqliteTracker({ path })).toThrow(
      expect.objectContaining({ code: 'TRACKING_STORE' }),
    );
  });
});

describe('tracking URIs', () => {
  it('follows MLflow: three slashes relative, four absolute; plain paths pass through', () => {
    expect(parseSqliteUri('sqlite:///.tideflow/tideflow.db', '/work')).toBe(
      '/work/.tideflow/tideflow.db',
    );
    expect(parseSqliteUri('sqlite:////tmp/t.db', '/work')).toBe('/tmp/t.db');
    expect(parseSqliteUri('sqlite:///my%20runs.db', '/w')).toBe('/w/my runs.db');
    expect(parseSqliteUri('runs.db', '/w')).toBe('/w/runs.db');
    expect(parseSqliteUri('/abs/runs.db', '/w')).toBe('/abs/runs.db');
    expect(() => parseSqliteUri('postgresql://host/db')).toThrow(
      expect.objectContaining({ code: 'TRACKING_INPUT' }),
    );
    expect(() => parseSqliteUri('sqlite://')).toThrow(/Unsupported tracking URI/);
    expect(() => parseSqliteUri('')).toThrow(/empty/);
  });

  it('opens a store from a URI', async () => {
    const dir = join(root, 'uri');
    const t = SqliteTracker.fromUri('sqlite:///nested/x.db', { cwd: dir });
    expect(t.path).toBe(join(dir, 'nested', 'x.db'));
    expect(t.artifactRoot).toBe(join(dir, 'nested', 'artifacts'));
    await t.close();
    expect(existsSync(join(dir, 'nested', 'x.db'))).toBe(true);
  });
});
