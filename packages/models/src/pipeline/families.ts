import type { Classifier } from '../estimators/classifier.js';
import { RandomForestClassifier } from '../estimators/forest.js';
import { KNeighborsClassifier } from '../estimators/knn.js';
import { LogisticRegression } from '../estimators/logistic.js';
import { GaussianNB } from '../estimators/naive-bayes.js';
import { SVC } from '../estimators/svm.js';
import type { ParamGrid } from '../selection/param-grid.js';
import type { FamilyConfig, ModelFamily } from './config.js';

/** How the pipeline builds and tunes one model family. */
interface FamilySpec {
  /** A display name. */
  readonly label: string;
  /** A fresh estimator with the family's fixed settings. */
  make(seed: number): Classifier;
}

const FAMILIES: Record<ModelFamily, FamilySpec> = {
  knn: { label: 'k-nearest neighbours', make: () => new KNeighborsClassifier() },
  gaussian_nb: { label: 'Gaussian naive Bayes', make: () => new GaussianNB() },
  svc: {
    label: 'support vector classifier',
    make: (seed) => new SVC({ probability: true, seed }),
  },
  logistic: { label: 'logistic regression', make: () => new LogisticRegression({ maxIter: 200 }) },
  random_forest: { label: 'random forest', make: (seed) => new RandomForestClassifier({ seed }) },
};

/** The display name of a family. */
export function familyLabel(family: ModelFamily): string {
  return FAMILIES[family].label;
}

/** A fresh estimator of a family. */
export function makeEstimator(family: ModelFamily, seed: number): Classifier {
  return FAMILIES[family].make(seed);
}

/**
 * The parameter grid of a family's configuration, for the `model` step of a `Pipeline`
 * (`model__<param>`): every configured list except the search settings (`enabled`, `search`,
 * `nIter`, `maxSamples`).
 */
export function familyGrid(family: ModelFamily, config: FamilyConfig): ParamGrid {
  const skip = new Set(['enabled', 'search', 'nIter', 'maxSamples']);
  const grid: Record<string, readonly unknown[]> = {};
  for (const [key, values] of Object.entries(config)) {
    if (!skip.has(key)) grid[`model__${key}`] = values as unknown[];
  }
  return grid;
}
