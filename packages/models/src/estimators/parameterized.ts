import { mergeParams } from './param-checks.js';

/**
 * What every estimator, transformer and selector shares: a registered type name and frozen
 * hyper-parameters (defaults with the given overrides; unknown keys refused), and `withParams`,
 * which builds a new, unfitted instance of the same class (scikit-learn's `clone` + `set_params`).
 *
 * @typeParam P - the hyper-parameters.
 */
export abstract class Parameterized<P extends object> {
  /** The hyper-parameters, defaults filled in. */
  readonly params: Readonly<P>;

  /**
   * @param typeName - the registered type name, used in errors and in `toJSON().type`.
   * @param defaults - every hyper-parameter's default.
   * @param params - overrides; unknown keys are refused.
   */
  protected constructor(
    readonly typeName: string,
    defaults: P,
    params: Partial<P>,
  ) {
    this.params = mergeParams(typeName, defaults, params);
  }

  /** A new, unfitted instance of the same class with `params` overriding the current ones. */
  withParams(params: Partial<P>): this {
    const Ctor = this.constructor as new (p: Partial<P>) => this;
    return new Ctor({ ...this.params, ...params });
  }
}
