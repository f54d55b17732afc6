import { InvalidParameterError } from '../errors.js';

/** Constraints on a numeric hyper-parameter. */
export interface NumberRule {
  /** Smallest allowed value. */
  min?: number;
  /** Largest allowed value. */
  max?: number;
  /** Whether `min` itself is excluded. */
  exclusiveMin?: boolean;
  /** Whether the value must be an integer. */
  integer?: boolean;
  /** Whether `undefined`/`null` is allowed (meaning "no limit"). */
  optional?: boolean;
}

/** Checks one numeric hyper-parameter and throws `InvalidParameterError` naming it. */
export function checkNumber(
  estimator: string,
  name: string,
  value: unknown,
  rule: NumberRule = {},
): void {
  if (value === undefined || value === null) {
    if (rule.optional) return;
    throw new InvalidParameterError(estimator, name, 'a number is required.');
  }
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new InvalidParameterError(
      estimator,
      name,
      `must be a finite number, got ${describe(value)}.`,
    );
  }
  if (rule.integer && !Number.isInteger(value)) {
    throw new InvalidParameterError(estimator, name, `must be an integer, got ${value}.`);
  }
  if (rule.min !== undefined) {
    if (rule.exclusiveMin ? !(value > rule.min) : !(value >= rule.min)) {
      throw new InvalidParameterError(
        estimator,
        name,
        `must be ${rule.exclusiveMin ? '>' : '≥'} ${rule.min}, got ${value}.`,
      );
    }
  }
  if (rule.max !== undefined && !(value <= rule.max)) {
    throw new InvalidParameterError(estimator, name, `must be ≤ ${rule.max}, got ${value}.`);
  }
}

/** Checks that a string hyper-parameter is one of `allowed`. */
export function checkChoice<T extends string>(
  estimator: string,
  name: string,
  value: unknown,
  allowed: readonly T[],
): void {
  if (!allowed.includes(value as T)) {
    throw new InvalidParameterError(
      estimator,
      name,
      `must be one of ${allowed.map((a) => `'${a}'`).join(', ')}, got ${JSON.stringify(value)}.`,
    );
  }
}

/** Checks that no unknown keys were passed, so that typos do not silently fall back to defaults. */
export function checkKnownParams(estimator: string, params: object, defaults: object): void {
  for (const key of Object.keys(params)) {
    if (!(key in defaults)) {
      throw new InvalidParameterError(
        estimator,
        key,
        `unknown parameter; known ones are ${Object.keys(defaults).join(', ')}.`,
      );
    }
  }
}

function describe(value: unknown): string {
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean')
    return String(value);
  try {
    return JSON.stringify(value) ?? typeof value;
  } catch {
    return typeof value;
  }
}
