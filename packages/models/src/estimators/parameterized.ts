import type { ParamDeclaration } from './param-spec.js';

/**
 * What every estimator, transformer and selector shares: a registered type name and frozen
 * hyper-parameters (the declared defaults with the given overrides, checked against the
 * declaration; unknown keys refused), and `withParams`,
 * which builds a new, unfitted instance of the same class (scikit-learn's `clone` + `set_params`).
 *
 * @typeParam P - the hyper-parameters.
 */
export abstract class Parameterized<P extends object> {
  /** The hyper-parameters, defaults filled in. */
  readonly params: Readonly<P>;

  /**
   * @param declaration - every hyper-parameter's declaration (default, range, doc, grid); its
   *   `estimator` is the registered type name, used in errors and in `toJSON().type`.
   * @param params - overrides, checked against the declaration; unknown keys are refused.
   */
  protected constructor(declaration: ParamDeclaration<P>, params: Partial<P>) {
    this.typeName = declaration.estimator;
    this.params = declaration.resolve(params);
  }

  /** The registered type name, used in errors and in `toJSON().type`. */
  readonly typeName: string;

  /** A new, unfitted instance of the same class with `params` overriding the current ones. */
  withParams(params: Partial<P>): this {
    const Ctor = this.constructor as new (p: Partial<P>) => this;
    return new Ctor({ ...this.params, ...params });
  }
}
