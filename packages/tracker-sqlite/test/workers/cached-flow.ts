// Runs a flow of 20 cached tasks of ~200 ms each with the SQLite tracker and cache store, printing
// `run <id>` when the flow starts and `done <i>` after each task, so a test can kill it mid-way.
import { configure, flow, getRunContext, silentLogger, task } from '@tideflow/core';
import { createSqliteCacheStore, SqliteTracker } from '@tideflow/tracker-sqlite';
import { join } from 'node:path';

const [dir] = process.argv.slice(2);
configure({
  tracker: new SqliteTracker({ path: join(dir, 'tideflow.db') }),
  cacheStore: createSqliteCacheStore({ path: join(dir, 'cache.sqlite') }),
  logger: silentLogger,
});
const step = task(
  async function step(i: number) {
    await new Promise((r) => setTimeout(r, 200));
    return i * i;
  },
  { cache: true },
);
const twenty = flow(async function twenty() {
  process.stdout.write(`run ${getRunContext()!.flowRunId}\n`);
  for (let i = 0; i < 20; i++) {
    await step(i);
    process.stdout.write(`done ${i}\n`);
  }
});
await twenty();
