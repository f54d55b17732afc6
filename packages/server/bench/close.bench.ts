// How long `server.close()` takes with live-update clients open: two SSE streams, one of them
// aborted by its client beforehand (after which fetch keeps a spare connection, the one that
// used to hold the close for undici's 4 s keep-alive), and an idle connection that never sent a
// request. Median of 10 servers.
import { connect } from 'node:net';
import { once } from 'node:events';
import { MemoryTracker } from '@tideflow/core';
import { createServer } from '@tideflow/server';
import { median, report } from '../../../scripts/bench-stats.js';
import { openSse } from '../test/support/sse.js';

const REPS = 10;
const times: number[] = [];
for (let r = 0; r < REPS; r++) {
  const server = await createServer({ tracker: new MemoryTracker(), port: 0, livePollMs: 20 });
  const url = await server.listen();
  const { hostname, port } = new URL(url);
  const spare = connect(Number(port), hostname);
  await once(spare, 'connect');
  const gone = await openSse(`${url}/api/events`);
  await gone.waitForComment((c) => c === 'connected');
  gone.close();
  const live = await openSse(`${url}/api/events`);
  await live.waitForComment((c) => c === 'connected');
  const t0 = performance.now();
  await server.close();
  times.push(performance.now() - t0);
  await live.ended;
  spare.destroy();
}
report('server.close.with-live-streams', median(times), 'ms', {
  reps: REPS,
  min: Number(Math.min(...times).toPrecision(3)),
  max: Number(Math.max(...times).toPrecision(3)),
});
