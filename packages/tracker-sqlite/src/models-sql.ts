import { ArtifactNotFoundError, ModelAlreadyExistsError, ModelNotFoundError } from '@tideflow/core';
import type { ModelVersion, RegisteredModel } from '@tideflow/core';
import type {
  ModelTarget,
  ModelVersionInsert,
  ModelVersionRef,
  RegisteredModelInsert,
} from '@tideflow/core/store';
import type { SqliteStore } from './store.js';

// The model registry: registered models, their versions, aliases, tags and descriptions.

interface TagRow {
  key: string;
  value: string;
}

/** Tags as a record; `Object.fromEntries` keeps a key such as `__proto__` an own key. */
const tagRecord = (entries: readonly (readonly [string, string])[]): Record<string, string> =>
  Object.fromEntries(entries);

/** A `model_versions` row `v` with its aliases and tags, as read by {@link VERSION_COLUMNS}. */
interface VersionRow {
  name: string;
  version: number;
  run_uuid: string;
  model_name: string;
  source: string;
  description: string | null;
  created_at: number;
  updated_at: number;
  /** JSON array of the version's aliases, sorted. */
  aliases: string;
  /** JSON array of the version's `[key, value]` tags, sorted by key. */
  tags: string;
}

/**
 * The columns of a version `v` with its aliases and tags, so that one SELECT reads whole
 * versions (no query per version for its aliases and tags).
 */
const VERSION_COLUMNS = `v.name, v.version, v.run_uuid, v.model_name, v.source, v.description, v.created_at, v.updated_at,
  (SELECT json_group_array(a.alias ORDER BY a.alias) FROM model_aliases a WHERE a.name = v.name AND a.version = v.version) AS aliases,
  (SELECT json_group_array(json_array(t.key, t.value) ORDER BY t.key) FROM model_version_tags t WHERE t.name = v.name AND t.version = v.version) AS tags`;

