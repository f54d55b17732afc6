// The clustering pipeline on generated 3D clusters with a persisted store, as the CLI runs it:
// SQLite tracking and cache under .tideflow/, so `tideflow runs ls` shows the run afterwards and a
// second run of this script is served from the cache.
import { ConsoleLogger, configure } from '@tideflow/core';
import { ClusteringPipeline, resolvePipelineConfig } from '@tideflow/models';
import { SqliteTracker, createSqliteCacheStore } from '@tideflow/tracker-sqlite';

const tracker = new SqliteTracker({ path: '.tideflow/tideflow.db' });
const cacheStore = createSqliteCacheStore({ path: '.tideflow/cache.sqlite' });
configure({ tracker, cacheStore, logger: new ConsoleLogger({ level: 'warn' }) });

const config = await resolvePipelineConfig({ set: ['data.n=6000', 'tsne.sample=1000'] });
const started = Date.now();
const result = await new ClusteringPipeline().run(config);
console.log(`run ${result.runId} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
console.log(
  `selected ${result.model}: cv ${result.cvScore.toFixed(4)}, test accuracy ${result.testAccuracy.toFixed(4)}, log loss ${result.testLogLoss.toFixed(4)}`,
);
console.log(`report: ${tracker.artifactRoot}/${result.runId}/${result.report}`);
await tracker.close();
await cacheStore.disconnect();
