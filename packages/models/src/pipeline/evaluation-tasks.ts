/**
 * The evaluation stage's parallel tasks (test metrics, explanations, conformal sets, t-SNE) at the
 * top level of a module of their own: a worker of the pool finds them by this module and their
 * registered names. The imports below also register the serializers of every estimator a final
 * model can hold (the families, their feature steps, calibration and the soft vote), so that the
 * model decodes in the worker.
 */
import { task } from '@tideflow/core';
import '../calibration/calibrated-classifier.js';
import type { Dataset } from '../data/dataset.js';
import { tsne } from '../embed/tsne.js';
import '../ensemble/voting.js';
import '../features/estimator-pipeline.js';
import { StandardScaler } from '../features/scaler.js';
import type { PipelineConfig } from './config.js';
import {
  conformalSets,
  evaluateModel,
  explainModel,
  familyTestSample,
  type ConformalReport,
  type Explanations,
} from './evaluation.js';
import './families.js';
import './features-plan.js';
import { cached } from './pipeline-cache.js';
import type { EvaluationStage, FamilyResult, FinalModel } from './results.js';
import { stratifiedSample } from './splits.js';

/**
 * Test metrics of the final model (every test row) and of each family's (uncalibrated) best
 * model (at most `FAMILY_TEST_ROWS` of them, stratified).
 */
export const evaluateTask = task(
  async function evaluate(
    final: FinalModel,
    results: FamilyResult[],
    test: Dataset,
  ): Promise<Pick<EvaluationStage, 'evaluation' | 'familyMetrics'>> {
    const familyTest = familyTestSample(test);
    const familyMetrics = results.map((r) => {
      const e = evaluateModel(r.model, familyTest);
      return {
        family: r.family,
        accuracy: e.metrics.accuracy,
        logLoss: e.metrics.logLoss,
        reliability: e.reliability,
      };
    });
    return { evaluation: evaluateModel(final.model, test), familyMetrics };
  },
  { name: 'ClusteringPipeline.evaluate', cache: cached },
);

/** Permutation importance and Shapley values of the final model on the test split. */
export const explainTask = task(
  async function explain(
    final: FinalModel,
    test: Dataset,
    background: Dataset,
    config: PipelineConfig['explain'],
  ): Promise<Explanations> {
    return explainModel(final.model, test, background, config);
  },
  { name: 'ClusteringPipeline.explain', cache: cached },
);

/** Conformal prediction sets of the final model. */
export const conformalTask = task(
  async function conformal(
    final: FinalModel,
    calibration: Dataset,
    test: Dataset,
    config: PipelineConfig['conformal'],
  ): Promise<ConformalReport> {
    return conformalSets(final.model, calibration, test, config);
  },
  { name: 'ClusteringPipeline.conformal', cache: cached },
);

/** A t-SNE embedding of a stratified sample of the test split (3-feature data). */
export const embedTask = task(
  async function embed(test: Dataset, config: PipelineConfig['tsne']): Promise<Dataset> {
    const sample = stratifiedSample(test, config.sample, config.seed);
    const perplexity = Math.min(config.perplexity, Math.floor((sample.X.rows - 1) / 3));
    // Standardised first, as the models see the data: raw units (1e306, or one wide feature) would
    // swamp the distances.
    const scaled = new StandardScaler().fit(sample.X).transform(sample.X);
    const { embedding } = tsne(scaled, { perplexity, nIter: config.nIter, seed: config.seed });
    return {
      X: embedding,
      y: sample.y,
      featureNames: ['t-SNE 1', 't-SNE 2'],
      classNames: sample.classNames,
    };
  },
  { name: 'ClusteringPipeline.embed', cache: cached },
);
