import { afterEach, describe, expect, it } from 'vitest';
import {
  ParameterValidationError,
  Registry,
  TaskFuture,
  configure,
  engineEvents,
  flow,
  resetConfiguration,
  task,
  unmapped,
  wait,
  type EngineEvent,
} from '../src/index.js';
import { delay, recordEvents } from './helpers/events.js';

afterEach(() => {
  resetConfiguration();
  engineEvents.clear();
});

/** A task that records how many of its runs overlap. */
function concurrencyProbe(registry: Registry, name: string, tags?: string[]) {
  const probe = { active: 0, peak: 0 };
  const t = task(
    async function probeTask(x: number) {
      probe.active++;
      probe.peak = Math.max(probe.peak, probe.active);
      await delay(5);
      probe.active--;
      return x;
    },
    { registry, name, tags },
  );
  return { t, probe };
}

describe('futures and concurrency', () => {
  it('submit returns a thenable future with states; wait and Promise.all both work', async () => {
    const registry = new Registry();
    const { t } = concurrencyProbe(registry, 'echo');
    const f = flow(
      async function both() {
        const futures = [1, 2, 3].map((x) => t.submit(x));
        expect(futures[0]).toBeInstanceOf(TaskFuture);
        expect(futures[0].state.type).toBe('PENDING');
        const states = await wait(futures);
        expect(states.map((s) => s.type)).toEqual(['COMPLETED', 'COMPLETED', 'COMPLETED']);
        expect(await futures[1].result()).toBe(2);
        return Promise.all(futures);
      },
      { registry },
    );
    expect(await f()).toEqual([1, 2, 3]);
  });

  it('limits concurrency per flow run with maxConcurrency', async () => {
    const registry = new Registry();
    const { t, probe } = concurrencyProbe(registry, 'limited');
    const f = flow(
      async function limitedFlow() {
        return Promise.all(t.map(Array.from({ length: 12 }, (_, i) => i)));
      },
      { registry, maxConcurrency: 3 },
    );
    expect(await f()).toHaveLength(12);
    expect(probe.peak).toBe(3);
  });

  it('applies concurrency limits by task tag across flow runs', async () => {
    const registry = new Registry();
    configure({ concurrencyLimits: { gpu: 2 } });
    const { t, probe } = concurrencyProbe(registry, 'gpuTask', ['gpu']);
    const f = flow(
      async function tagged(n: number) {
        return Promise.all(t.map(Array.from({ length: n }, (_, i) => i)));
      },
      { registry },
    );
    await Promise.all([f(5), f(5)]);
    expect(probe.peak).toBe(2);
  });

  it('resolves futures passed as arguments, and map broadcasts unmapped values', async () => {
    const registry = new Registry();
    const add = task(
      async function add(a: number, b: number) {
        return a + b;
      },
      { registry },
    );
    const f = flow(
      async function chain() {
        const first = add.submit(1, 2);
        const second = add.submit(first, 10);
        const mapped = await Promise.all(add.map([1, 2, 3], unmapped(100)));
        return [await second, mapped];
      },
      { registry },
    );
    expect(await f()).toEqual([13, [101, 102, 103]]);
  });

  it('rejects map iterables of different lengths and non-iterables with ParameterValidationError', () => {
    const registry = new Registry();
    const add = task(
      async function add2(a: number, b: number) {
        return a + b;
      },
      { registry },
    );
    expect(() => add.map([1, 2], [1])).toThrow(ParameterValidationError);
    expect(() => add.map(5 as unknown as number[], [1])).toThrow(
      /"a" of "add2": .map needs an iterable/,
    );
  });

  it('fails the flow when a submitted task fails and nobody looked at its future', async () => {
    const registry = new Registry();
    const bad = task(
      async function bad() {
        throw new Error('unobserved failure');
      },
      { registry },
    );
    const f = flow(
      async function fireAndForget() {
        bad.submit();
        return 'done';
      },
      { registry },
    );
    const state = await f.run();
    expect(state.type).toBe('FAILED');
    expect((state.error as Error).message).toBe('unobserved failure');
  });

  it('lets a flow catch a failed task and complete', async () => {
    const registry = new Registry();
    const bad = task(
      async function bad2() {
        throw new Error('caught');
      },
      { registry },
    );
    const f = flow(
      async function catches() {
        try {
          await bad();
        } catch {
          return 'recovered';
        }
      },
      { registry },
    );
    expect(await f()).toBe('recovered');
    const g = flow(
      async function catchesFuture() {
        const state = await bad.submit().wait();
        return state.type;
      },
      { registry },
    );
    expect(await g()).toBe('FAILED');
  });

  it('submits outside a flow with the standalone runner', async () => {
    const registry = new Registry();
    const sq = task(
      async function sqOutside(x: number) {
        return x * x;
      },
      { registry },
    );
    expect(await sq.submit(4)).toBe(16);
  });
});

describe('subflows', () => {
  it('records a subflow as a child run and runs parallel subflows with submit', async () => {
    const registry = new Registry();
    const leaf = task(
      async function leaf(x: number) {
        await delay(5);
        return x;
      },
      { registry },
    );
    const child = flow(
      async function child(x: number) {
        return (await leaf(x)) * 2;
      },
      { registry },
    );
    const parent = flow(
      async function parent() {
        const direct = await child(1);
        const parallel = await Promise.all([child.submit(2), child.submit(3)]);
        return [direct, ...parallel];
      },
      { registry },
    );
    const rec = recordEvents();
    expect(await parent()).toEqual([2, 4, 6]);
    const created = rec.events.filter(
      (e): e is Extract<EngineEvent, { type: 'run.created' }> => e.type === 'run.created',
    );
    const parentRun = created.find((e) => e.run.name === 'parent')!.run;
    const children = created.filter((e) => e.run.name === 'child').map((e) => e.run);
    expect(children).toHaveLength(3);
    for (const c of children) {
      expect(c.kind).toBe('flow');
      expect(c.flowRunId).toBe(parentRun.id);
      expect(c.parentRunId).toBe(parentRun.id);
    }
    const leaves = created.filter((e) => e.run.name === 'leaf').map((e) => e.run);
    expect(new Set(leaves.map((l) => l.flowRunId))).toEqual(new Set(children.map((c) => c.id)));
  });
});

describe('parameter validation', () => {
  it('validates flow parameters with a Standard Schema before the run starts', async () => {
    const { z } = await import('zod');
    const registry = new Registry();
    const f = flow(
      async function validated(n: number, label: string) {
        return `${label}:${n}`;
      },
      { registry, params: z.object({ n: z.number().int().positive(), label: z.string() }) },
    );
    const rec = recordEvents();
    await expect(f(-1, 'x')).rejects.toThrow(ParameterValidationError);
    await expect(f(-1, 'x')).rejects.toThrow(/Invalid parameter "n" of "validated"/);
    expect(rec.events).toHaveLength(0);
    expect(await f(3, 'ok')).toBe('ok:3');
  });

  it('validates per-parameter schemas, applying their transforms', async () => {
    const { z } = await import('zod');
    const registry = new Registry();
    const t = task(
      async function coerced(count: number) {
        return count + 1;
      },
      { registry, params: { count: z.coerce.number() } },
    );
    expect(await t('41' as unknown as number)).toBe(42);
    const bad = task(
      async function badName(x: number) {
        return x;
      },
      { registry, params: { y: z.number() } },
    );
    await expect(bad(1)).rejects.toThrow(/"y" of "badName": no parameter of that name/);
  });
});
