import { afterEach, describe, expect, it } from 'vitest';
import {
  DecoratorTargetError,
  DuplicateNameError,
  InvalidOptionError,
  Registry,
  State,
  asFlow,
  asTask,
  configure,
  engineEvents,
  flow,
  getRunContext,
  resetConfiguration,
  task,
  type EngineEvent,
} from '../src/index.js';
import { OPTIONS_METADATA_KEY } from '../src/engine/decorate.js';

afterEach(() => {
  resetConfiguration();
  engineEvents.clear();
});

describe('function form', () => {
  it('wraps a function, keeps its name and exposes .fn', async () => {
    const registry = new Registry();
    const double = task(
      async function double(x: number) {
        return 2 * x;
      },
      { registry },
    );
    expect(double.name).toBe('double');
    expect(await double(21)).toBe(42);
    expect(await double.fn(2)).toBe(4);
    expect(registry.get('double')?.kind).toBe('task');
  });

  it('runs a flow whose tasks become task runs of it, with context', async () => {
    const registry = new Registry();
    const seen: (string | undefined)[] = [];
    const inner = task(
      async function inner(x: number) {
        const ctx = getRunContext()!;
        seen.push(ctx.flowRunId, ctx.taskRunId, ctx.name);
        expect(ctx.parameters).toEqual({ x });
        return x + 1;
      },
      { registry },
    );
    const outer = flow(
      async function outer(n: number) {
        return (await inner(n)) * 10;
      },
      { registry },
    );
    const events: EngineEvent[] = [];
    engineEvents.subscribe((e) => events.push(e));
    expect(await outer(1)).toBe(20);
    const flowRun = events.find((e) => e.type === 'run.created' && e.run.kind === 'flow')!;
    expect(seen[0]).toBe(flowRun.type === 'run.created' ? flowRun.run.id : '');
    expect(seen[2]).toBe('inner');
    const taskStates = events
      .filter((e) => e.type === 'run.state' && e.run.kind === 'task')
      .map((e) => (e.type === 'run.state' ? e.state.type : ''));
    expect(taskStates).toEqual(['PENDING', 'RUNNING', 'COMPLETED']);
  });

  it('rejects a non-function, an anonymous function without name, and a duplicate name', () => {
    const registry = new Registry();
    expect(() => task(42 as unknown as () => void)).toThrow(InvalidOptionError);
    expect(() => task(async () => 1, { registry })).toThrow(/needs a named function/);
    task(async function same() {}, { registry });
    expect(() => task(async function same() {}, { registry })).toThrow(DuplicateNameError);
    expect(() => task(async function neg() {}, { registry, retries: -1 })).toThrow(
      /"neg": option retries/,
    );
    expect(() => flow(async function late() {}, { registry, timeoutMs: -5 })).toThrow(
      InvalidOptionError,
    );
  });
});

describe('legacy decorators', () => {
  const registry = new Registry();
  class Pipeline {
    factor = 3;

    @task({ registry, retries: 1 })
    async scale(x: number): Promise<number> {
      return this.factor * x;
    }

    @flow({ registry, name: 'pipeline' })
    async run(xs: number[]): Promise<number[]> {
      return Promise.all(asTask(this.scale).map(xs));
    }
  }

  it('registers Class.method names and stores options as metadata', () => {
    expect(registry.get('Pipeline.scale')?.kind).toBe('task');
    expect(registry.get('pipeline')?.kind).toBe('flow');
    expect(
      Reflect.getMetadata(OPTIONS_METADATA_KEY.task, Pipeline.prototype, 'scale'),
    ).toMatchObject({ retries: 1 });
  });

  it('binds methods to the instance and carries submit/map/fn/with/run', async () => {
    const p = new Pipeline();
    expect(await p.run([1, 2])).toEqual([3, 6]);
    const scale = asTask(p.scale);
    expect(scale).toBe(p.scale);
    await expect(scale.fn(5)).resolves.toBe(15);
    expect(typeof scale.submit).toBe('function');
    const state = await asFlow(p.run).run([2]);
    expect(state).toBeInstanceOf(State);
    expect(state.type).toBe('COMPLETED');
    expect(state.result()).toEqual([6]);
    expect(await asTask(p.scale).with({ retries: 0 })(2)).toBe(6);
  });

  it('checks primitive parameter types from design:paramtypes when emitted', async () => {
    const p = new Pipeline();
    // vitest.config.ts emits decorator metadata, as tsc does with emitDecoratorMetadata.
    expect(Reflect.getMetadata('design:paramtypes', Pipeline.prototype, 'scale')).toEqual([Number]);
    await expect(p.scale('x' as unknown as number)).rejects.toThrow(
      /Invalid parameter "x" of "Pipeline.scale": expected a number, got string/,
    );
  });

  it('rejects decorating a non-method', () => {
    expect(() => {
      class Bad {
        @(task() as unknown as PropertyDecorator)
        value = 1;
      }
      return Bad;
    }).toThrow(DecoratorTargetError);
  });
});

describe('no-engine mode', () => {
  it('makes flows and tasks plain calls with identical results', async () => {
    const registry = new Registry();
    const sq = task(
      async function sq(x: number) {
        return x * x;
      },
      { registry },
    );
    const sum = flow(
      async function sumSq(xs: number[]) {
        const parts = await Promise.all(sq.map(xs));
        return parts.reduce((a, b) => a + b, 0);
      },
      { registry },
    );
    const events: EngineEvent[] = [];
    engineEvents.subscribe((e) => events.push(e));
    const withEngine = await sum([1, 2, 3]);
    const engineEventCount = events.length;
    configure({ enabled: false });
    const plain = await sum([1, 2, 3]);
    expect(plain).toBe(withEngine);
    expect(events.length).toBe(engineEventCount);
    expect((await sum.run([2])).result()).toBe(4);
  });
});
