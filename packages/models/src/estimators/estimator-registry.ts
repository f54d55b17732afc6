import { registerSerializer } from '@tideflow/core';
import type { Constructor } from '@tideflow/core';
import { DataFormatError } from '../errors.js';
import type { Classifier, EstimatorJSON, Transformer } from './classifier.js';

/** Rebuilds an estimator or transformer from its JSON form. */
export type EstimatorFactory = (json: EstimatorJSON) => Classifier | Transformer;

const factories = new Map<string, EstimatorFactory>();

/** Prefix of the serializer names, so that they cannot clash with other packages' classes. */
const SERIALIZER_PREFIX = '@tideflow/models:';

/**
 * Registers an estimator, transformer or meta-estimator class under a stable type name: it can
 * then be rebuilt by {@link estimatorFromJSON}, and its instances survive tideflow's cache and
 * tracker (a serializer is registered with `@tideflow/core`).
 *
 * @example
 * ```ts
 * registerEstimator('MyClassifier', MyClassifier, (json) => MyClassifier.fromJSON(json));
 * ```
 */
export function registerEstimator<T extends Classifier | Transformer>(
  type: string,
  ctor: Constructor<T>,
  fromJSON: (json: EstimatorJSON) => T,
): void {
  const existing = factories.get(type);
  if (existing && existing !== (fromJSON as EstimatorFactory)) {
    throw new DataFormatError(`An estimator type named "${type}" is already registered.`);
  }
  factories.set(type, fromJSON);
  registerSerializer<T, EstimatorJSON>(
    ctor,
    { encode: (e) => sortedKeys(e.toJSON()), decode: (json) => fromJSON(json) },
    SERIALIZER_PREFIX + type,
  );
}

/**
 * The JSON form with the keys of its plain objects sorted. `fromJSON` reads by key, so the order
 * means nothing to an estimator, but it decides the bytes: a freshly fitted model builds its state
 * in another order than a decoded one, and without this a cached rerun would log a model whose
 * bytes differ from the first run's (and register it as a new version).
 */
function sortedKeys<T>(value: T): T {
  if (Array.isArray(value)) return value.map(sortedKeys) as T;
  if (
    value === null ||
    typeof value !== 'object' ||
    Object.getPrototypeOf(value) !== Object.prototype
  )
    return value;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort())
    out[key] = sortedKeys((value as Record<string, unknown>)[key]);
  return out as T;
}

/** The registered type names. */
export function registeredEstimatorTypes(): string[] {
  return [...factories.keys()].sort();
}

/**
 * Rebuilds any registered estimator, transformer or `Pipeline` from its `toJSON()` output, fitted
 * or not. Also accepts the `JSON.parse`d text of `JSON.stringify(model)`.
 *
 * @example
 * ```ts
 * const copy = estimatorFromJSON(JSON.parse(JSON.stringify(model))) as GaussianNB;
 * ```
 */
export function estimatorFromJSON(json: EstimatorJSON): Classifier | Transformer {
  const type = (json as { type?: unknown } | null)?.type;
  const factory = typeof type === 'string' ? factories.get(type) : undefined;
  if (!factory) {
    throw new DataFormatError(
      `No estimator type "${String(type)}" is registered; known types: ${registeredEstimatorTypes().join(', ')}.`,
    );
  }
  return factory(json);
}

/** Whether `e` is a classifier (has `predict` and `predictProba`) rather than a transformer. */
export function isClassifier(e: Classifier | Transformer): e is Classifier {
  return typeof (e as Partial<Classifier>).predictProba === 'function';
}

/** Like {@link estimatorFromJSON}, but refuses a transformer. */
export function classifierFromJSON(json: EstimatorJSON): Classifier {
  const e = estimatorFromJSON(json);
  if (!isClassifier(e)) {
    throw new DataFormatError(
      `The JSON form of type "${json.type}" is a transformer, not a classifier.`,
    );
  }
  return e;
}
