import { createHash } from 'node:crypto';
import type { AliasDecision, ModelSignature } from '@tideflow/core';

/** The alias that names the best model of a data signature. */
export const CHAMPION_ALIAS = 'champion';

/** The model metric a new version must beat (strictly) to take the champion alias. */
export const CHAMPION_METRIC = 'test_accuracy';

/** Where the pipeline registered its model and what the champion alias did. */
export interface Registration {
  /** The registered model name. */
  readonly name: string;
  /** The version registered (an identical model registers none: the version it matches). */
  readonly version: number;
  /** What happened to the `champion` alias. */
  readonly champion: AliasDecision;
  /** One line for people, e.g. `champion moved from v2 (0.91) to v3 (0.93)`. */
  readonly summary: string;
}

/**
 * The model's signature, as MLflow's: the input columns (doubles, in the order `predict` takes
 * them) and one output column per class, the probability `predictProba` gives it.
 */
export function modelSignature(
  featureNames: readonly string[],
  classNames: readonly string[],
): ModelSignature {
  return {
    inputs: featureNames.map((name) => ({ name, type: 'double' })),
    outputs: classNames.map((name) => ({ name, type: 'double' })),
  };
}

/**
 * The registered name of a model: `configured` if set, else `clustering-` and the first 8 hex
 * digits of the SHA-256 of the signature, so that models of different columns or classes never
 * share a name (and a champion) while reruns on the same kind of data do.
 */
export function registeredModelName(signature: ModelSignature, configured: string | null): string {
  if (configured !== null) return configured;
  return `clustering-${signatureDigest(signature).slice(0, 8)}`;
}

/** The SHA-256 (hex) of a signature: equal for models of the same columns and classes. */
export function signatureDigest(signature: ModelSignature): string {
  return createHash('sha256').update(JSON.stringify(signature)).digest('hex');
}

/** What the registered version's tags record. */
export interface VersionTagInput {
  /** The model's signature. */
  readonly signature: ModelSignature;
  /** Where the data came from (a CSV path or the generator's call). */
  readonly dataSource: string;
  /** The digests of the training and test splits, as the run's dataset inputs record them. */
  readonly trainDigest: string;
  /** See `trainDigest`. */
  readonly testDigest: string;
  /** The final model's name (a family, or the ensemble). */
  readonly model: string;
  /** Its calibration method. */
  readonly calibration: string;
}

/**
 * The tags of a version the pipeline registers: what a user searches and compares versions by.
 * `data.train_digest` and `data.test_digest` are the digests of the run's `training` and `test`
 * dataset inputs (so `datasets.digest = '…'` finds the run), `signature.digest` is the full hash
 * the default name abbreviates (kept when the name is configured).
 */
export function versionTags(input: VersionTagInput): Record<string, string> {
  return {
    'data.source': input.dataSource,
    'data.train_digest': input.trainDigest,
    'data.test_digest': input.testDigest,
    'model.calibration': input.calibration,
    'model.name': input.model,
    'signature.digest': signatureDigest(input.signature),
  };
}

const score = (value: number | null): string =>
  value === null ? 'no value' : String(Number(value.toFixed(4)));

/** The sentence the report and the CLI summary show for an alias decision. */
export function describeChampion(decision: AliasDecision): string {
  const { previous, candidate } = decision;
  const to = `v${candidate.version} (${score(candidate.value)})`;
  const from = previous && `v${previous.version} (${score(previous.value)})`;
  switch (decision.reason) {
    case 'new':
      return `champion set to ${to}, the first champion of this signature`;
    case 'better':
      return `champion moved from ${from} to ${to}`;
    case 'forced':
      return `champion moved from ${from} to ${to}: promoted by --promote (registry.promote)`;
    case 'not-better':
      return `kept v${previous!.version} as champion (${score(previous!.value)} ≥ ${score(candidate.value)})`;
    case 'other-signature':
      return `kept v${previous!.version} as champion: it takes other columns or classes (--promote replaces it)`;
    case 'unchanged':
      return `champion stays ${to}: an identical model`;
  }
}
