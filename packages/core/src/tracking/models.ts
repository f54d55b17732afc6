import type { EncodedArtifact } from './artifacts.js';
import { codePointLength } from './code-points.js';
import { ModelAlreadyExistsError, ModelNotFoundError, TrackingInputError } from './errors.js';
import type {
  LoggedModel,
  LogModelInput,
  ModelSignature,
  ModelUpdate,
  ModelVersion,
  RegisteredModel,
} from './tracker.js';
import type {
  ModelTarget,
  ModelVersionInsert,
  ModelVersionRef,
  RegisteredModelInsert,
} from './tracker-store.js';
import {
  validateKey,
  validateName,
  validateSegmentName,
  validateTagValue,
} from './record-checks.js';

const encoder = new TextEncoder();

function validateSignature(s: unknown): asserts s is ModelSignature {
  const ok = (fields: unknown): boolean =>
    Array.isArray(fields) &&
    fields.every(
      (f: { type?: unknown; name?: unknown }) =>
        f !== null &&
        typeof f === 'object' &&
        typeof f.type === 'string' &&
        (f.name === undefined || typeof f.name === 'string'),
    );
  const sig = s as ModelSignature;
  if (s === null || typeof s !== 'object' || !ok(sig.inputs) || !ok(sig.outputs)) {
    throw new TrackingInputError(
      'A model signature needs `inputs` and `outputs`, arrays of { name?, type }.',
    );
  }
}

/**
 * Checks a model to log and prepares its two files: `models/<name>/model.bin` (the bytes) and
 * `models/<name>/MLmodel.json` (flavor, signature, metrics), so that the artifact directory alone
 * describes the model.
 */
export function prepareLoggedModel(
  runId: string,
  model: LogModelInput,
  now: number,
): { logged: LoggedModel; files: EncodedArtifact[] } {
  if (model === null || typeof model !== 'object')
    throw new TrackingInputError('logModel needs a model object.');
  validateSegmentName('model name', model.name);
  if (!(model.bytes instanceof Uint8Array)) {
    throw new TrackingInputError(
      `Model "${model.name}" needs \`bytes\`, a Uint8Array (e.g. from SerializerRegistry.serialize).`,
    );
  }
  validateName(`The flavor of model "${model.name}"`, model.flavor);
  if (model.signature !== undefined) validateSignature(model.signature);
  const metrics = { ...(model.metrics ?? {}) };
  for (const [k, v] of Object.entries(metrics)) {
    if (typeof v !== 'number')
      throw new TrackingInputError(`Metric "${k}" of model "${model.name}" must be a number.`);
  }
  const dir = `models/${model.name}`;
  const logged: LoggedModel = {
    runId,
    name: model.name,
    artifactPath: `${dir}/model.bin`,
    flavor: model.flavor,
    signature: model.signature ? structuredClone(model.signature) : null,
    metrics,
    size: model.bytes.length,
    createdAt: now,
  };
  // JSON has no NaN: metrics that are not finite are written as strings in the descriptor.
  const meta = encoder.encode(
    JSON.stringify(
      logged,
      (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v),
      2,
    ),
  );
  const base = { key: null, version: null, description: null } as const;
  return {
    logged,
    files: [
      {
        info: {
          ...base,
          path: logged.artifactPath,
          type: 'model',
          size: model.bytes.length,
          mediaType: 'application/octet-stream',
        },
        bytes: model.bytes,
      },
      {
        info: {
          ...base,
          path: `${dir}/MLmodel.json`,
          type: 'model',
          size: meta.length,
          mediaType: 'application/json',
        },
        bytes: meta,
      },
    ],
  };
}

/** Longest description of a registered model or a model version, as MLflow's SQL store (characters). */
export const MAX_MODEL_DESCRIPTION_LENGTH = 5000;

/** Checks a registered name and a version number (`null`: the registered model itself). */
export function modelTarget(name: unknown, version: unknown): ModelTarget {
  validateName('A registered model name', name);
  if (
    version !== null &&
    (typeof version !== 'number' || !Number.isSafeInteger(version) || version < 1)
  ) {
    throw new TrackingInputError(
      `A model version must be a positive integer, got ${JSON.stringify(version)}.`,
    );
  }
  return { name, version };
}

