import type { Classifier } from '../estimators/classifier.js';
import { RANDOM_FOREST_PARAMS, RandomForestClassifier } from '../estimators/forest.js';
import { KNN_PARAMS, KNeighborsClassifier } from '../estimators/knn.js';
import { LOGISTIC_PARAMS, LogisticRegression } from '../estimators/logistic.js';
import { GAUSSIAN_NB_PARAMS, GaussianNB } from '../estimators/naive-bayes.js';
import type { ParamDeclaration, ParamSpec } from '../estimators/param-spec.js';
import { SVC, SVC_PARAMS } from '../estimators/svm.js';
import { PipelineConfigError, type ItemSpec, type SchemaNode } from './config-schema.js';

/**
 * How the pipeline builds and tunes one model family. The family's searchable parameters, their
 * ranges, docs and default grids come from the estimator's own declaration (`params`).
 *
 * @typeParam P - the estimator's hyper-parameters.
 */
export interface ModelFamilySpec<P extends object = object> {
  /** The key under `models` in the configuration, e.g. `knn`. */
  readonly name: string;
  /** A display name. */
  readonly label: string;
  /** What the family is, for the configuration docs. */
  readonly doc: string;
  /** The estimator's parameter declaration: every parameter with a `grid` is searchable. */
  readonly params: ParamDeclaration<P>;
  /** A fresh estimator with the family's fixed settings. */
  make(seed: number): Classifier;
  /**
   * Settings of the search's candidates when the search scoring reads only predicted labels: what
   * the labels do not depend on and the refitted model still needs (an SVC's Platt
   * probabilities, five extra fits per candidate). The refit of the best candidate keeps `make`'s.
   */
  readonly labelSearchParams?: Partial<P>;
  /**
   * Search and refit on at most this many training rows (`null`: all). The family's cost decides.
   *
   * @default null
   */
  readonly maxSamples?: number | null;
}

/** The schema of the `models` section: one object per registered family. */
export const MODELS_SCHEMA: SchemaNode & { kind: 'object' } = {
  kind: 'object',
  doc: 'The model families and their hyper-parameter grids (each value is a list of candidates).',
  fields: {},
};

const FAMILIES = new Map<string, ModelFamilySpec>();

/**
 * Registers a model family: the pipeline's configuration gains `models.<name>` (the search
 * settings and one list per searchable parameter, checked by the estimator's declaration), and
 * the search stage tunes it. A name already registered throws.
 */
export function registerModelFamily<P extends object>(spec: ModelFamilySpec<P>): void {
  if (FAMILIES.has(spec.name)) {
    throw new PipelineConfigError(
      `models.${spec.name}`,
      'this model family is already registered.',
    );
  }
  FAMILIES.set(spec.name, spec);
  MODELS_SCHEMA.fields[spec.name] = familyNode(spec);
}

/** The registered model families' names, in registration order. */
export function modelFamilies(): string[] {
  return [...FAMILIES.keys()];
}

function familySpec(family: string): ModelFamilySpec {
  const spec = FAMILIES.get(family);
  if (!spec) {
    throw new PipelineConfigError(
      `models.${family}`,
      `unknown model family; the registered ones are ${modelFamilies().join(', ')}.`,
    );
  }
  return spec;
}

/** The display name of a family. */
export function familyLabel(family: string): string {
  return familySpec(family).label;
}

/** A fresh estimator of a family. */
export function makeEstimator(family: string, seed: number): Classifier {
  return familySpec(family).make(seed);
}

/**
 * A fresh estimator of a family for the search's candidates: `make`'s, with the family's
 * `labelSearchParams` when the search scoring reads only labels (see `scorerUsesProbabilities`).
 */
export function makeSearchEstimator(family: string, seed: number, labelsOnly: boolean): Classifier {
  const spec = familySpec(family);
  const estimator = spec.make(seed);
  return labelsOnly && spec.labelSearchParams
    ? estimator.withParams(spec.labelSearchParams)
    : estimator;
}

