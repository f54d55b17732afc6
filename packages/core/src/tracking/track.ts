import { getConfig } from '../config/configure.js';
import { runStorage } from '../engine/context.js';
import { defaultSerializers } from '../serialization/serializer-registry.js';
import type { TrackingRecorder } from './recorder.js';
import type {
  ArtifactInfo,
  LoggedModel,
  ModelSignature,
  ModelVersion,
  ParamValue,
  TableCell,
  TypedArtifactInput,
} from './tracker.js';
import { settleAlias, validateAliasChallenge } from './alias-challenge.js';
import type { AliasChallenge, AliasDecision } from './alias-challenge.js';
import { encodeTypedArtifact } from './artifacts.js';
import { toDatasetInput } from './datasets.js';
import type { DatasetSpec } from './datasets.js';
import { checkedDescription, checkedModelTags } from './models.js';
import { validateArtifactPath, validateKey } from './record-checks.js';

/** Options of `track.metric`/`track.metrics`. */
export interface TrackMetricOptions {
  /** The step (e.g. the epoch or fold), an integer. Default 0. */
  step?: number;
  /** When it was measured, epoch ms. Default: now. */
  timestamp?: number;
}

/** Options shared by typed artifacts. */
export interface TrackArtifactOptions {
  /** A key that versions the artifact: logging again under it adds a version. */
  key?: string;
  /** A short description. */
  description?: string;
}

/** What `track.model` logs. */
export interface TrackModelOptions {
  /** The model's name within the run. */
  name: string;
  /** How to load it, e.g. `tideflow.models.knn`. Default `tideflow`. */
  flavor?: string;
  /** Input/output schema. */
  signature?: ModelSignature;
  /** Evaluation metrics of the model. */
  metrics?: Record<string, number>;
  /**
   * Register it under this model name (a new version), optionally with an alias such as
   * `champion`. With `challenge`, the alias moves only when the new version beats the version it
   * points at on that metric (and has the same signature); without, it follows every version.
   * `description` and `tags` describe the new version, as in `Tracker.registerModel`.
   */
  register?: {
    name: string;
    alias?: string;
    description?: string;
    tags?: Record<string, string>;
    challenge?: AliasChallenge;
  };
}

/** What `track.model` did: the logged model, the registered version and what its alias did. */
export interface TrackModelResult {
  /** The logged model. */
  logged: LoggedModel;
  /** The registered version, when `register` was given. */
  version?: ModelVersion;
  /** What happened to `register.alias`, when one was given. */
  alias?: AliasDecision;
}

/** Options of `track.input`. */
export interface TrackInputOptions {
  /** What the run used the data for, e.g. `training`, `calibration`, `evaluation` (1 to 500 characters). */
  context?: string;
}

/**
 * What `track.*` writes through: the engine's {@link TrackingRecorder}, or in a pool worker a sink
 * that forwards each call to the recorder of the main thread.
 */
export type TrackSink = Pick<
  TrackingRecorder,
  'has' | 'metrics' | 'params' | 'tags' | 'write' | 'typedArtifact' | 'flush'
>;

/** The sink of this thread when it is a pool worker (the main thread writes to its recorder). */
let workerSink: TrackSink | undefined;

/** Makes `track.*` in this thread (a pool worker) write through `sink`. */
export function setWorkerTrackSink(sink: TrackSink): void {
  workerSink = sink;
}

/** The flow run that `track.*` writes to, when the recorder tracks it. */
function target(what: string): { recorder: TrackSink; runId: string } | undefined {
  const active = runStorage.getStore();
  const config = getConfig();
  const runId = active?.flowRunId;
  const recorder = workerSink ?? config.tracking;
  if (runId && recorder?.has(runId)) return { recorder, runId };
  config.logger.debug(
    { call: `track.${what}` },
    'Not inside a tracked flow run: nothing is recorded',
  );
  return undefined;
}

