// Starts a flow run with a running task, prints the run id, then either dies without ending it
// (`die`) or stays alive until its stdin closes (`wait`).
import { SqliteTracker } from '@tideflow/tracker-sqlite';

const [path, mode] = process.argv.slice(2);
const tracker = new SqliteTracker({ path });
const { info } = await tracker.createRun({ name: `crash-${mode}` });
const now = Date.now();
await tracker.setFlowRun(info.runId, {
  flowName: 'doomed',
  state: 'RUNNING',
  stateHistory: [{ type: 'RUNNING', timestamp: now }],
  parameters: {},
});
const running = { type: 'RUNNING' as const, timestamp: now };
const base = {
  stateHistory: [running],
  startTime: now,
  endTime: null,
  durationMs: null,
  attempts: 1,
  cacheKey: null,
  cacheHit: false,
  error: null,
};
await tracker.upsertTaskRun(info.runId, {
  ...base,
  taskRunId: 'busy',
  taskName: 'work',
  taskRunName: 'work',
  state: 'RUNNING',
});
await tracker.upsertTaskRun(info.runId, {
  ...base,
  taskRunId: 'done',
  taskName: 'prep',
  taskRunName: 'prep',
  state: 'COMPLETED',
  endTime: now,
  durationMs: 0,
});
process.stdout.write(info.runId + '\n');
if (mode === 'die') process.kill(process.pid, 'SIGKILL');
process.stdin.resume();
process.stdin.on('end', () => process.exit(0));