/** The searchable parameters of a family (those its estimator declares a grid for). */
export function familyParams(family: string): string[] {
  return Object.keys(familySpec(family).params.grid());
}

/** What one candidate value of a declared parameter may be, for the configuration schema. */
function itemOf(spec: ParamSpec): ItemSpec {
  switch (spec.kind) {
    case 'number':
      return spec.named
        ? { kind: 'number-or-enum', ...range(spec), values: spec.named }
        : { kind: 'number', ...range(spec), nullable: spec.nullable };
    case 'choice':
      return { kind: 'enum', values: spec.values };
    case 'boolean':
      return { kind: 'enum', values: [true, false] };
    case 'other':
      throw new PipelineConfigError(
        'models',
        `a parameter that accepts ${spec.accepts} cannot have a search grid.`,
      );
  }
}

function range(spec: {
  min?: number;
  max?: number;
  exclusiveMin?: boolean;
  integer?: boolean;
}): Pick<ItemSpec & { kind: 'number' }, 'min' | 'max' | 'exclusiveMin' | 'integer'> {
  return { min: spec.min, max: spec.max, exclusiveMin: spec.exclusiveMin, integer: spec.integer };
}

/** The configuration node of a family: search settings, then one list per searchable parameter. */
function familyNode(spec: ModelFamilySpec): SchemaNode {
  const specs = spec.params.specs as Record<string, ParamSpec>;
  const grid: Record<string, SchemaNode> = {};
  for (const [name, values] of Object.entries(spec.params.grid())) {
    grid[name] = {
      kind: 'list',
      item: itemOf(specs[name]),
      default: values,
      minLength: 1,
      doc: specs[name].doc,
    };
  }
  return {
    kind: 'object',
    doc: spec.doc,
    fields: {
      enabled: { kind: 'boolean', default: true, doc: 'Search this family.' },
      search: {
        kind: 'enum',
        values: ['grid', 'random'],
        default: 'grid',
        doc: 'Grid search over all combinations, or random search of nIter of them.',
      },
      nIter: {
        kind: 'number',
        default: 10,
        min: 1,
        integer: true,
        doc: 'Candidates drawn by random search.',
      },
      maxSamples: {
        kind: 'number',
        default: spec.maxSamples ?? null,
        min: 50,
        integer: true,
        nullable: true,
        doc: 'Search and refit on a stratified, seeded sample of at most this many training rows (null: every row; the search itself is capped by search.maxSamples).',
      },
      ...grid,
    },
  };
}

// The built-in families. Adding one: declare the estimator's parameters (with default grids) in
// its own file, and register it here.
registerModelFamily({
  name: 'knn',
  label: 'k-nearest neighbours',
  doc: 'k-nearest neighbours.',
  params: KNN_PARAMS,
  make: () => new KNeighborsClassifier(),
});
registerModelFamily({
  name: 'gaussian_nb',
  label: 'Gaussian naive Bayes',
  doc: 'Gaussian naive Bayes.',
  params: GAUSSIAN_NB_PARAMS,
  make: () => new GaussianNB(),
});
registerModelFamily({
  name: 'svc',
  label: 'support vector classifier',
  doc: 'Support vector classifier with Platt probabilities.',
  params: SVC_PARAMS,
  make: (seed) => new SVC({ probability: true, seed }),
  // Predicted labels are the one-vs-one votes, which Platt scaling does not change.
  labelSearchParams: { probability: false },
  // Kernel SVMs scale quadratically with the rows.
  maxSamples: 3_000,
});
registerModelFamily({
  name: 'logistic',
  label: 'logistic regression',
  doc: 'Multinomial logistic regression (L2).',
  params: LOGISTIC_PARAMS,
  make: () => new LogisticRegression({ maxIter: 200 }),
});
registerModelFamily({
  name: 'random_forest',
  label: 'random forest',
  doc: 'Random forest.',
  params: RANDOM_FOREST_PARAMS,
  make: (seed) => new RandomForestClassifier({ seed }),
  // A forest's fit grows as n log n per tree: 100 trees on a million rows take minutes.
  maxSamples: 100_000,
});
