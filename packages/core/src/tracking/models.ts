import type { EncodedArtifact } from './artifacts.js';
import { ModelNotFoundError, TrackingInputError } from './errors.js';
import type {
  LoggedModel,
  LogModelInput,
  ModelSignature,
  ModelVersion,
  RegisteredModel,
} from './tracker.js';
import type { ModelVersionInsert, ModelVersionRef } from './tracker-store.js';
import { validateName, validateSegmentName } from './record-checks.js';

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

interface RegistryEntry {
  createdAt: number;
  updatedAt: number;
  versions: Omit<ModelVersion, 'aliases'>[];
  aliases: Map<string, number>;
}

/** The in-memory model registry of the memory store. */
export class ModelRegistryState {
  private readonly models = new Map<string, RegistryEntry>();

  private entry(name: string): RegistryEntry {
    const e = this.models.get(name);
    if (!e) throw new ModelNotFoundError(String(name));
    return e;
  }

  private withAliases(e: RegistryEntry, v: Omit<ModelVersion, 'aliases'>): ModelVersion {
    const aliases = [...e.aliases]
      .filter(([, n]) => n === v.version)
      .map(([a]) => a)
      .sort();
    return { ...v, aliases };
  }

  /** `TrackerStore.insertModelVersion`, once the store found the logged model. */
  register(insert: ModelVersionInsert, logged: LoggedModel): ModelVersion {
    const { name, createdAt } = insert;
    let e = this.models.get(name);
    if (!e)
      this.models.set(
        name,
        (e = { createdAt, updatedAt: createdAt, versions: [], aliases: new Map() }),
      );
    const v = {
      name,
      version: e.versions.length + 1,
      runId: logged.runId,
      modelName: logged.name,
      source: logged.artifactPath,
      description: insert.description,
      createdAt,
    };
    e.versions.push(v);
    e.updatedAt = createdAt;
    return this.withAliases(e, v);
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
      'latest' in ref ? e.versions.length : 'alias' in ref ? e.aliases.get(ref.alias) : ref.version;
    const v = e.versions.find((x) => x.version === number);
    return v && this.withAliases(e, v);
  }

  /** `TrackerStore.listRegisteredModels`. */
  list(): RegisteredModel[] {
    return [...this.models]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([name, e]) => ({
        name,
        createdAt: e.createdAt,
        updatedAt: e.updatedAt,
        latestVersion: e.versions.length,
        aliases: Object.fromEntries([...e.aliases].sort(([a], [b]) => (a < b ? -1 : 1))),
      }));
  }
}
