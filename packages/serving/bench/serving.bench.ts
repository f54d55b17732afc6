// The scoring server's figures, over loopback against `tideflow models serve` in its own process
// (so the load generator does not share its event loop):
//  - one row per request at 500 requests/s from 50 connections for 30 s (autocannon): latency
//    p50 / p99 and errors, with the arrivals spread over each second (`latency`) and in
//    autocannon's per-second bursts (`latency_burst`);
//  - 10,000 rows per request in dataframe_split, one request at a time: rows per second.
// Each prints one JSON line. The server follows models:/blobs@champion, so every request also
// looks the alias up in SQLite, as in production.
import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { median, quantile } from '../../../scripts/bench-stats.js';
import { BENCH_COLUMNS, benchStore } from './bench-store.js';

const BIN = fileURLToPath(new URL('../../cli/bin/tideflow.js', import.meta.url));
const DURATION_S = Number(process.env.SERVING_BENCH_DURATION ?? 30);
const BATCH_ROWS = 10_000;
const BATCH_RUNS = 15;

const { dir, dbPath, rows } = await benchStore();
const server = spawn(
  process.execPath,
  [
    BIN,
    'models',
    'serve',
    'models:/blobs@champion',
    '--port',
    '0',
    '--tracking-uri',
    `sqlite:///${dbPath}`,
  ],
  { stdio: ['ignore', 'pipe', 'inherit'] },
);
const url = await new Promise<string>((resolve, reject) => {
  let out = '';
  server.stdout.on('data', (d: Buffer) => {
    out += d.toString();
    const m = /at (http:\/\/\S+) with/.exec(out);
    if (m) resolve(m[1]);
  });
  server.once('exit', (code) => reject(new Error(`the server exited (${code}): ${out}`)));
});

const headers = { 'content-type': 'application/json' };

try {
  const oneRow = JSON.stringify({
    dataframe_split: { columns: BENCH_COLUMNS, data: [Array.from(rows.data.subarray(0, 3))] },
  });
  /**
   * 50 connections at 10 requests/s each (500/s), for `duration` s. autocannon sends each
   * connection's quota for a second back to back when that second starts; `spread` starts the
   * connections 20 ms apart so that their seconds, and so the arrivals, spread over the whole
   * second (a steady 500/s); without it every connection's second starts at once and the server
   * takes all 500 requests of each second in one burst, 50 at a time.
   */
  const load = async (duration: number, spread: boolean) => {
    const latencies: number[] = [];
    const runs: Promise<autocannon.Result>[] = [];
    const groups = spread ? 50 : 1;
    for (let g = 0; g < groups; g++) {
      runs.push(
        new Promise((resolve, reject) => {
          const instance = autocannon(
            {
              url: `${url}/invocations`,
              method: 'POST',
              headers,
              body: oneRow,
              connections: 50 / groups,
              overallRate: 500 / groups,
              duration,
            },
            (error: Error | null, result: autocannon.Result) =>
              error ? reject(error) : resolve(result),
          );
          // autocannon's histogram holds whole milliseconds; the response events carry the exact time.
          instance.on('response', (_client, status, _bytes, ms) => {
            if (status === 200) latencies.push(ms);
          });
        }),
      );
      if (spread) await new Promise((resolve) => setTimeout(resolve, 1000 / groups));
    }
    const results = await Promise.all(runs);
    const sum = (pick: (r: autocannon.Result) => number) =>
      results.reduce((n, r) => n + pick(r), 0);
    const ms = (q: number) => Number(quantile(latencies, q).toFixed(3));
    return {
      value: ms(0.5),
      unit: 'ms',
      p50_ms: ms(0.5),
      p90_ms: ms(0.9),
      p99_ms: ms(0.99),
      max_ms: ms(1),
      requests: sum((r) => r.requests.total),
      rate_per_s: Number((sum((r) => r.requests.total) / duration).toFixed(1)),
      errors: sum((r) => r.errors),
      timeouts: sum((r) => r.timeouts),
      non2xx: sum((r) => r.non2xx),
      connections: 50,
      target_rate_per_s: 500,
      duration_s: duration,
    };
  };
  await load(3, false); // warm-up: JIT, connections, the model's first requests
  console.log(
    JSON.stringify({ bench: 'serving.one_row.latency', ...(await load(DURATION_S, true)) }),
  );
  console.log(
    JSON.stringify({ bench: 'serving.one_row.latency_burst', ...(await load(DURATION_S, false)) }),
  );

  const batch = JSON.stringify({
    dataframe_split: {
      columns: BENCH_COLUMNS,
      data: Array.from({ length: BATCH_ROWS }, (_, i) =>
        Array.from(rows.data.subarray(i * 3, i * 3 + 3)),
      ),
    },
  });
  const times: number[] = [];
  for (let run = 0; run < BATCH_RUNS + 2; run++) {
    const t0 = performance.now();
    const res = await fetch(`${url}/invocations`, { method: 'POST', headers, body: batch });
    const answer = (await res.json()) as { predictions: number[] };
    const ms = performance.now() - t0;
    if (res.status !== 200 || answer.predictions.length !== BATCH_ROWS) {
      throw new Error(`the batch request failed: ${res.status}`);
    }
    if (run >= 2) times.push(ms); // the first two warm up
  }
  const ms = median(times);
  console.log(
    JSON.stringify({
      bench: 'serving.batch_10k.throughput',
      value: Math.round((BATCH_ROWS / ms) * 1000),
      unit: 'rows/s',
      median_ms: Number(ms.toFixed(2)),
      min_ms: Number(Math.min(...times).toFixed(2)),
      max_ms: Number(Math.max(...times).toFixed(2)),
      body_bytes: batch.length,
      runs: BATCH_RUNS,
    }),
  );
} finally {
  server.kill('SIGTERM');
  await new Promise((resolve) => server.once('exit', resolve));
  rmSync(dir, { recursive: true, force: true });
}