/** Checks a description: a string of at most 5,000 characters, or `null`. */
export function checkedDescription(description: unknown): string | null {
  if (description === null) return null;
  if (typeof description !== 'string') {
    throw new TrackingInputError(
      `A model description must be a string or null, got ${typeof description}.`,
    );
  }
  if (
    description.length > MAX_MODEL_DESCRIPTION_LENGTH &&
    codePointLength(description) > MAX_MODEL_DESCRIPTION_LENGTH
  ) {
    throw new TrackingInputError(
      `A model description has ${codePointLength(description)} characters; the limit is ${MAX_MODEL_DESCRIPTION_LENGTH}.`,
    );
  }
  return description;
}

/** Checks the argument of `updateRegisteredModel` / `updateModelVersion` and returns its description. */
export function checkedUpdate(update: ModelUpdate): string | null {
  if (update === null || typeof update !== 'object' || !('description' in update)) {
    throw new TrackingInputError('A model update needs { description: string | null }.');
  }
  return checkedDescription(update.description);
}

/** Checks the tags of a new registered model or model version (keys and values as run tags). */
export function checkedModelTags(tags: unknown): Record<string, string> {
  if (tags === null || typeof tags !== 'object' || Array.isArray(tags)) {
    throw new TrackingInputError(
      'The tags of a registered model or a model version must be an object of strings.',
    );
  }
  const entries = Object.entries(tags as Record<string, unknown>);
  for (const [k, v] of entries) {
    validateKey('tag', k);
    validateTagValue(k, v);
  }
  return Object.fromEntries(entries) as Record<string, string>;
}

/** Resolves `versionOrAlias` to a version number, `'latest'`, or an alias name. */
export function parseVersionRef(versionOrAlias: number | string): ModelVersionRef {
  if (typeof versionOrAlias === 'number') return { version: versionOrAlias };
  if (typeof versionOrAlias !== 'string')
    throw new TrackingInputError('A model version must be a number or an alias string.');
  if (versionOrAlias.toLowerCase() === 'latest') return { latest: true };
  const m = /^v?(\d+)$/i.exec(versionOrAlias);
  if (m) return { version: Number(m[1]) };
  return { alias: versionOrAlias };
}

/** A stored version: its tags in a Map (any key, `__proto__` too, stays an own key). */
type StoredVersion = Omit<ModelVersion, 'aliases' | 'tags'> & { tags: Map<string, string> };

interface RegistryEntry {
  createdAt: number;
  updatedAt: number;
  description: string | null;
  tags: Map<string, string>;
  /** Oldest first. */
  versions: StoredVersion[];
  /** The highest version number ever given (a deleted version's number is not reused). */
  lastVersion: number;
  aliases: Map<string, number>;
}

const emptyEntry = (
  createdAt: number,
  description: string | null,
  tags: Map<string, string>,
): RegistryEntry => ({
  createdAt,
  updatedAt: createdAt,
  description,
  tags,
  versions: [],
  lastVersion: 0,
  aliases: new Map(),
});

const sortedTags = (tags: Map<string, string>): Record<string, string> =>
  Object.fromEntries([...tags].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));

/** The in-memory model registry of the memory store. */
export class ModelRegistryState {
  private readonly models = new Map<string, RegistryEntry>();

  private entry(name: string): RegistryEntry {
    const e = this.models.get(name);
    if (!e) throw new ModelNotFoundError(String(name));
    return e;
  }

  private withAliases(e: RegistryEntry, v: StoredVersion): ModelVersion {
    const aliases = [...e.aliases]
      .filter(([, n]) => n === v.version)
      .map(([a]) => a)
      .sort();
    return { ...v, aliases, tags: sortedTags(v.tags) };
  }

  /** The tags and the description of a registered model or a version, and what else to touch. */
  private target({ name, version }: ModelTarget): {
    e: RegistryEntry;
    holder: { tags: Map<string, string>; description: string | null; updatedAt: number };
  } {
    const e = this.entry(name);
    if (version === null) return { e, holder: e };
    const v = e.versions.find((x) => x.version === version);
    if (!v) throw new ModelNotFoundError(name, String(version));
    return { e, holder: v };
  }

  /** `TrackerStore.setModelTag`. */
  setTag(target: ModelTarget, key: string, value: string, now: number): void {
    const { e, holder } = this.target(target);
    holder.tags.set(key, value);
    holder.updatedAt = e.updatedAt = now;
  }

  /** `TrackerStore.deleteModelTag`. */
  deleteTag(target: ModelTarget, key: string, now: number): void {
    const { e, holder } = this.target(target);
    if (holder.tags.delete(key)) holder.updatedAt = e.updatedAt = now;
  }

