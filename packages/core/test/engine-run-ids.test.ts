import { afterEach, describe, expect, it } from 'vitest';
import {
  MemoryTracker,
  Registry,
  configure,
  flow,
  getRunContext,
  resetConfiguration,
  silentLogger,
  task,
} from '../src/index.js';
import { newRunId } from '../src/engine/run-id.js';

afterEach(() => resetConfiguration());

/** MLflow's run-id form: 32 lowercase hex digits. */
const RUN_ID = /^[0-9a-f]{32}$/;
/** The same, read as a version-4 UUID without dashes (version nibble 4, variant bits 10). */
const UUID_V4_HEX = /^[0-9a-f]{12}4[0-9a-f]{3}[89ab][0-9a-f]{15}$/;

describe('run ids', () => {
  it('are distinct version-4 UUIDs in 32 hex digits, across many refills of the random pool', () => {
    const ids = Array.from({ length: 5_000 }, newRunId);
    for (const id of ids) expect(id).toMatch(UUID_V4_HEX);
    expect(new Set(ids).size).toBe(ids.length);
    // Every hex digit shows up in every free position sooner or later (no stuck nibble).
    for (const position of [0, 13, 31]) {
      expect(new Set(ids.map((id) => id[position])).size).toBe(16);
    }
  });

  it('name flow runs and their task runs in the one form', async () => {
    const registry = new Registry();
    const t = task(async () => getRunContext()!.taskRunId, { registry, name: 'who' });
    const f = flow(async () => [getRunContext()!.flowRunId, await t(), await t()], {
      registry,
      name: 'ids',
    });
    const [flowRunId, a, b] = (await f()) as string[];
    for (const id of [flowRunId, a, b]) expect(id).toMatch(RUN_ID);
    expect(a).not.toBe(b);
  });

  it('are the same form for tracking runs created directly and for recorded flow runs', async () => {
    const tracker = new MemoryTracker();
    const direct = await tracker.createRun({});
    expect(direct.info.runId).toMatch(UUID_V4_HEX);
    configure({ tracker, logger: silentLogger });
    const registry = new Registry();
    const t = task(async () => 1, { registry, name: 'one' });
    const f = flow(async () => [getRunContext()!.flowRunId, await t()], {
      registry,
      name: 'recorded',
    });
    const [flowRunId] = (await f()) as [string];
    const run = await tracker.getRun(flowRunId);
    expect(run.info.runId).toBe(flowRunId);
    const taskRuns = await tracker.listTaskRuns(flowRunId);
    expect(taskRuns).toHaveLength(1);
    expect(taskRuns[0].taskRunId).toMatch(UUID_V4_HEX);
  });
});
