/**
 * The pipeline's family search as a top-level task, in a module of its own: a worker of the pool
 * finds it by this module and its registered name, and importing the module loads what the search
 * needs (the estimators, whose serializers carry the fitted model back), nothing of the flow.
 */
import { task } from '@tideflow/core';
import type { Dataset } from '../data/dataset.js';
import type { FamilyConfig, ModelFamily, PipelineConfig } from './config.js';
import type { FeaturePlan } from './features-plan.js';
import { searchFamily } from './family-search.js';
import { cached } from './pipeline-cache.js';
import type { FamilyResult } from './results.js';

/**
 * Searches one family's grid by stratified CV on a sample of the training split, then refits the
 * best (`searchFamily`). Registered as `ClusteringPipeline.searchFamily`, the name the
 * configuration's `tasks` overrides use.
 */
export const searchFamilyTask = task(
  async function searchFamilyBody(
    family: ModelFamily,
    familyConfig: FamilyConfig,
    train: Dataset,
    plan: FeaturePlan,
    search: PipelineConfig['search'],
  ): Promise<FamilyResult> {
    return searchFamily(family, familyConfig, train, plan, search);
  },
  { name: 'ClusteringPipeline.searchFamily', cache: cached, taskRunName: 'searchFamily[{family}]' },
);
