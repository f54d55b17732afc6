// Engine overheads: a sequential task call inside a flow, and a flow run, against bare calls.
import { Registry, configure, flow, silentLogger, task } from '@tideflow/core';
import { median, report } from '../../../scripts/bench-stats.js';

// The figure is without cache and tracker; the tracked variant is measured after.
configure({ logger: silentLogger, tracker: false });
const registry = new Registry();
const N = 200_000;
const REPS = 7;

class Bench {
  @task({ registry })
  async t(x: number): Promise<number> {
    return x + 1;
  }

  async bare(x: number): Promise<number> {
    return x + 1;
  }

  @flow({ registry })
  async sequential(n: number): Promise<number> {
    let acc = 0;
    for (let i = 0; i < n; i++) acc = await this.t(acc);
    return acc;
  }

  @flow({ registry })
  async baseline(n: number): Promise<number> {
    let acc = 0;
    for (let i = 0; i < n; i++) acc = await this.bare(acc);
    return acc;
  }
}

const empty = flow(
  async function emptyFlow() {
    return 1;
  },
  { registry },
);
const bareAsync = async (): Promise<number> => 1;

const b = new Bench();
await b.sequential(10_000); // warm up
await b.baseline(10_000);

/** CPU time (user + system) of this process, µs: less disturbed than wall time on a shared machine. */
const cpuUs = (): number => {
  const { user, system } = process.cpuUsage();
  return user + system;
};

const perTask: number[] = [];
const cpuPerTask: number[] = [];
const perBare: number[] = [];
for (let r = 0; r < REPS; r++) {
  let t0 = performance.now();
  const c0 = cpuUs();
  await b.sequential(N);
  perTask.push(((performance.now() - t0) * 1000) / N);
  cpuPerTask.push((cpuUs() - c0) / N);
  t0 = performance.now();
  await b.baseline(N);
  perBare.push(((performance.now() - t0) * 1000) / N);
}
report('core.task_call_sequential', median(perTask), 'us', {
  calls: N,
  reps: REPS,
  bare_async_call_us: Number(median(perBare).toPrecision(3)),
});
report('core.task_overhead_sequential', median(perTask) - median(perBare), 'us', {
  calls: N,
  reps: REPS,
  goal: '<= 5',
});

configure({ tracker: undefined }); // the default in-memory tracker records every run
const perTracked: number[] = [];
const cpuPerTracked: number[] = [];
for (let r = 0; r < REPS; r++) {
  const t0 = performance.now();
  const c0 = cpuUs();
  await b.sequential(N / 4);
  perTracked.push(((performance.now() - t0) * 1000) / (N / 4));
  cpuPerTracked.push((cpuUs() - c0) / (N / 4));
}
report('core.task_overhead_sequential_memory_tracker', median(perTracked) - median(perBare), 'us', {
  calls: N / 4,
  reps: REPS,
});
// The figure: a tracked task call (default configuration) against the same call with
// tracking off, measured in this run.
report('core.task_tracked_vs_untracked_ratio', median(perTracked) / median(perTask), 'x', {
  tracked_us: Number(median(perTracked).toPrecision(3)),
  untracked_us: Number(median(perTask).toPrecision(3)),
  goal: '<= 2',
});
// The same ratio in CPU time per call (wall time also counts the other processes of a busy machine).
report(
  'core.task_tracked_vs_untracked_ratio_cpu',
  median(cpuPerTracked) / median(cpuPerTask),
  'x',
  {
    tracked_cpu_us: Number(median(cpuPerTracked).toPrecision(3)),
    untracked_cpu_us: Number(median(cpuPerTask).toPrecision(3)),
    goal: '<= 2',
  },
);
configure({ tracker: false });

const FLOWS = 20_000;
for (let i = 0; i < 2_000; i++) await empty();
const perFlow: number[] = [];
for (let r = 0; r < REPS; r++) {
  let t0 = performance.now();
  for (let i = 0; i < FLOWS; i++) await empty();
  const flowUs = ((performance.now() - t0) * 1000) / FLOWS;
  t0 = performance.now();
  for (let i = 0; i < FLOWS; i++) await bareAsync();
  perFlow.push(flowUs - ((performance.now() - t0) * 1000) / FLOWS);
}
report('core.flow_run_overhead', median(perFlow), 'us', { runs: FLOWS, reps: REPS });
