// Caching: the second identical run is all cache hits; changing one argument recomputes exactly
// the task that depends on it. Set TIDEFLOW_REFRESH_CACHE=1 to recompute everything.
import { engineEvents, flow, task } from '@tideflow/core';

const load = task(
  async function load(n: number) {
    return Float64Array.from({ length: n }, (_, i) => Math.sin(i));
  },
  { cache: true },
);

const scale = task(
  async function scale(data: Float64Array, factor: number) {
    return data.map((v) => v * factor);
  },
  { cache: true },
);

const norm = task(
  async function norm(data: Float64Array, p: number) {
    return data.reduce((a, v) => a + Math.abs(v) ** p, 0) ** (1 / p);
  },
  { cache: true },
);

const pipeline = flow(async function cachedPipeline(n: number, factor: number, p: number) {
  const data = await load(n);
  return norm(await scale(data, factor), p);
});

let states: string[] = [];
engineEvents.subscribe((e) => {
  if (e.type === 'run.state' && e.run.kind === 'task' && e.state.isFinal())
    states.push(`${e.run.name}:${e.state.name}`);
});
const runs = [
  ['first run', 2, 2],
  ['same inputs', 2, 2],
  ['p changed', 2, 1],
] as const;
for (const [label, factor, p] of runs) {
  states = [];
  const value = await pipeline(100_000, factor, p);
  console.log(`${label.padEnd(15)} ${states.join(' ')}  → ${value.toFixed(4)}`);
}
