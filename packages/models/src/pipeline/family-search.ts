import type { Dataset } from '../data/dataset.js';
import { KNeighborsClassifier } from '../estimators/knn.js';
import { Pipeline } from '../features/estimator-pipeline.js';
import { scorerUsesProbabilities } from '../metrics/scorer.js';
import { crossValidate } from '../selection/cross-validate.js';
import { GridSearchCV, RandomizedSearchCV, cvResultsRows } from '../selection/search-cv.js';
import { StratifiedKFold } from '../selection/stratified-kfold.js';
import type { FamilyConfig, ModelFamily, PipelineConfig } from './config.js';
import { familyLabel, familyParams, makeEstimator, makeSearchEstimator } from './families.js';
import { featureSteps, type FeaturePlan } from './features-plan.js';
import type { FamilyResult } from './results.js';
import { stratifiedSample } from './splits.js';

/** The name of the model step in each family's estimator pipeline. */
const MODEL_STEP = 'model';

function mean(xs: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += xs[i];
  return s / xs.length;
}

/** A table cell: JSON cannot hold NaN or ±Infinity, so those become their names. */
export function cell(v: unknown): string | number | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'number') return Number.isFinite(v) ? v : String(v);
  if (typeof v === 'string') return v;
  return JSON.stringify(v);
}

/**
 * Compares cartesian and polar/spherical features by CV of a reference model (kNN, k = 15, on
 * standardised features) on a sample of at most 5,000 training rows.
 */
export function compareCoordinates(
  train: Dataset,
  search: PipelineConfig['search'],
): { cartesian: number; polar: number } {
  const sample = stratifiedSample(train, 5_000, search.seed, search.folds);
  const score = (coordinates: 'cartesian' | 'polar'): number => {
    const plan: FeaturePlan = {
      coordinates,
      derived: false,
      selection: 'none',
      k: 1,
      fdrLevel: 0.05,
      scale: true,
      seed: 0,
    };
    const model = new Pipeline({
      steps: [
        ...featureSteps(plan, sample),
        ['model', new KNeighborsClassifier({ nNeighbors: 15 })],
      ],
    });
    const cv = new StratifiedKFold({ nSplits: search.folds, shuffle: true, seed: search.seed });
    const result = crossValidate(model, sample.X, sample.y, { cv, scoring: search.scoring });
    return mean(result.testScore);
  };
  return { cartesian: score('cartesian'), polar: score('polar') };
}

/**
 * Searches one family's grid by stratified CV on a sample of at most `search.maxSamples` training
 * rows (and at most the family's own `maxSamples`; every class keeps at least `search.folds`
 * rows), then refits the best candidate on the training
 * split, or on a stratified sample of the family's `maxSamples` rows when it has fewer.
 */
export function searchFamily(
  family: ModelFamily,
  familyConfig: FamilyConfig,
  train: Dataset,
  plan: FeaturePlan,
  search: PipelineConfig['search'],
): FamilyResult {
  const started = performance.now();
  const fitRows = familyConfig.maxSamples ?? train.X.rows;
  const sample = stratifiedSample(
    train,
    Math.min(search.maxSamples, fitRows),
    search.seed,
    search.folds,
  );
  const estimator = new Pipeline({
    steps: [...featureSteps(plan, sample), [MODEL_STEP, makeEstimator(family, search.seed)]],
  });
  // The candidates skip what a label-only scoring cannot see (an SVC's probabilities); the refit
  // of the best one below is the full estimator.
  const labelsOnly = !scorerUsesProbabilities(search.scoring);
  const candidate = new Pipeline({
    steps: [
      ...featureSteps(plan, sample),
      [MODEL_STEP, makeSearchEstimator(family, search.seed, labelsOnly)],
    ],
  });
  const cv = new StratifiedKFold({ nSplits: search.folds, shuffle: true, seed: search.seed });
  // The family's searchable parameters, tuned on the pipeline's `model` step as `model__<param>`.
  const params = familyParams(family);
  const stepKey = (param: string): string => `${MODEL_STEP}__${param}`;
  const grid = Object.fromEntries(
    params.map((param) => [stepKey(param), familyConfig[param] as readonly unknown[]]),
  );
  const searcher =
    familyConfig.search === 'random'
      ? new RandomizedSearchCV({
          estimator: candidate,
          paramDistributions: grid,
          nIter: familyConfig.nIter,
          seed: search.seed,
          cv,
          scoring: search.scoring,
          refit: false,
        })
      : new GridSearchCV({
          estimator: candidate,
          paramGrid: grid,
          cv,
          scoring: search.scoring,
          refit: false,
        });
  searcher.fit(sample.X, sample.y);
  const best = searcher.bestParams;
  // The family's own cap (a kernel SVM's quadratic cost, a forest's n log n) bounds the refit too.
  const fitData = stratifiedSample(train, fitRows, search.seed, search.folds);
  const model = estimator.withParams(best).fit(fitData.X, fitData.y);
  const rows = cvResultsRows(searcher.cvResults);
  const columns = [
    ...params,
    'mean_test_score',
    'std_test_score',
    'rank_test_score',
    'mean_fit_time',
  ];
  const table = rows.map((r) => [
    ...params.map((p) => cell(r[`param_${stepKey(p)}`])),
    cell(r.mean_test_score),
    cell(r.std_test_score),
    cell(r.rank_test_score),
    cell(r.mean_fit_time),
  ]);
  const bi = searcher.bestIndex;
  return {
    family,
    label: familyLabel(family),
    bestParams: Object.fromEntries(params.map((p) => [p, best[stepKey(p)]])),
    cvScore: searcher.bestScore,
    cvStd: searcher.cvResults.stdTestScore[bi],
    cvTable: { columns, rows: table },
    model,
    foldScores: searcher.cvResults.splitTestScores.map((fold) => fold[bi]),
    seconds: (performance.now() - started) / 1000,
  };
}