function toVersion(r: VersionRow): ModelVersion {
  return {
    name: r.name,
    version: r.version,
    runId: r.run_uuid,
    modelName: r.model_name,
    source: r.source,
    aliases: JSON.parse(r.aliases) as string[],
    description: r.description,
    tags: tagRecord(JSON.parse(r.tags) as [string, string][]),
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

/** One version, or `undefined` if the model has no such version. */
function readVersion(store: SqliteStore, name: string, version: number): ModelVersion | undefined {
  const row = store
    .stmt(`SELECT ${VERSION_COLUMNS} FROM model_versions v WHERE v.name = ? AND v.version = ?`)
    .get(name, version) as VersionRow | undefined;
  return row && toVersion(row);
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
      .stmt(
        'UPDATE registered_models SET last_version = last_version + 1 WHERE name = ? RETURNING last_version AS v',
      )
      .get(name) as { v: number };
    store
      .stmt(
        'INSERT INTO model_versions (name, version, run_uuid, model_name, source, description, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      )
      .run(
        name,
        v,
        run.runUuid,
        modelName,
        `models/${modelName}/model.bin`,
        insert.description,
        now,
        now,
      );
    const tag = store.stmt(
      'INSERT INTO model_version_tags (name, version, key, value) VALUES (?, ?, ?, ?)',
    );
    for (const [key, value] of Object.entries(insert.tags)) tag.run(name, v, key, value);
    return readVersion(store, name, v) as ModelVersion;
  });
}

function requireModel(store: SqliteStore, name: string): void {
  if (!store.stmt('SELECT 1 FROM registered_models WHERE name = ?').get(name))
    throw new ModelNotFoundError(String(name));
}

function requireVersion(store: SqliteStore, name: string, version: number): void {
  requireModel(store, name);
  if (!store.stmt('SELECT 1 FROM model_versions WHERE name = ? AND version = ?').get(name, version))
    throw new ModelNotFoundError(name, String(version));
}

/** Sets `updated_at` of the registered model and, for a version target, of the version. */
function touch(store: SqliteStore, { name, version }: ModelTarget, now: number): void {
  store.stmt('UPDATE registered_models SET updated_at = ? WHERE name = ?').run(now, name);
  if (version !== null) {
    store
      .stmt('UPDATE model_versions SET updated_at = ? WHERE name = ? AND version = ?')
      .run(now, name, version);
  }
}

function requireTarget(store: SqliteStore, { name, version }: ModelTarget): void {
  if (version === null) requireModel(store, name);
  else requireVersion(store, name, version);
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
    requireVersion(store, name, version);
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

/** `TrackerStore.setModelTag`. */
export function setModelTag(
  store: SqliteStore,
  target: ModelTarget,
  key: string,
  value: string,
  now: number,
): Promise<void> {
  return store.write(() => {
    requireTarget(store, target);
    if (target.version === null) {
      store
        .stmt('INSERT OR REPLACE INTO registered_model_tags (name, key, value) VALUES (?, ?, ?)')
        .run(target.name, key, value);
    } else {
      store
        .stmt(
          'INSERT OR REPLACE INTO model_version_tags (name, version, key, value) VALUES (?, ?, ?, ?)',
        )
        .run(target.name, target.version, key, value);
    }
    touch(store, target, now);
  });
}

/** `TrackerStore.deleteModelTag`. */
export function deleteModelTag(
  store: SqliteStore,
  target: ModelTarget,
  key: string,
  now: number,
): Promise<void> {
  return store.write(() => {
    requireTarget(store, target);
    const removed =
      target.version === null
        ? store
            .stmt('DELETE FROM registered_model_tags WHERE name = ? AND key = ?')
            .run(target.name, key)
        : store
            .stmt('DELETE FROM model_version_tags WHERE name = ? AND version = ? AND key = ?')
            .run(target.name, target.version, key);
    if (removed.changes > 0) touch(store, target, now);
  });
}

/** `TrackerStore.setModelDescription`. */
export function setModelDescription(
  store: SqliteStore,
  target: ModelTarget,
  description: string | null,
  now: number,
): Promise<void> {
  return store.write(() => {
    requireTarget(store, target);
    if (target.version === null) {
      store
        .stmt('UPDATE registered_models SET description = ? WHERE name = ?')
        .run(description, target.name);
    } else {
      store
        .stmt('UPDATE model_versions SET description = ? WHERE name = ? AND version = ?')
        .run(description, target.name, target.version);
    }
    touch(store, target, now);
  });
}

/** `TrackerStore.insertRegisteredModel`. */
export function insertRegisteredModel(
  store: SqliteStore,
  model: RegisteredModelInsert,
): Promise<void> {
  const { name, createdAt } = model;
  return store.write(() => {
    if (store.stmt('SELECT 1 FROM registered_models WHERE name = ?').get(name))
      throw new ModelAlreadyExistsError(name);
    store
      .stmt(
        'INSERT INTO registered_models (name, created_at, updated_at, description) VALUES (?, ?, ?, ?)',
      )
      .run(name, createdAt, createdAt, model.description);
    const tag = store.stmt('INSERT INTO registered_model_tags (name, key, value) VALUES (?, ?, ?)');
    for (const [key, value] of Object.entries(model.tags)) tag.run(name, key, value);
  });
}

/** The tables keyed by registered model name, for a rename or a delete. */
const BY_NAME = [
  'registered_models',
  'model_versions',
  'model_aliases',
  'registered_model_tags',
  'model_version_tags',
] as const;

/** `TrackerStore.renameRegisteredModel`. */
export function renameRegisteredModel(
  store: SqliteStore,
  name: string,
  newName: string,
  now: number,
): Promise<void> {
  return store.write(() => {
    requireModel(store, name);
    if (newName !== name) {
      if (store.stmt('SELECT 1 FROM registered_models WHERE name = ?').get(newName))
        throw new ModelAlreadyExistsError(newName);
      for (const table of BY_NAME)
        store.stmt(`UPDATE ${table} SET name = ? WHERE name = ?`).run(newName, name);
    }
    store.stmt('UPDATE registered_models SET updated_at = ? WHERE name = ?').run(now, newName);
  });
}

/** `TrackerStore.deleteRegisteredModel`. */
export function deleteRegisteredModel(store: SqliteStore, name: string): Promise<void> {
  return store.write(() => {
    requireModel(store, name);
    for (const table of BY_NAME) store.stmt(`DELETE FROM ${table} WHERE name = ?`).run(name);
  });
}

/** `TrackerStore.deleteModelVersion`: `last_version` keeps the number taken. */
export function deleteModelVersion(
  store: SqliteStore,
  name: string,
  version: number,
  now: number,
): Promise<void> {
  return store.write(() => {
    requireVersion(store, name, version);
    for (const table of ['model_versions', 'model_aliases', 'model_version_tags'] as const)
      store.stmt(`DELETE FROM ${table} WHERE name = ? AND version = ?`).run(name, version);
    store.stmt('UPDATE registered_models SET updated_at = ? WHERE name = ?').run(now, name);
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
    return version === undefined ? undefined : readVersion(store, name, version);
  });
}

/**
 * `TrackerStore.listModelVersions`: one SELECT; the model's row joined to its versions, so
 * that a model with none still answers (one row with no version) and an unknown one has no row.
 */
export function listModelVersions(store: SqliteStore, name: string): ModelVersion[] {
  return store.read(() => {
    const rows = store
      .stmt(
        `SELECT ${VERSION_COLUMNS}
         FROM registered_models m LEFT JOIN model_versions v ON v.name = m.name
         WHERE m.name = ? ORDER BY v.version`,
      )
      .all(name) as (Omit<VersionRow, 'version'> & { version: number | null })[];
    if (rows.length === 0) throw new ModelNotFoundError(String(name));
    return rows.flatMap((r) => (r.version === null ? [] : [toVersion(r as VersionRow)]));
  });
}

/** `TrackerStore.listRegisteredModels`. */
export function listRegisteredModels(store: SqliteStore): RegisteredModel[] {
  return registeredModels(store, null);
}

/** `TrackerStore.getRegisteredModel`: the one model's rows only. */
export function getRegisteredModel(store: SqliteStore, name: string): RegisteredModel | undefined {
  return registeredModels(store, name)[0];
}

/** Every registered model sorted by name, or only the one named `name` (none if unknown). */
function registeredModels(store: SqliteStore, name: string | null): RegisteredModel[] {
  // One model's rows are found through the primary keys (an `OR` would scan the tables).
  const only = (column: string) => (name === null ? '' : `WHERE ${column} = ?`);
  const args = name === null ? [] : [name];
  return store.read(() => {
    const models = store
      .stmt(
        `SELECT m.name, m.created_at, m.updated_at, m.description, (SELECT COALESCE(MAX(version), 0) FROM model_versions v WHERE v.name = m.name) AS latest
         FROM registered_models m ${only('m.name')} ORDER BY m.name`,
      )
      .all(...args) as {
      name: string;
      created_at: number;
      updated_at: number;
      description: string | null;
      latest: number;
    }[];
    if (models.length === 0) return [];
    const byModel = <R extends { name: string }>(rows: R[]): Map<string, R[]> => {
      const out = new Map<string, R[]>();
      for (const r of rows) {
        const list = out.get(r.name);
        if (list) list.push(r);
        else out.set(r.name, [r]);
      }
      return out;
    };
    const aliases = byModel(
      store
        .stmt(`SELECT name, alias, version FROM model_aliases ${only('name')} ORDER BY name, alias`)
        .all(...args) as {
        name: string;
        alias: string;
        version: number;
      }[],
    );
    const tags = byModel(
      store
        .stmt(
          `SELECT name, key, value FROM registered_model_tags ${only('name')} ORDER BY name, key`,
        )
        .all(...args) as (TagRow & { name: string })[],
    );
    return models.map((m) => ({
      name: m.name,
      createdAt: m.created_at,
      updatedAt: m.updated_at,
      latestVersion: m.latest,
      aliases: Object.fromEntries((aliases.get(m.name) ?? []).map((a) => [a.alias, a.version])),
      description: m.description,
      tags: tagRecord((tags.get(m.name) ?? []).map((t) => [t.key, t.value])),
    }));
  });
}
