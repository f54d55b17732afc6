import type { DenseMatrix } from '../data/matrix.js';
import { DataFormatError, InvalidParameterError, NotFittedError } from '../errors.js';
import { checkJSONType } from '../estimators/base.js';
import type { Classifier, EstimatorJSON, Transformer } from '../estimators/classifier.js';
import {
  estimatorFromJSON,
  isClassifier,
  registerEstimator,
} from '../estimators/estimator-registry.js';
import { checkFitInput } from '../estimators/input-checks.js';

/** A named pipeline step: a transformer, or (last) the classifier. */
export type PipelineStep = readonly [name: string, step: Transformer | Classifier];

/**
 * Hyper-parameters of a {@link Pipeline}: its `steps`, plus every step's own parameters under
 * `<step>__<param>` (as scikit-learn's `get_params(deep=True)`), which `withParams` also accepts.
 */
export interface PipelineParams {
  /** The steps: transformers, then one classifier. */
  steps: readonly PipelineStep[];
  /** A nested step parameter, e.g. `knn__nNeighbors`. */
  [nested: `${string}__${string}`]: unknown;
}

/**
 * A chain of transformers ending in a classifier, itself a `Classifier`: `fit` fits each
 * transformer on the output of the previous one and then the classifier; `predict` and
 * `predictProba` transform and then ask the classifier. Parameters of a step are addressed as
 * `<step>__<param>`, so searches can tune them.
 *
 * @example
 * ```ts
 * const model = new Pipeline({ steps: [
 *   ['scale', new StandardScaler()],
 *   ['knn', new KNeighborsClassifier({ nNeighbors: 15 })],
 * ] }).fit(train.X, train.y);
 * const tuned = model.withParams({ knn__nNeighbors: 25 });
 * ```
 */
export class Pipeline implements Classifier<PipelineParams> {
  /** The registered type name. */
  readonly typeName = 'Pipeline';
  /** The steps in order. */
  readonly steps: readonly PipelineStep[];
  #fitted = false;

  constructor(params: Partial<PipelineParams> & { steps: readonly PipelineStep[] }) {
    const steps = params?.steps;
    if (!isList(steps) || steps.length === 0) {
      throw new InvalidParameterError(
        'Pipeline',
        'steps',
        'must be a non-empty array of [name, step] pairs.',
      );
    }
    const names = new Set<string>();
    steps.forEach((entry, i) => {
      if (!isList(entry) || entry.length !== 2 || typeof entry[0] !== 'string') {
        throw new InvalidParameterError(
          'Pipeline',
          'steps',
          `entry ${i} must be a [name, step] pair.`,
        );
      }
      const [name, step] = entry;
      if (name === '' || name.includes('__') || names.has(name)) {
        throw new InvalidParameterError(
          'Pipeline',
          'steps',
          `step name ${JSON.stringify(name)} must be non-empty, unique and free of "__".`,
        );
      }
      names.add(name);
      const last = i === steps.length - 1;
      const ok = last
        ? step !== null && typeof step === 'object' && isClassifier(step)
        : step !== null && typeof (step as Transformer).transform === 'function';
      if (!ok) {
        throw new InvalidParameterError(
          'Pipeline',
          'steps',
          last
            ? `the last step "${name}" must be a classifier (fit/predict/predictProba).`
            : `step "${name}" must be a transformer (fit/transform); only the last step is a classifier.`,
        );
      }
    });
    const rest = Object.keys(params).filter((k) => k !== 'steps');
    this.steps = Object.freeze(
      rest.length === 0 ? [...steps] : applyNested(steps, params as Record<string, unknown>),
    );
  }

  /** Rebuilds a `Pipeline` (fitted or not) from `toJSON()` output. */
  static fromJSON(json: EstimatorJSON): Pipeline {
    checkJSONType(json, 'Pipeline');
    const raw = (json.params as { steps?: unknown }).steps;
    if (!Array.isArray(raw)) throw new DataFormatError('Pipeline JSON has no steps array.');
    const steps = raw.map((entry) => {
      const [name, stepJson] = entry as [string, EstimatorJSON];
      return [name, estimatorFromJSON(stepJson)] as const;
    });
    const p = new Pipeline({ steps });
    p.#fitted = Boolean((json.state as { fitted?: boolean } | null)?.fitted);
    return p;
  }

