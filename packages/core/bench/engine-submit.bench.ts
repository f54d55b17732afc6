// 100,000 trivial tasks submitted in one flow with maxConcurrency 64, with the default in-memory
// tracker recording every task run: wall time and peak RSS.
import { Registry, configure, flow, silentLogger, task } from '@tideflow/core';
import { report } from '../../../scripts/bench-stats.js';

configure({ logger: silentLogger });
const registry = new Registry();
const N = 100_000;

const trivial = task(
  async function trivial(i: number) {
    return i;
  },
  { registry },
);

const many = flow(
  async function many(n: number) {
    const futures = [];
    for (let i = 0; i < n; i++) futures.push(trivial.submit(i));
    let sum = 0;
    for (const v of await Promise.all(futures)) sum += v;
    return sum;
  },
  { registry, maxConcurrency: 64 },
);

let peak = process.memoryUsage().rss;
const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 5);
const t0 = performance.now();
const sum = await many(N);
const seconds = (performance.now() - t0) / 1000;
clearInterval(sampler);
peak = Math.max(peak, process.memoryUsage().rss, process.resourceUsage().maxRSS * 1024);
if (sum !== (N * (N - 1)) / 2) throw new Error('wrong sum');
report('core.submit_100k_maxconc64', seconds, 's', { tasks: N, goal: '< 10' });
report('core.submit_100k_peak_rss', peak / 2 ** 20, 'MB', { tasks: N, goal: '< 500' });
