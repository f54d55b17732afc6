import type { Dataset } from '../data/dataset.js';
import { takeRows } from '../data/matrix.js';
import type { Transformer } from '../estimators/classifier.js';
import { CoordinateTransformer } from '../features/coordinates.js';
import { DerivedFeatures } from '../features/derived.js';
import { FreshSelector } from '../features/fresh.js';
import type { PipelineStep } from '../features/estimator-pipeline.js';
import { StandardScaler } from '../features/scaler.js';
import { SelectKBest } from '../features/select-k-best.js';
import type { PipelineConfig } from './config.js';
import { PipelineConfigError } from './config-schema.js';

/** The feature engineering chosen for a run: what each model pipeline starts with. */
export interface FeaturePlan {
  /** `polar` means polar (2 features) or spherical (3 features) coordinates. */
  readonly coordinates: 'cartesian' | 'polar';
  /** Add derived features. */
  readonly derived: boolean;
  /** Automatic selection. */
  readonly selection: PipelineConfig['features']['selection'];
  /** Features kept by top-k selection. */
  readonly k: number;
  /** FRESH false discovery rate. */
  readonly fdrLevel: number;
  /** Standardise before the model. */
  readonly scale: boolean;
  /** Seed of the mutual-information estimator. */
  readonly seed: number;
  /** CV scores that decided `coordinates` when it was `auto`. */
  readonly coordinateScores?: { readonly cartesian: number; readonly polar: number };
}

/** Whether polar/spherical coordinates apply: 2 or 3 features. */
export function supportsPolar(nFeatures: number): boolean {
  return nFeatures === 2 || nFeatures === 3;
}

/** Checks a requested plan against the data (polar needs 2 or 3 features). */
export function checkPlan(config: PipelineConfig['features'], nFeatures: number): void {
  if (config.coordinates === 'polar' && !supportsPolar(nFeatures)) {
    throw new PipelineConfigError(
      'features.coordinates',
      `polar/spherical coordinates need 2 or 3 features, the data has ${nFeatures}; use auto or cartesian.`,
    );
  }
}

/** The transformers before the selector: coordinates, then derived features. */
function shapeSteps(plan: FeaturePlan, nFeatures: number): PipelineStep[] {
  const steps: PipelineStep[] = [];
  if (plan.coordinates === 'polar')
    steps.push(['coordinates', new CoordinateTransformer({ system: 'auto' })]);
  if (plan.derived) {
    // Angles wrap around: they enter as sin and cos. Polar: φ is column 1; spherical: θ, φ are 1 and 2.
    const angles = plan.coordinates === 'polar' ? (nFeatures === 2 ? [1] : [1, 2]) : [];
    steps.push(['derived', new DerivedFeatures({ angles })]);
  }
  return steps;
}

/**
 * The unfitted transformer steps of a plan, ending before the estimator: coordinates, derived
 * features, selection (with k clamped to the number of available features), scaling. `sample`
 * (a few training rows) sizes the selector.
 */
export function featureSteps(plan: FeaturePlan, sample: Dataset): PipelineStep[] {
  const nFeatures = sample.X.cols;
  const steps = shapeSteps(plan, nFeatures);
  if (plan.selection !== 'none') {
    let X = takeRows(
      sample.X,
      Array.from({ length: Math.min(sample.X.rows, 64) }, (_, i) => i),
    );
    for (const [, step] of steps) X = (step as Transformer).fit(X).transform(X);
    const available = X.cols;
    if (plan.selection === 'fresh') {
      steps.push(['select', new FreshSelector({ fdrLevel: plan.fdrLevel })]);
    } else {
      steps.push([
        'select',
        new SelectKBest({
          k: Math.min(plan.k, available),
          score: plan.selection === 'mutual_info' ? 'mutual_info' : 'f_classif',
          seed: plan.seed,
        }),
      ]);
    }
  }
  if (plan.scale) steps.push(['scale', new StandardScaler()]);
  // Fresh copies: the sizing above fitted the shape steps.
  return steps.map(([name, step]) => [name, step.withParams({})] as const);
}