  /** `steps` and every step's parameters as `<step>__<param>`. */
  get params(): Readonly<PipelineParams> {
    const out: PipelineParams = { steps: this.steps };
    for (const [name, step] of this.steps) {
      for (const [k, v] of Object.entries(step.params)) out[`${name}__${k}`] = v;
    }
    return out;
  }

  /** The steps by name. */
  get namedSteps(): Readonly<Record<string, Transformer | Classifier>> {
    return Object.fromEntries(this.steps);
  }

  /** The final classifier. */
  get classifier(): Classifier {
    return this.steps[this.steps.length - 1][1] as Classifier;
  }

  /** Whether the final classifier's `predict` is the arg-max of its `predictProba`. */
  get predictsArgmax(): boolean {
    return this.classifier.predictsArgmax === true;
  }

  /** The class labels of the final classifier (empty before `fit`). */
  get classes(): Int32Array {
    return this.classifier.classes;
  }

  /** Whether `fit` has run. */
  get isFitted(): boolean {
    return this.#fitted;
  }

  /** Fits every transformer in turn on the previous one's output, then the classifier. */
  fit(X: DenseMatrix, y: Int32Array): this {
    checkFitInput('Pipeline', X, y);
    let Xt = X;
    for (let i = 0; i < this.steps.length - 1; i++) {
      const t = this.steps[i][1] as Transformer;
      Xt = t.fit(Xt, y).transform(Xt);
    }
    this.classifier.fit(Xt, y);
    this.#fitted = true;
    return this;
  }

  /** Applies the fitted transformers (every step but the classifier) to `X`. */
  transform(X: DenseMatrix): DenseMatrix {
    if (!this.#fitted) throw new NotFittedError('Pipeline');
    let Xt = X;
    for (let i = 0; i < this.steps.length - 1; i++) {
      Xt = (this.steps[i][1] as Transformer).transform(Xt);
    }
    return Xt;
  }

  /** The classifier's predictions on the transformed `X`. */
  predict(X: DenseMatrix): Int32Array {
    return this.classifier.predict(this.transform(X));
  }

  /** The classifier's probabilities on the transformed `X`. */
  predictProba(X: DenseMatrix): DenseMatrix {
    return this.classifier.predictProba(this.transform(X));
  }

  /** Names of the features the classifier sees, given the input feature names. */
  featureNamesOut(input: readonly string[]): string[] {
    let names = [...input];
    for (let i = 0; i < this.steps.length - 1; i++) {
      names = (this.steps[i][1] as Transformer).featureNamesOut(names);
    }
    return names;
  }

  /**
   * A new, unfitted pipeline: every step is copied unfitted with `withParams`, with
   * `<step>__<param>` entries applied to their step and `steps` replacing the steps if given.
   */
  withParams(params: Partial<PipelineParams>): Pipeline {
    const steps = params.steps ?? this.steps;
    const fresh = applyNested(steps, params);
    return new Pipeline({ steps: fresh });
  }

  /** The JSON form: each step's own JSON form (with its fitted state) under `params.steps`. */
  toJSON(): EstimatorJSON {
    return {
      type: this.typeName,
      params: { steps: this.steps.map(([name, step]) => [name, step.toJSON()]) },
      state: this.#fitted ? { fitted: true } : null,
    };
  }
}

/** `Array.isArray` without widening the element type to `any`. */
function isList<T>(v: readonly T[] | undefined): v is readonly T[] {
  return Array.isArray(v);
}

/** Unfitted copies of `steps` with `<step>__<param>` overrides from `params` applied. */
function applyNested(
  steps: readonly PipelineStep[],
  params: Record<string, unknown>,
): PipelineStep[] {
  const perStep = new Map<string, Record<string, unknown>>();
  for (const [key, value] of Object.entries(params)) {
    if (key === 'steps') continue;
    const cut = key.indexOf('__');
    const name = cut > 0 ? key.slice(0, cut) : '';
    if (!steps.some(([n]) => n === name)) {
      throw new InvalidParameterError(
        'Pipeline',
        key,
        `no step named ${JSON.stringify(name)}; nested parameters are <step>__<param> with steps ${steps.map(([n]) => n).join(', ')}.`,
      );
    }
    const own = perStep.get(name) ?? {};
    own[key.slice(cut + 2)] = value;
    perStep.set(name, own);
  }
  return steps.map(([name, step]) => [name, step.withParams(perStep.get(name) ?? {})] as const);
}

registerEstimator('Pipeline', Pipeline, (json) => Pipeline.fromJSON(json));
