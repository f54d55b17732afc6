import type { ArtifactInfo, ArtifactType, LoggedModel, ModelSignature } from '@tideflow/core';
import { assertReplaceable } from '@tideflow/core/store';
import type { EncodedArtifact } from '@tideflow/core/store';
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
