// Choosing the model families and their grids: only kNN and logistic regression, a random search
// for kNN, and a soft-voting ensemble of both instead of the single best model.
import { ClusteringPipeline, modelFamilies, resolvePipelineConfig } from '@tideflow/models';

const only = ['knn', 'logistic'];
const config = await resolvePipelineConfig({
  overrides: {
    data: { n: 4000 },
    strategy: 'voting',
    voting: { top: 2 },
    models: {
      ...Object.fromEntries(
        modelFamilies()
          .filter((f) => !only.includes(f))
          .map((f) => [f, { enabled: false }]),
      ),
      knn: {
        search: 'random',
        nIter: 4,
        nNeighbors: [5, 11, 21, 31, 51],
        weights: ['uniform', 'distance'],
      },
      logistic: { C: [0.01, 0.1, 1, 10] },
    },
    tsne: { enabled: false },
  },
});
const result = await new ClusteringPipeline().run(config);
for (const f of result.families) console.log(`${f.family}: cv ${f.cvScore.toFixed(4)}`);
console.log(`selected ${result.model}: test accuracy ${result.testAccuracy.toFixed(4)}`);
