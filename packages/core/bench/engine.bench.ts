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
const perBare: number[] = [];
for (let r = 0; r < REPS; r++) {
  let t0 = performance.now();
  await b.sequential(N);
  perTask.push(((performance.now() - t0) * 1000) / N);
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

// The default in-memory tracker records every run. Tracked and untracked reps alternate (after a
// warm-up of both paths), so that both see the same machine load and the same heap (the tracker
// keeps every task run it recorded); the ratio is of their medians.
const TRACKED_N = N / 4;
const tracked = (on: boolean): void => configure({ tracker: on ? undefined : false });
tracked(true);
await b.sequential(10_000);
const perTracked: number[] = [];
const cpuPerTracked: number[] = [];
const perUntracked: number[] = [];
const cpuPerUntracked: number[] = [];
for (let r = 0; r < REPS; r++) {
  for (const on of [false, true]) {
    tracked(on);
    const t0 = performance.now();
    const c0 = cpuUs();
    await b.sequential(TRACKED_N);
    (on ? perTracked : perUntracked).push(((performance.now() - t0) * 1000) / TRACKED_N);
    (on ? cpuPerTracked : cpuPerUntracked).push((cpuUs() - c0) / TRACKED_N);
  }
}
report('core.task_overhead_sequential_memory_tracker', median(perTracked) - median(perBare), 'us', {
  calls: TRACKED_N,
  reps: REPS,
});
// The figure: a tracked task call (default configuration) against the same call with
// tracking off, measured in this run.
report('core.task_tracked_vs_untracked_ratio', median(perTracked) / median(perUntracked), 'x', {
  tracked_us: Number(median(perTracked).toPrecision(3)),
  untracked_us: Number(median(perUntracked).toPrecision(3)),
  goal: '<= 2',
});
// The same ratio in CPU time per call (wall time also counts the other processes of a busy machine).
report(
  'core.task_tracked_vs_untracked_ratio_cpu',
  median(cpuPerTracked) / median(cpuPerUntracked),
  'x',
  {
    tracked_cpu_us: Number(median(cpuPerTracked).toPrecision(3)),
    untracked_cpu_us: Number(median(cpuPerUntracked).toPrecision(3)),
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
