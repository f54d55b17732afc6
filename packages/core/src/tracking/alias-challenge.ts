import { ModelNotFoundError, TrackingInputError } from './errors.js';
import type { LoggedModel, ModelSignature, ModelVersion } from './tracker.js';
import type { Tracker } from './tracker-bridge.js';
import { validateAlias } from './record-checks.js';

/**
 * When `track.model` moves a registered model's alias to the version it registers: only if the
 * new version beats the version the alias points at on one of the models' metrics, as MLflow
 * users do by hand before `set_registered_model_alias('champion', ...)`.
 */
export interface AliasChallenge {
  /** The metric of the logged models compared, e.g. `test_accuracy`. */
  metric: string;
  /**
   * Whether a larger value is better (accuracy) or a smaller one (log loss).
   * @default true
   */
  higherIsBetter?: boolean;
  /**
   * Move the alias whatever the comparison says (a user's explicit promotion); the decision still
   * reports both values.
   * @default false
   */
  force?: boolean;
}

/** Why an alias moved or stayed; see {@link AliasDecision}. */
export type AliasDecisionReason =
  /** The alias pointed at no version yet. */
  | 'new'
  /** No challenge was asked for, or `force` was set: the alias follows the registered version. */
  | 'forced'
  /** The new version's metric beats the holder's (or the holder has no value for it). */
  | 'better'
  /** The new version's metric ties with or is worse than the holder's (or it has none). */
  | 'not-better'
  /** The holder's signature differs from the new version's: they answer different questions. */
  | 'other-signature'
  /** The registered version is the holder already (an identical model, e.g. a cached rerun). */
  | 'unchanged';

/** What happened to an alias when `track.model` registered a version. */
export interface AliasDecision {
  /** The alias, e.g. `champion`. */
  alias: string;
  /** Whether the alias now points at the registered version and did not before. */
  moved: boolean;
  /** Why. */
  reason: AliasDecisionReason;
  /** The metric compared, or `null` without a challenge. */
  metric: string | null;
  /** The version the alias pointed at before, with its metric value (`null`: none); `null` if none. */
  previous: { version: number; value: number | null } | null;
  /** The registered version with its metric value (`null`: none). */
  candidate: { version: number; value: number | null };
}

/** Checks a challenge before any work is done; throws `TrackingInputError`. */
export function validateAliasChallenge(alias: unknown, challenge: unknown): void {
  if (challenge === undefined) return;
  if (alias === undefined)
    throw new TrackingInputError('register.challenge needs register.alias, the alias to move.');
  validateAlias(alias);
  const c = challenge as AliasChallenge;
  if (c === null || typeof c !== 'object' || typeof c.metric !== 'string' || c.metric === '')
    throw new TrackingInputError(
      'register.challenge needs `metric`, the name of a metric of the logged models.',
    );
  for (const key of ['higherIsBetter', 'force'] as const) {
    if (c[key] !== undefined && typeof c[key] !== 'boolean')
      throw new TrackingInputError(`register.challenge.${key} must be a boolean.`);
  }
}

/**
 * Points `alias` at `version` when the challenge says so (always without one) and reports what
 * happened. The holder is read from the store; its metric and signature from its logged model.
 */
export async function settleAlias(
  tracker: Tracker,
  version: ModelVersion,
  candidate: LoggedModel,
  alias: string,
  challenge: AliasChallenge | undefined,
): Promise<AliasDecision> {
  const metric = challenge?.metric ?? null;
  const valueOf = (m: LoggedModel | undefined): number | null => {
    const v = metric === null ? undefined : m?.metrics[metric];
    return typeof v === 'number' && !Number.isNaN(v) ? v : null;
  };
  const mine = { version: version.version, value: valueOf(candidate) };
  const holder = await tracker.getModelVersion(version.name, alias).catch((e: unknown) => {
    if (e instanceof ModelNotFoundError) return undefined;
    throw e;
  });
  const holderModel =
    holder &&
    (await tracker.listLoggedModels(holder.runId)).find((m) => m.name === holder.modelName);
  const previous = holder ? { version: holder.version, value: valueOf(holderModel) } : null;
  const decide = (reason: AliasDecisionReason, moved: boolean): AliasDecision => ({
    alias,
    moved,
    reason,
    metric,
    previous,
    candidate: mine,
  });
  if (holder?.version === version.version) return decide('unchanged', false);
  let reason: AliasDecisionReason;
  if (!holder) reason = 'new';
  else if (!challenge || challenge.force) reason = 'forced';
  else if (!sameSignature(holderModel?.signature ?? null, candidate.signature))
    return decide('other-signature', false);
  else if (beats(mine.value, previous!.value, challenge.higherIsBetter ?? true)) reason = 'better';
  else return decide('not-better', false);
  await tracker.setModelAlias(version.name, alias, version.version);
  return decide(reason, true);
}

/** Strictly better: a tie keeps the holder; a missing holder value loses to any value. */
function beats(mine: number | null, theirs: number | null, higherIsBetter: boolean): boolean {
  if (mine === null) return false;
  if (theirs === null) return true;
  return higherIsBetter ? mine > theirs : mine < theirs;
}

function sameSignature(a: ModelSignature | null, b: ModelSignature | null): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