  /** `TrackerStore.setModelDescription`. */
  setDescription(target: ModelTarget, description: string | null, now: number): void {
    const { e, holder } = this.target(target);
    holder.description = description;
    holder.updatedAt = e.updatedAt = now;
  }

  /** `TrackerStore.insertModelVersion`, once the store found the logged model. */
  register(insert: ModelVersionInsert, logged: LoggedModel): ModelVersion {
    const { name, createdAt } = insert;
    let e = this.models.get(name);
    if (!e) this.models.set(name, (e = emptyEntry(createdAt, null, new Map())));
    const v = {
      name,
      version: ++e.lastVersion,
      runId: logged.runId,
      modelName: logged.name,
      source: logged.artifactPath,
      description: insert.description,
      tags: new Map(Object.entries(insert.tags)),
      createdAt,
      updatedAt: createdAt,
    };
    e.versions.push(v);
    e.updatedAt = createdAt;
    return this.withAliases(e, v);
  }

  /** `TrackerStore.insertRegisteredModel`. */
  create(model: RegisteredModelInsert): void {
    if (this.models.has(model.name)) throw new ModelAlreadyExistsError(model.name);
    const tags = new Map(Object.entries(model.tags));
    this.models.set(model.name, emptyEntry(model.createdAt, model.description, tags));
  }

  /** `TrackerStore.renameRegisteredModel`: the entry moves; its versions take the new name. */
  rename(name: string, newName: string, now: number): void {
    const e = this.entry(name);
    if (newName !== name) {
      if (this.models.has(newName)) throw new ModelAlreadyExistsError(newName);
      this.models.delete(name);
      this.models.set(newName, e);
      for (const v of e.versions) v.name = newName;
    }
    e.updatedAt = now;
  }

  /** `TrackerStore.deleteRegisteredModel`. */
  delete(name: string): void {
    this.entry(name);
    this.models.delete(name);
  }

  /** `TrackerStore.deleteModelVersion`. */
  deleteVersion(name: string, version: number, now: number): void {
    const e = this.entry(name);
    const i = e.versions.findIndex((v) => v.version === version);
    if (i < 0) throw new ModelNotFoundError(name, String(version));
    e.versions.splice(i, 1);
    for (const [alias, n] of e.aliases) if (n === version) e.aliases.delete(alias);
    e.updatedAt = now;
  }

  /** `TrackerStore.setModelAlias`. */
  setAlias(name: string, alias: string, version: number, now: number): void {
    const e = this.entry(name);
    if (!e.versions.some((v) => v.version === version))
      throw new ModelNotFoundError(name, String(version));
    e.aliases.set(alias, version);
    e.updatedAt = now;
  }

  /** `TrackerStore.deleteModelAlias`. */
  deleteAlias(name: string, alias: string, now: number): void {
    const e = this.entry(name);
    if (e.aliases.delete(alias)) e.updatedAt = now;
  }

  /** `TrackerStore.getModelVersion`. */
  get(name: string, ref: ModelVersionRef): ModelVersion | undefined {
    const e = this.entry(name);
    const number =
      'latest' in ref
        ? e.versions.at(-1)?.version
        : 'alias' in ref
          ? e.aliases.get(ref.alias)
          : ref.version;
    const v = e.versions.find((x) => x.version === number);
    return v && this.withAliases(e, v);
  }

  /** `TrackerStore.listModelVersions`. */
  versions(name: string): ModelVersion[] {
    const e = this.entry(name);
    return e.versions.map((v) => this.withAliases(e, v));
  }

  /** `TrackerStore.listRegisteredModels`. */
  list(): RegisteredModel[] {
    return [...this.models]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([name, e]) => this.registered(name, e));
  }

  /** `TrackerStore.getRegisteredModel`. */
  model(name: string): RegisteredModel | undefined {
    const e = this.models.get(name);
    return e && this.registered(name, e);
  }

  private registered(name: string, e: RegistryEntry): RegisteredModel {
    return {
      name,
      createdAt: e.createdAt,
      updatedAt: e.updatedAt,
      latestVersion: e.versions.at(-1)?.version ?? 0,
      aliases: Object.fromEntries([...e.aliases].sort(([a], [b]) => (a < b ? -1 : 1))),
      description: e.description,
      tags: sortedTags(e.tags),
    };
  }
}
