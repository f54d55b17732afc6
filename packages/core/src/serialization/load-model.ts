import { getConfig } from '../config/configure.js';
import { ModelUriError, TrackingStoreError } from '../tracking/errors.js';
import { parseVersionRef } from '../tracking/models.js';
import type { Tracker } from '../tracking/tracker-bridge.js';
import { defaultSerializers } from './serializer-registry.js';
import type { SerializerRegistry } from './serializer-registry.js';

/** Options of {@link loadModel}. */
export interface LoadModelOptions {
  /** The store to read from. Default: the configured tracker (`configure`, `TIDEFLOW_TRACKING_URI`). */
  tracker?: Tracker;
  /** The registry that decodes the bytes. Default: `defaultSerializers`. */
  serializers?: SerializerRegistry;
}

/** Where a model URI points: a registered version, or a model a run logged. */
export type ModelRef =
  | { kind: 'registered'; name: string; version: number | string }
  | { kind: 'run'; runId: string; modelName: string };

/**
 * Packages whose estimators a flavor needs, imported before decoding so that their serializers
 * are registered (as `openTracker` imports the package of a URI scheme).
 */
const FLAVOR_PACKAGES: Readonly<Record<string, string>> = {
  'tideflow.models': '@tideflow/models',
};

/**
 * Parses `models:/NAME@ALIAS`, `models:/NAME/3`, `models:/NAME/latest` and
 * `runs:/RUN_ID/models/NAME` (or `runs:/RUN_ID/NAME`); throws `ModelUriError`.
 */
export function parseModelUri(uri: string): ModelRef {
  if (typeof uri !== 'string') throw new ModelUriError(String(uri), 'it is not a string');
  const registered = /^models:\/([^/@]+)(?:@([^/@]+)|\/([^/@]+))$/.exec(uri);
  if (registered) {
    const [, name, alias, version] = registered;
    if (alias !== undefined) return { kind: 'registered', name, version: alias };
    const ref = parseVersionRef(version);
    if ('alias' in ref)
      throw new ModelUriError(uri, `"${version}" is not a version number or "latest"`);
    return { kind: 'registered', name, version: 'latest' in ref ? 'latest' : ref.version };
  }
  const run = /^runs:\/([A-Za-z0-9_-]+)\/(?:models\/)?([^/]+?)(?:\/model\.bin)?$/.exec(uri);
  if (run) return { kind: 'run', runId: run[1], modelName: run[2] };
  throw new ModelUriError(uri, 'it names no registered model version and no run model');
}

/**
 * Loads a logged or registered model and returns it decoded: a fitted estimator ready to
 * `predict` / `predictProba`. The URI is checked before the store is read; an unknown name,
 * version or alias is `ModelNotFoundError`.
 *
 * @example
 * ```ts
 * import { configure, loadModel } from '@tideflow/core';
 * import { denseMatrix, type Classifier } from '@tideflow/models';
 *
 * configure({ trackingUri: 'sqlite:///.tideflow/tideflow.db' });
 * const model = await loadModel<Classifier>('models:/iris@champion');
 * const labels = model.predict(denseMatrix(1, 4, Float64Array.of(5.1, 3.5, 1.4, 0.2)));
 * ```
 */
export async function loadModel<T = unknown>(
  uri: string,
  options: LoadModelOptions = {},
): Promise<T> {
  const ref = parseModelUri(uri);
  const tracker = options.tracker ?? (await configuredTracker(uri));
  let runId: string;
  let modelName: string;
  if (ref.kind === 'registered') {
    const version = await tracker.getModelVersion(ref.name, ref.version);
    runId = version.runId;
    modelName = version.modelName;
  } else {
    runId = ref.runId;
    modelName = ref.modelName;
  }
  const logged = (await tracker.listLoggedModels(runId)).find((m) => m.name === modelName);
  if (!logged) {
    throw new ModelUriError(uri, `run ${runId} logged no model named "${modelName}"`);
  }
  const pkg = FLAVOR_PACKAGES[logged.flavor];
  if (pkg) await import(pkg);
  const bytes = await tracker.readArtifact(runId, logged.artifactPath);
  return (options.serializers ?? defaultSerializers).deserialize(bytes) as T;
}

async function configuredTracker(uri: string): Promise<Tracker> {
  const tracking = getConfig().tracking;
  if (!tracking) {
    throw new TrackingStoreError(
      `Cannot load ${uri}: tracking is turned off; pass { tracker } or configure a tracking URI.`,
    );
  }
  return tracking.tracker;
}
