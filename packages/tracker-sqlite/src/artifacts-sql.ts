import { ArtifactNotFoundError, ModelNotFoundError } from '@tideflow/core';
import type {
  ArtifactInfo,
  ArtifactType,
  LoggedModel,
  ModelSignature,
  ModelVersion,
  RegisteredModel,
} from '@tideflow/core';
import { assertReplaceable } from '@tideflow/core/store';
import type { EncodedArtifact, ModelVersionInsert, ModelVersionRef } from '@tideflow/core/store';
import type { RunRef, SqliteStore } from './store.js';

interface ArtifactRow {
  path: string;
  type: ArtifactType;
  key: string | null;
  version: number | null;
  size: number;
  media_type: string;
  description: string | null;
  created_at: number;
}

const ARTIFACT_COLUMNS = 'path, type, key, version, size, media_type, description, created_at';

function toInfo(r: ArtifactRow): ArtifactInfo {
  return {
    path: r.path,
    type: r.type,
    key: r.key,
    version: r.version,
    size: r.size,
    mediaType: r.media_type,
    description: r.description,
    createdAt: r.created_at,
  };
}

/** Inside a write transaction: writes the files, then their rows; a failure removes staged files. */
function putArtifactsIn(
  store: SqliteStore,
  run: RunRef,
  artifacts: readonly EncodedArtifact[],
): ArtifactInfo[] {
  const typeAt = store.stmt('SELECT type FROM artifacts WHERE run_id = ? AND path = ?');
  for (const a of artifacts) {
    const existing = typeAt.get(run.id, a.info.path) as { type: ArtifactType } | undefined;
    assertReplaceable(existing?.type, a.info.type, a.info.path);
  }
  const staged = artifacts.map((a) => store.files.stage(run.runUuid, a.info.path, a.bytes));
  try {
    const now = Date.now();
    const upsert = store.stmt(
      `INSERT OR REPLACE INTO artifacts (run_id, ${ARTIFACT_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    const infos = artifacts.map((a) => {
      const i = a.info;
      upsert.run(run.id, i.path, i.type, i.key, i.version, i.size, i.mediaType, i.description, now);
      return { ...i, createdAt: now };
    });
    for (const s of staged) s.commit();
    return infos;
  } catch (e) {
    for (const s of staged) s.abort();
    throw e;
  }
}

/** `TrackerStore.putArtifacts`. */
export function putArtifacts(
  store: SqliteStore,
  runId: string,
  artifacts: readonly EncodedArtifact[],
): Promise<ArtifactInfo[]> {
  return store.write(() => putArtifactsIn(store, store.writableRun(runId), artifacts));
}

/** `TrackerStore.putVersionedArtifact`: the next version of a key is taken under the write lock. */
export function putVersionedArtifact(
  store: SqliteStore,
  runId: string,
  key: string,
  encode: (version: number) => EncodedArtifact,
): Promise<ArtifactInfo> {
  return store.write(() => {
    const run = store.writableRun(runId);
    const row = store
      .stmt('SELECT MAX(version) AS v FROM artifacts WHERE run_id = ? AND key = ?')
      .get(run.id, key) as { v: number | null };
    return putArtifactsIn(store, run, [encode((row.v ?? 0) + 1)])[0];
  });
}

/** `TrackerStore.listArtifacts`. */
export function listArtifacts(store: SqliteStore, runId: string, prefix?: string): ArtifactInfo[] {
  const run = store.run(runId);
  const rows = (
    prefix === undefined
      ? store
          .stmt(`SELECT ${ARTIFACT_COLUMNS} FROM artifacts WHERE run_id = ? ORDER BY path`)
          .all(run.id)
      : store
          .stmt(
            `SELECT ${ARTIFACT_COLUMNS} FROM artifacts WHERE run_id = ? AND substr(path, 1, ?) = ? ORDER BY path`,
          )
          .all(run.id, prefix.length, prefix)
  ) as ArtifactRow[];
  return rows.map(toInfo);
}

/** The run, if it has an artifact recorded at `path`; `RunNotFoundError` for an unknown run. */
function recordedArtifact(store: SqliteStore, runId: string, path: string): RunRef | undefined {
  const run = store.run(runId);
  return store.stmt('SELECT 1 FROM artifacts WHERE run_id = ? AND path = ?').get(run.id, path)
    ? run
    : undefined;
}

/** `TrackerStore.readArtifact`. */
export function readArtifact(
  store: SqliteStore,
  runId: string,
  path: string,
): Uint8Array | undefined {
  const run = recordedArtifact(store, runId, path);
  return run && store.files.read(run.runUuid, path);
}

/** `TrackerStore.localArtifactPath`. */
export function localArtifactPath(
  store: SqliteStore,
  runId: string,
  path: string,
): string | undefined {
  const run = recordedArtifact(store, runId, path);
  return run && store.files.file(run.runUuid, path);
}

// JSON has no NaN or Infinity: model metrics keep them as tagged strings.
const encodeMetrics = (m: Record<string, number>) =>
  JSON.stringify(m, (_k, v: unknown) =>
    typeof v === 'number' && !Number.isFinite(v) ? `__num:${v}` : v,
  );
const decodeMetrics = (s: string) =>
  JSON.parse(s, (_k, v: unknown) =>
    typeof v === 'string' && v.startsWith('__num:') ? Number(v.slice(6)) : v,
  ) as Record<string, number>;

/** `TrackerStore.putModel`: the bytes, the descriptor and the row land together. */
export function putModel(
  store: SqliteStore,
  runId: string,
  logged: LoggedModel,
  files: readonly EncodedArtifact[],
): Promise<boolean> {
  return store.write(() => {
    const run = store.writableRun(runId);
    if (
      store
        .stmt('SELECT 1 FROM logged_models WHERE run_id = ? AND name = ?')
        .get(run.id, logged.name)
    )
      return false;
    putArtifactsIn(store, run, files);
    store
      .stmt(
        'INSERT INTO logged_models (run_id, name, flavor, signature, metrics, size, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
      )
      .run(
        run.id,
        logged.name,
        logged.flavor,
        logged.signature && JSON.stringify(logged.signature),
        encodeMetrics(logged.metrics),
        logged.size,
        logged.createdAt,
      );
    return true;
  });
}

interface ModelRow {
  name: string;
  flavor: string;
  signature: string | null;
  metrics: string;
  size: number;
  created_at: number;
}

/** `TrackerStore.listLoggedModels`. */
export function listLoggedModels(store: SqliteStore, runId: string): LoggedModel[] {
  const run = store.run(runId);
  const rows = store
    .stmt(
      'SELECT name, flavor, signature, metrics, size, created_at FROM logged_models WHERE run_id = ? ORDER BY name',
    )
    .all(run.id) as ModelRow[];
  return rows.map((r) => ({
    runId: run.runUuid,
    name: r.name,
    artifactPath: `models/${r.name}/model.bin`,
    flavor: r.flavor,
    signature: r.signature === null ? null : (JSON.parse(r.signature) as ModelSignature),
    metrics: decodeMetrics(r.metrics),
    size: r.size,
    createdAt: r.created_at,
  }));
}

interface VersionRow {
  name: string;
  version: number;
  run_uuid: string;
  model_name: string;
  source: string;
  description: string | null;
  created_at: number;
}

function toVersion(store: SqliteStore, r: VersionRow): ModelVersion {
  const aliases = (
    store
      .stmt('SELECT alias FROM model_aliases WHERE name = ? AND version = ? ORDER BY alias')
      .all(r.name, r.version) as { alias: string }[]
  ).map((a) => a.alias);
  return {
    name: r.name,
    version: r.version,
    runId: r.run_uuid,
    modelName: r.model_name,
    source: r.source,
    aliases,
    description: r.description,
    createdAt: r.created_at,
  };
}

/** `TrackerStore.insertModelVersion`: the version number is taken under the write lock. */
export function insertModelVersion(
  store: SqliteStore,
  insert: ModelVersionInsert,
): Promise<ModelVersion> {
  const { name, modelName, createdAt: now } = insert;
  return store.write(() => {
    const run = store.writableRun(insert.runId);
    if (
      !store
        .stmt('SELECT 1 FROM logged_models WHERE run_id = ? AND name = ?')
        .get(run.id, modelName)
    ) {
      throw new ArtifactNotFoundError(run.runUuid, `models/${modelName}/model.bin`);
    }
    store
      .stmt(
        'INSERT INTO registered_models (name, created_at, updated_at) VALUES (?, ?, ?) ON CONFLICT (name) DO UPDATE SET updated_at = excluded.updated_at',
      )
      .run(name, now, now);
    const { v } = store
      .stmt('SELECT COALESCE(MAX(version), 0) + 1 AS v FROM model_versions WHERE name = ?')
      .get(name) as { v: number };
    const row: VersionRow = {
      name,
      version: v,
      run_uuid: run.runUuid,
      model_name: modelName,
      source: `models/${modelName}/model.bin`,
      description: insert.description,
      created_at: now,
    };
    store
      .stmt(
        'INSERT INTO model_versions (name, version, run_uuid, model_name, source, description, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
      )
      .run(
        row.name,
        row.version,
        row.run_uuid,
        row.model_name,
        row.source,
        row.description,
        row.created_at,
      );
    return toVersion(store, row);
  });
}

function requireModel(store: SqliteStore, name: string): void {
  if (!store.stmt('SELECT 1 FROM registered_models WHERE name = ?').get(name))
    throw new ModelNotFoundError(String(name));
}

/** `TrackerStore.setModelAlias`. */
export function setModelAlias(
  store: SqliteStore,
  name: string,
  alias: string,
  version: number,
  now: number,
): Promise<void> {
  return store.write(() => {
    requireModel(store, name);
    if (
      !store.stmt('SELECT 1 FROM model_versions WHERE name = ? AND version = ?').get(name, version)
    ) {
      throw new ModelNotFoundError(name, String(version));
    }
    store
      .stmt('INSERT OR REPLACE INTO model_aliases (name, alias, version) VALUES (?, ?, ?)')
      .run(name, alias, version);
    store.stmt('UPDATE registered_models SET updated_at = ? WHERE name = ?').run(now, name);
  });
}

/** `TrackerStore.deleteModelAlias`. */
export function deleteModelAlias(
  store: SqliteStore,
  name: string,
  alias: string,
  now: number,
): Promise<void> {
  return store.write(() => {
    requireModel(store, name);
    if (
      store.stmt('DELETE FROM model_aliases WHERE name = ? AND alias = ?').run(name, alias)
        .changes > 0
    ) {
      store.stmt('UPDATE registered_models SET updated_at = ? WHERE name = ?').run(now, name);
    }
  });
}

/** `TrackerStore.getModelVersion`. */
export function getModelVersion(
  store: SqliteStore,
  name: string,
  ref: ModelVersionRef,
): ModelVersion | undefined {
  return store.read(() => {
    requireModel(store, name);
    let version: number | undefined;
    if ('latest' in ref) {
      version = (
        store.stmt('SELECT MAX(version) AS v FROM model_versions WHERE name = ?').get(name) as {
          v: number;
        }
      ).v;
    } else if ('alias' in ref) {
      version = (
        store
          .stmt('SELECT version FROM model_aliases WHERE name = ? AND alias = ?')
          .get(name, ref.alias) as { version: number } | undefined
      )?.version;
    } else {
      version = ref.version;
    }
    const row = store
      .stmt('SELECT * FROM model_versions WHERE name = ? AND version = ?')
      .get(name, version) as VersionRow | undefined;
    return row && toVersion(store, row);
  });
}

/** `TrackerStore.listRegisteredModels`. */
export function listRegisteredModels(store: SqliteStore): RegisteredModel[] {
  return store.read(() => {
    const models = store
      .stmt(
        `SELECT m.name, m.created_at, m.updated_at, (SELECT MAX(version) FROM model_versions v WHERE v.name = m.name) AS latest
         FROM registered_models m ORDER BY m.name`,
      )
      .all() as { name: string; created_at: number; updated_at: number; latest: number }[];
    const aliases = store
      .stmt('SELECT name, alias, version FROM model_aliases ORDER BY name, alias')
      .all() as {
      name: string;
      alias: string;
      version: number;
    }[];
    return models.map((m) => ({
      name: m.name,
      createdAt: m.created_at,
      updatedAt: m.updated_at,
      latestVersion: m.latest,
      aliases: Object.fromEntries(
        aliases.filter((a) => a.name === m.name).map((a) => [a.alias, a.version]),
      ),
    }));
  });
}
