import type { ModelSignature } from '@tideflow/core';
import { ServingSetupError } from './errors.js';

/** Signature input types the estimators take: numbers. */
const NUMERIC_TYPES = new Set(['double', 'float', 'long', 'integer']);
const INTEGER_TYPES = new Set(['long', 'integer']);

/**
 * The columns a model takes, read once from its signature: their names in the order `predict`
 * takes them, and which must be integers. `null` names: the model logged no named inputs, so
 * columns are taken in the order given and the estimator checks the width.
 */
export interface InputSchema {
  /** Column names in model order, or `null` when the signature names none. */
  readonly names: readonly string[] | null;
  /** Column name → position in model order. */
  readonly positions: ReadonlyMap<string, number>;
  /** Per position: whether the signature types the column `long` or `integer`. */
  readonly integer: readonly boolean[];
}

/**
 * The input schema of a signature (or of none).
 *
 * @throws {@link ServingSetupError} when an input is typed other than double, float, long or
 *   integer, when only some inputs are named, or when two inputs share a name.
 */
export function inputSchema(signature: ModelSignature | null, where: string): InputSchema {
  const inputs = signature?.inputs ?? [];
  for (const field of inputs) {
    if (!NUMERIC_TYPES.has(field.type)) {
      throw new ServingSetupError(
        `${where}: the signature types input ${JSON.stringify(field.name ?? '?')} as "${field.type}"; ` +
          'the estimators take numbers only (double, float, long or integer).',
      );
    }
  }
  const named = inputs.filter((f) => typeof f.name === 'string');
  if (named.length === 0) return { names: null, positions: new Map(), integer: [] };
  if (named.length !== inputs.length) {
    throw new ServingSetupError(`${where}: the signature names some inputs but not all.`);
  }
  const names = named.map((f) => f.name as string);
  const positions = new Map(names.map((n, i) => [n, i]));
  if (positions.size !== names.length) {
    throw new ServingSetupError(`${where}: the signature names an input twice.`);
  }
  return { names, positions, integer: inputs.map((f) => INTEGER_TYPES.has(f.type)) };
}