/**
 * Experiment tracking from inside flows and tasks, like `mlflow.log_*`: values go to the tracking
 * run of the innermost flow run, buffered and written in batches. Outside a run each call is a
 * no-op (with a debug log). Artifact and model calls check their input at once (throwing on bad
 * paths or content) and return promises you may await (or not: the flow waits for them before it
 * ends); a store failure is logged as a warning and resolves to `undefined` — the flow goes on.
 *
 * @example
 * ```ts
 * track.params({ k: 15, weights: 'distance' });
 * for (const [fold, score] of scores.entries()) track.metric('cv_accuracy', score, { step: fold });
 * await track.table('cv_results', { columns: ['k', 'score'], rows });
 * ```
 */
export const track = {
  /** The tracking run id of the innermost flow run, when it is tracked. */
  runId(): string | undefined {
    return target('runId')?.runId;
  },

  /** Logs one metric point. NaN and ±Infinity are stored as such. */
  metric(key: string, value: number, options: TrackMetricOptions = {}): void {
    validateKey('metric', key);
    const t = target('metric');
    t?.recorder.metrics(t.runId, [
      { key, value, step: options.step ?? 0, timestamp: options.timestamp ?? Date.now() },
    ]);
  },

  /** Logs several metrics at one step. */
  metrics(values: Readonly<Record<string, number>>, options: TrackMetricOptions = {}): void {
    const t = target('metrics');
    const timestamp = options.timestamp ?? Date.now();
    const points = Object.entries(values).map(([key, value]) => {
      validateKey('metric', key);
      return { key, value, step: options.step ?? 0, timestamp };
    });
    t?.recorder.metrics(t.runId, points);
  },

  /** Logs one param (write-once: another value for the same key fails the batch with ParamOverwriteError). */
  param(key: string, value: ParamValue): void {
    validateKey('param', key);
    const t = target('param');
    t?.recorder.params(t.runId, { [key]: value });
  },

  /** Logs params; nested objects are flattened to `a.b.c` keys. */
  params(values: Readonly<Record<string, unknown>>): void {
    const t = target('params');
    t?.recorder.params(t.runId, values);
  },

  /** Sets a tag (mutable). */
  tag(key: string, value: string): void {
    validateKey('tag', key);
    const t = target('tag');
    t?.recorder.tags(t.runId, { [key]: value });
  },

  /** Sets several tags. */
  tags(values: Readonly<Record<string, string>>): void {
    const t = target('tags');
    t?.recorder.tags(t.runId, { ...values });
  },

  /** Stores a file artifact under the run's artifact folder. Rejects bad paths (`..`, absolute, NUL) at once. */
  artifact(path: string, data: Uint8Array | string): Promise<ArtifactInfo | undefined> {
    validateArtifactPath(path);
    const t = target('artifact');
    return t
      ? settled(t.recorder.write(t.runId, (tracker, id) => tracker.logArtifact(id, path, data)))
      : Promise.resolve(undefined);
  },

  /** Logs a Markdown artifact. */
  markdown(
    markdown: string,
    options: TrackArtifactOptions = {},
  ): Promise<ArtifactInfo | undefined> {
    return typed('markdown', { type: 'markdown', markdown, ...options });
  },

  /** Logs a table artifact. */
  table(
    table: { columns: string[]; rows: TableCell[][] },
    options: TrackArtifactOptions = {},
  ): Promise<ArtifactInfo | undefined> {
    return typed('table', { type: 'table', columns: table.columns, rows: table.rows, ...options });
  },

  /** Logs an image artifact: SVG markup or PNG bytes. */
  image(
    data: string | Uint8Array,
    options: TrackArtifactOptions & { format?: 'svg' | 'png' } = {},
  ): Promise<ArtifactInfo | undefined> {
    const { format, ...rest } = options;
    return typed('image', {
      type: 'image',
      format: format ?? (typeof data === 'string' ? 'svg' : 'png'),
      data,
      ...rest,
    });
  },

  /** Logs a link artifact. */
  link(
    url: string,
    options: TrackArtifactOptions & { text?: string } = {},
  ): Promise<ArtifactInfo | undefined> {
    return typed('link', { type: 'link', url, ...options });
  },

  /** Logs progress (0–100), usually under a key so that each call adds a version. */
  progress(
    progress: number,
    options: TrackArtifactOptions = {},
  ): Promise<ArtifactInfo | undefined> {
    return typed('progress', { type: 'progress', progress, ...options });
  },

  /**
   * Records a dataset the run used, as `mlflow.log_input`: its name, digest, source, schema and
   * row count, in a context. The same dataset (name and digest) in the same context is recorded
   * once per run. A bad input throws `InvalidDatasetInputError` at once, naming the field.
   *
   * @example
   * ```ts
   * await track.input({ name: 'iris.csv', digest: 'f3a9c2d1e4b5a6c7', source: 'data/iris.csv', numRows: 150 }, { context: 'training' });
   * ```
   */
  input(dataset: DatasetSpec, options: TrackInputOptions = {}): Promise<void> {
    const spec = { dataset, ...(options.context !== undefined && { context: options.context }) };
    toDatasetInput(spec, 'input');
    const t = target('input');
    return t
      ? settled(t.recorder.write(t.runId, (tracker, id) => tracker.logInputs(id, [spec]))).then(
          () => undefined,
        )
      : Promise.resolve();
  },

  /**
   * Logs a model (serialized with the serializer registry, so fitted estimators with a registered
   * serializer work) and optionally registers it as a new version of a registered model, moving
   * its alias as `register.challenge` says.
   *
   * @example
   * ```ts
   * const out = await track.model(best, {
   *   name: 'model',
   *   metrics: { test_accuracy: 0.93 },
   *   register: { name: 'knn', alias: 'champion', challenge: { metric: 'test_accuracy' } },
   * });
   * // out?.alias: { moved: true, reason: 'better', previous: { version: 2, value: 0.91 }, ... }
   * ```
   */
  async model(model: unknown, options: TrackModelOptions): Promise<TrackModelResult | undefined> {
    validateAliasChallenge(options.register?.alias, options.register?.challenge);
    if (options.register) {
      checkedModelTags(options.register.tags ?? {});
      checkedDescription(options.register.description ?? null);
    }
    const t = target('model');
    if (!t) return undefined;
    const bytes = defaultSerializers.serialize(model);
    return settled(
      t.recorder.write(t.runId, async (tracker, runId) => {
        const logged = await tracker.logModel(runId, {
          name: options.name,
          bytes,
          flavor: options.flavor ?? 'tideflow',
          signature: options.signature,
          metrics: options.metrics,
        });
        if (!options.register) return { logged };
        const version = await tracker.registerModel(options.register.name, {
          runId,
          modelName: options.name,
          description: options.register.description,
          tags: options.register.tags,
        });
        if (!options.register.alias) return { logged, version };
        const alias = await settleAlias(
          tracker,
          version,
          logged,
          options.register.alias,
          options.register.challenge,
        );
        return { logged, version, alias };
      }),
    );
  },

  /** Waits until everything tracked so far in the current flow run is written. */
  async flush(): Promise<void> {
    const t = target('flush');
    if (t) await t.recorder.flush(t.runId);
  },
};

/** Store failures are logged by the recorder (once per run) and resolve to undefined: the flow goes on. */
function settled<T>(write: Promise<T>): Promise<T | undefined> {
  return write.catch(() => undefined);
}

function typed(what: string, artifact: TypedArtifactInput): Promise<ArtifactInfo | undefined> {
  // Bad content (a non-finite table cell, a bad key) is the caller's error: thrown now, not logged later.
  encodeTypedArtifact(artifact, null, 'validation');
  const t = target(what);
  return t
    ? settled(t.recorder.typedArtifact(t.runId, artifact) as Promise<ArtifactInfo>)
    : Promise.resolve(undefined);
}
