import { InvalidParameterError } from '../errors.js';
import { checkChoice, checkKnownParams, checkNumber } from './param-checks.js';

/** What every parameter declaration has: its default, its meaning and its default search grid. */
interface ParamSpecBase<T> {
  /** The value when the caller gives none. */
  readonly default: T;
  /** What the parameter means (used in the pipeline's configuration docs). */
  readonly doc: string;
  /**
   * The candidates the pipeline's search tries by default. A parameter with a grid is a key of
   * its family's configuration (`models.<family>.<param>`); one without is fixed at its default.
   */
  readonly grid?: readonly T[];
  /** A rule beyond the declared range (e.g. "priors sum to 1"); throws `InvalidParameterError`. */
  readonly check?: (estimator: string, name: string, value: T) => void;
}

/**
 * A numeric parameter: its range, whether it must be an integer, whether `null` is allowed
 * (meaning "no limit"), and named values it also accepts (SVC's `gamma: 'scale' | 'auto'`).
 */
export interface NumberParamSpec<T = number> extends ParamSpecBase<T> {
  /** A number. */
  readonly kind: 'number';
  /** Smallest allowed value. */
  readonly min?: number;
  /** Largest allowed value. */
  readonly max?: number;
  /** Whether `min` itself is excluded. */
  readonly exclusiveMin?: boolean;
  /** Whether the value must be an integer. */
  readonly integer?: boolean;
  /** Whether `null` is allowed. */
  readonly nullable?: boolean;
  /** Strings accepted instead of a number. */
  readonly named?: readonly string[];
}

/** A parameter that is one of a few strings. */
export interface ChoiceParamSpec<T = string> extends ParamSpecBase<T> {
  /** One of `values`. */
  readonly kind: 'choice';
  /** The allowed values. */
  readonly values: readonly string[];
}

/** A boolean parameter. */
export interface BooleanParamSpec<T = boolean> extends ParamSpecBase<T> {
  /** `true` or `false`. */
  readonly kind: 'boolean';
}

/** A parameter of another shape (a list, an estimator): checked only by its `check` rule. */
export interface OtherParamSpec<T = unknown> extends ParamSpecBase<T> {
  /** Anything its `check` accepts. */
  readonly kind: 'other';
  /** What it accepts, in words. */
  readonly accepts: string;
}

/**
 * The declaration of one hyper-parameter, as an entry of scikit-learn's `_parameter_constraints`
 * plus its default, doc and default search grid.
 */
export type ParamSpec<T = unknown> =
  NumberParamSpec<T> | ChoiceParamSpec<T> | BooleanParamSpec<T> | OtherParamSpec<T>;

/** One declaration per hyper-parameter of `P`. */
export type ParamSpecs<P> = { readonly [K in keyof P]-?: ParamSpec<P[K]> };

/**
 * The declared hyper-parameters of one estimator: the single source from which its constructor
 * check, its defaults, the pipeline's configuration schema and docs, and the default search grid
 * are derived.
 *
 * @typeParam P - the hyper-parameters.
 */
export interface ParamDeclaration<P extends object> {
  /** The estimator's registered type name, used in errors. */
  readonly estimator: string;
  /** Every parameter's declaration, in declaration order. */
  readonly specs: ParamSpecs<P>;
  /** Every parameter's default (a fresh object). */
  defaults(): P;
  /**
   * Every declared default with `params` over it (undefined keeps the default), checked against
   * the declarations and frozen. Unknown keys and bad values throw `InvalidParameterError` naming
   * the estimator and the parameter.
   */
  resolve(params: Partial<P>): Readonly<P>;
  /** The default search grid: each parameter that declares one, with its candidates. */
  grid(): Record<string, readonly unknown[]>;
}

/**
 * Declares an estimator's hyper-parameters once.
 *
 * @example
 * ```ts
 * const PARAMS = declareParams<{ k: number }>('MyClassifier', {
 *   k: { kind: 'number', integer: true, min: 1, default: 5, grid: [5, 15], doc: 'Neighbours.' },
 * });
 * PARAMS.resolve({ k: 0 }); // InvalidParameterError: MyClassifier: k must be ≥ 1, got 0.
 * ```
 */
export function declareParams<P extends object>(
  estimator: string,
  specs: ParamSpecs<P>,
): ParamDeclaration<P> {
  const entries = Object.entries(specs) as [string, ParamSpec][];
  const defaults = (): P =>
    Object.fromEntries(entries.map(([name, spec]) => [name, structuredClone(spec.default)])) as P;
  return {
    estimator,
    specs,
    defaults,
    resolve(params) {
      const base = defaults();
      checkKnownParams(estimator, params, base);
      const merged: Record<string, unknown> = { ...(base as Record<string, unknown>) };
      for (const [k, v] of Object.entries(params)) if (v !== undefined) merged[k] = v;
      for (const [name, spec] of entries) checkParam(estimator, name, spec, merged[name]);
      return Object.freeze(merged) as Readonly<P>;
    },
    grid() {
      return Object.fromEntries(
        entries.filter(([, spec]) => spec.grid).map(([name, spec]) => [name, spec.grid ?? []]),
      );
    },
  };
}

/** Checks `value` against one declaration and throws `InvalidParameterError` naming it. */
export function checkParam(estimator: string, name: string, spec: ParamSpec, value: unknown): void {
  switch (spec.kind) {
    case 'number':
      if (typeof value === 'string' && spec.named) {
        if (spec.named.includes(value)) break;
        throw new InvalidParameterError(
          estimator,
          name,
          `must be a number or one of ${spec.named.map((v) => `'${v}'`).join(', ')}, got ${JSON.stringify(value)}.`,
        );
      }
      checkNumber(estimator, name, value, {
        min: spec.min,
        max: spec.max,
        exclusiveMin: spec.exclusiveMin,
        integer: spec.integer,
        optional: spec.nullable,
      });
      break;
    case 'choice':
      checkChoice(estimator, name, value, spec.values);
      break;
    case 'boolean':
      if (typeof value !== 'boolean') {
        throw new InvalidParameterError(
          estimator,
          name,
          `must be true or false, got ${String(value)}.`,
        );
      }
      break;
    case 'other':
      break;
  }
  spec.check?.(estimator, name, value);
}

/**
 * The declaration of a meta-estimator's `estimator` parameter: an object with the given
 * `methods` (e.g. `fit` and `predictProba`), required (no default).
 */
export function classifierParam<T>(doc: string, methods: readonly string[]): OtherParamSpec<T> {
  return {
    kind: 'other',
    accepts: `a classifier with ${methods.join(' and ')}`,
    default: undefined as T,
    doc,
    check: (estimator, name, value) => {
      const e = value as Record<string, unknown> | undefined;
      if (!e || methods.some((m) => typeof e[m] !== 'function')) {
        throw new InvalidParameterError(
          estimator,
          name,
          `must be a classifier with ${methods.join(' and ')}.`,
        );
      }
    },
  };
}
