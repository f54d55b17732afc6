// Runs a small flow against the tracking URI given as argument: two tasks that log a line and a
// metric each, with pauses, so a test can watch it live from another process. Prints
// `run <flowRunId>` when the flow starts.
import {
  configure,
  flow,
  getRunContext,
  getRunLogger,
  silentLogger,
  task,
  track,
} from '@tideflow/core';
import '@tideflow/tracker-sqlite';

const [trackingUri] = process.argv.slice(2);
configure({ trackingUri, logger: silentLogger });
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));
const step = task(async function step(i: number) {
  getRunLogger()?.info({ i }, `step ${i}`);
  track.metric('loss', 1 / (i + 1), { step: i });
  await pause(150);
  return i;
});
const live = flow(async function live(n: number) {
  process.stdout.write(`run ${getRunContext()!.flowRunId}\n`);
  await pause(200);
  let total = 0;
  for (let i = 0; i < n; i++) total += await step(i);
  return total;
});
await live(2);
