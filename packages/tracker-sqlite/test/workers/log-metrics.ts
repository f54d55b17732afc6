// Worker of the 4-process test: opens the store (maybe creating it at the same moment as the
// others), creates its own run and logs `count` points: half one call each, half in batches.
import { SqliteTracker } from '@tideflow/tracker-sqlite';

const [path, worker, countText] = process.argv.slice(2);
const count = Number(countText);
const tracker = new SqliteTracker({ path });
const experimentId = await tracker.getOrCreateExperiment('concurrency');
const { info } = await tracker.createRun({ experimentId, name: `worker-${worker}` });
const half = Math.floor(count / 2);
for (let i = 0; i < half; i++) await tracker.logMetric(info.runId, 'x', i, { step: i });
for (let i = half; i < count; i += 100) {
  const metrics = [];
  for (let j = i; j < Math.min(i + 100, count); j++) metrics.push({ key: 'x', value: j, step: j });
  await tracker.logBatch(info.runId, { metrics });
}
await tracker.updateRun(info.runId, { status: 'FINISHED', endTime: Date.now() });
await tracker.close();
process.stdout.write(info.runId);
