import { afterEach, describe, expect, it } from 'vitest';
import { Registry, flow, getRunContext, resetConfiguration, task } from '../src/index.js';
import { newRunUuid } from '../src/engine/run-id.js';

afterEach(() => resetConfiguration());

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('run ids', () => {
  it('are distinct version-4 UUIDs, across many refills of the random pool', () => {
    const ids = Array.from({ length: 5_000 }, newRunUuid);
    for (const id of ids) expect(id).toMatch(UUID_V4);
    expect(new Set(ids).size).toBe(ids.length);
    // Every hex digit shows up in every free position sooner or later (no stuck nibble).
    const first = new Set(ids.map((id) => id[0]));
    expect(first.size).toBe(16);
  });

  it('name flow and task runs', async () => {
    const registry = new Registry();
    const t = task(async () => getRunContext()!.taskRunId, { registry, name: 'who' });
    const f = flow(async () => [getRunContext()!.flowRunId, await t(), await t()], {
      registry,
      name: 'ids',
    });
    const [flowRunId, a, b] = (await f()) as string[];
    for (const id of [flowRunId, a, b]) expect(id).toMatch(UUID_V4);
    expect(a).not.toBe(b);
  });
});
