// The same pipeline with its task cache in Redis (any keyv store works): run it twice and the
// second run is served from Redis. It needs a Redis server: REDIS_URL, by default
// redis://127.0.0.1:6379.
import { createKeyv } from '@keyv/redis';
import type KeyvRedis from '@keyv/redis';
import { configure, engineEvents } from '@tideflow/core';
import { ClusteringPipeline, resolvePipelineConfig } from '@tideflow/models';

// A Keyv instance over Redis; tideflow hands it entries it serialized itself (typed arrays and
// fitted models survive), which keyv stores as base64 text. The client gives up after 3 s instead
// of reconnecting forever, and the example connects before any work so that a missing server is
// named at once.
const url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const cacheStore = createKeyv(
  { url, socket: { connectTimeout: 3_000, reconnectStrategy: false } },
  { namespace: 'tideflow-example', connectionTimeout: 3_000, throwOnConnectError: true },
);
try {
  await (cacheStore.store as KeyvRedis<unknown>).getClient();
} catch {
  console.error(
    `No Redis server answered at ${url} within 3 s. This example needs one: start redis-server, or set REDIS_URL.`,
  );
  process.exit(1);
}
configure({ cacheStore });

const config = await resolvePipelineConfig({
  set: ['data.n=3000', 'models.svc.maxSamples=800', 'tsne.sample=300'],
});
for (const label of ['first run', 'second run']) {
  let cached = 0;
  let total = 0;
  const stop = engineEvents.subscribe((e) => {
    if (e.type === 'run.state' && e.run.kind === 'task' && e.state.isFinal()) {
      total++;
      if (e.state.type === 'CACHED') cached++;
    }
  });
  const result = await new ClusteringPipeline().run(config);
  stop();
  console.log(
    `${label}: ${cached}/${total} tasks from Redis, test accuracy ${result.testAccuracy.toFixed(4)}`,
  );
}
await cacheStore.disconnect();
