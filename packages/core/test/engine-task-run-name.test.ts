import { afterEach, describe, expect, it } from 'vitest';
import {
  InvalidOptionError,
  MemoryTracker,
  Registry,
  TaskRunNameError,
  configure,
  createMemoryCacheStore,
  engineEvents,
  flow,
  getRunContext,
  resetConfiguration,
  silentLogger,
  task,
} from '../src/index.js';
import type { EngineEvent, TaskRunRecord } from '../src/index.js';

afterEach(() => {
  resetConfiguration();
  engineEvents.clear();
});

function setup() {
  const tracker = new MemoryTracker();
  configure({ tracker, logger: silentLogger, cacheStore: createMemoryCacheStore() });
  return { tracker, registry: new Registry() };
}

/** Runs `body` as a flow and returns the task-run records of its run. */
async function taskRunsOf(
  tracker: MemoryTracker,
  registry: Registry,
  body: () => Promise<unknown>,
): Promise<TaskRunRecord[]> {
  const f = flow(
    async function outer() {
      await body();
      return getRunContext()!.flowRunId!;
    },
    { registry },
  );
  return tracker.listTaskRuns(await f());
}

describe('the taskRunName task option', () => {
  it('names each task run from its arguments; runs without it keep the task name', async () => {
    const { tracker, registry } = setup();
    const search = task(
      async function searchFamily(family: string, cfg: { folds: number }) {
        return `${family}/${cfg.folds}`;
      },
      { registry, taskRunName: 'searchFamily[{family}] k={cfg.folds} {{x}}' },
    );
    const plain = task(async (x: number) => x, { registry, name: 'plain' });
    const names: string[] = [];
    engineEvents.subscribe((e: EngineEvent) => {
      if (e.type === 'run.created' && e.run.kind === 'task') names.push(e.run.runName);
    });
    const runs = await taskRunsOf(tracker, registry, async () => {
      await Promise.all(['svm', 'knn'].map((f) => search.submit(f, { folds: 5 }).result()));
      await plain(1);
    });
    expect(runs.map((r) => [r.taskName, r.taskRunName])).toEqual([
      ['searchFamily', 'searchFamily[svm] k=5 {x}'],
      ['searchFamily', 'searchFamily[knn] k=5 {x}'],
      ['plain', 'plain'],
    ]);
    expect(names).toEqual(['searchFamily[svm] k=5 {x}', 'searchFamily[knn] k=5 {x}', 'plain']);
  });

  it('shows data arguments by kind and size, and takes a function of the parameters', async () => {
    const { tracker, registry } = setup();
    class Dataset {
      constructor(readonly rows: number) {}
    }
    class Label {
      toString() {
        return 'label-7';
      }
    }
    const fit = task(
      async (data: Dataset, x: Float64Array, tags: string[], when: Date, label: Label) =>
        data.rows + x.length + tags.length + when.getTime() + String(label).length,
      {
        registry,
        name: 'fit',
        taskRunName: 'fit {data} {data.rows} {x} {tags} {when} {label} {data.nope.deeper}',
      },
    );
    const seen: Record<string, unknown>[] = [];
    const score = task(async (model: string, fold: number) => fold, {
      registry,
      name: 'score',
      taskRunName: (p) => {
        seen.push({ ...p });
        return `score ${String(p.model)}#${String(p.fold)}`;
      },
    });
    const runs = await taskRunsOf(tracker, registry, async () => {
      await fit(new Dataset(30), new Float64Array(300), ['a'], new Date(0), new Label());
      await score('svm', 3);
    });
    expect(runs.map((r) => r.taskRunName)).toEqual([
      'fit Dataset 30 Float64Array(300) Array(1) 1970-01-01T00:00:00.000Z label-7 undefined',
      'score svm#3',
    ]);
    expect(seen).toEqual([{ model: 'svm', fold: 3 }]);
  });

  it('refuses a placeholder that names no parameter when the task is defined, naming it', () => {
    const registry = new Registry();
    const define = () =>
      task(
        async function searchFamily(family: string) {
          return family;
        },
        {
          registry,
          taskRunName: 'searchFamily[{famly}]',
        },
      );
    expect(define).toThrow(TaskRunNameError);
    expect(define).toThrow(/\{famly\}.*no parameter "famly" \(its parameters: family\)/);
    try {
      define();
    } catch (e) {
      expect((e as TaskRunNameError).code).toBe('TASK_RUN_NAME');
      expect((e as TaskRunNameError).placeholder).toBe('famly');
      expect((e as TaskRunNameError).taskName).toBe('searchFamily');
    }
    for (const [bad, why] of [
      ['a {b', /unclosed "\{"/],
      ['a } b', /unmatched "\}"/],
      ['{}', /invalid placeholder \{\}/],
      ['{a-b}', /invalid placeholder \{a-b\}/],
      ['', /non-empty template string or a function/],
      [42, /non-empty template string or a function/],
    ] as const) {
      expect(() =>
        task(async (a: number) => a, { registry, name: 'bad', taskRunName: bad as string }),
      ).toThrow(why);
    }
    // A decorated method is checked when its class is defined.
    expect(() => {
      class Pipeline {
        @task({ registry, taskRunName: 'fit[{modle}]' })
        async fit(model: string) {
          return model;
        }
      }
      return Pipeline;
    }).toThrow(/Pipeline\.fit.*\{modle\}.*its parameters: model/);
    // `.with` copies are checked the same way.
    const ok = task(async (a: number) => a, { registry, name: 'ok', taskRunName: 'ok {a}' });
    expect(() => ok.with({ taskRunName: '{b}' })).toThrow(TaskRunNameError);
  });

  it('refuses the option on a flow', () => {
    expect(() =>
      flow(async (a: number) => a, {
        registry: new Registry(),
        name: 'f',
        taskRunName: 'x' as never,
      } as never),
    ).toThrow(InvalidOptionError);
  });

  it('fails the run before its body when the function cannot name it', async () => {
    const { tracker, registry } = setup();
    let bodies = 0;
    const broken = task(
      async (x: number) => {
        bodies++;
        return x;
      },
      {
        registry,
        name: 'broken',
        taskRunName: (p) => {
          if (p.x === 1) throw new Error('no name for 1');
          return p.x === 2 ? '' : 'fine';
        },
      },
    );
    const errors: unknown[] = [];
    const runs = await taskRunsOf(tracker, registry, async () => {
      for (const x of [1, 2]) await broken(x).catch((e: unknown) => errors.push(e));
      await broken.submit(1).wait();
      expect(await broken(3)).toBe(3);
    });
    expect(bodies).toBe(1);
    expect(errors.map((e) => (e as TaskRunNameError).code)).toEqual([
      'TASK_RUN_NAME',
      'TASK_RUN_NAME',
    ]);
    expect((errors[0] as Error).message).toBe(
      'Task "broken": its taskRunName function threw: no name for 1',
    );
    expect((errors[1] as Error).message).toMatch(/returned ""; return a non-empty string/);
    expect(runs.map((r) => [r.taskRunName, r.state])).toEqual([
      ['broken', 'FAILED'],
      ['broken', 'FAILED'],
      ['broken', 'FAILED'],
      ['fine', 'COMPLETED'],
    ]);
    expect(runs[0].error).toMatch(/no name for 1/);
  });

  it('is not part of the cache key, and a long name is cut to the tracker limit', async () => {
    const { tracker, registry } = setup();
    let bodies = 0;
    const cached = task(
      async (x: string) => {
        bodies++;
        return x.length;
      },
      { registry, name: 'cached', cache: true, taskRunName: 'first {x}' },
    );
    const renamed = cached.with({ taskRunName: 'second {x}' });
    const long = 'é'.repeat(300);
    const runs = await taskRunsOf(tracker, registry, async () => {
      await cached(long);
      await renamed(long);
    });
    expect(bodies).toBe(1);
    expect(runs.map((r) => r.state)).toEqual(['COMPLETED', 'CACHED']);
    expect(Array.from(runs[0].taskRunName)).toHaveLength(250);
    expect(runs[0].taskRunName.startsWith('first éé')).toBe(true);
    expect(runs[0].taskRunName.endsWith('…')).toBe(true);
    expect(runs[1].taskRunName.startsWith('second ')).toBe(true);
  });
});
