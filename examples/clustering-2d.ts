// The clustering pipeline on generated 2D clusters, as a library call: the run is tracked in
// memory and the report (with the model's decision regions) is written to .tideflow/.
import { mkdirSync, writeFileSync } from 'node:fs';
import { ClusteringPipeline, resolvePipelineConfig } from '@tideflow/models';

const config = await resolvePipelineConfig({
  set: ['data.dim=2', 'data.n=4000', 'data.k=5', 'data.std=2.5', 'models.svc.maxSamples=1500'],
});
const result = await new ClusteringPipeline().run(config);
mkdirSync('.tideflow', { recursive: true });
writeFileSync('.tideflow/clustering-2d-report.html', result.html);
console.log(`features: ${result.features.coordinates}`);
for (const f of result.families)
  console.log(
    `${f.family.padEnd(14)} cv ${f.cvScore.toFixed(4)}  test ${f.testAccuracy.toFixed(4)}`,
  );
console.log(
  `selected ${result.model}: test accuracy ${result.testAccuracy.toFixed(4)}, coverage ${result.conformalCoverage.toFixed(3)}`,
);
console.log('report: .tideflow/clustering-2d-report.html');
