import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Tracker } from '@tideflow/core';
import type { ModelVersion } from '@tideflow/core';
import { MemoryTrackerStore } from '@tideflow/core/store';
import type { TrackerStore } from '@tideflow/core/store';
import { createServer } from '@tideflow/server';
import type { TideflowServer } from '@tideflow/server';

// MLflow's model-versions/search reads the registry model by model, in name order, and stops
// once it has max_results versions: a store read per model it needs, none for the rest.

const MODELS = ['m-a', 'm-b', 'm-c', 'm-d'];
const VERSIONS = 25;

/** The memory store, counting the calls of each member. */
function counted(): { store: TrackerStore; calls: Map<string, number> } {
  const calls = new Map<string, number>();
  const store = new Proxy(new MemoryTrackerStore(), {
    get(target, key, receiver) {
      const value: unknown = Reflect.get(target, key, receiver);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        calls.set(String(key), (calls.get(String(key)) ?? 0) + 1);
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return { store, calls };
}

let server: TideflowServer;
let tracker: Tracker;
let calls: Map<string, number>;
/** The run behind each model's versions (`m-b`'s and `m-d`'s come from the second run). */
const runs: string[] = [];

beforeAll(async () => {
  const spied = counted();
  calls = spied.calls;
  tracker = new Tracker(spied.store);
  for (let r = 0; r < 2; r++) {
    const runId = (await tracker.createRun({ name: `trainer-${r}` })).info.runId;
    runs.push(runId);
    // Two models with other bytes in turn: registering the latest bytes again adds no version.
    for (const name of ['x', 'y'])
      await tracker.logModel(runId, {
        name,
        bytes: new TextEncoder().encode(`${name}${r}`),
        flavor: 'f',
      });
  }
  await tracker.createRegisteredModel('m-0-empty');
  for (const [i, name] of MODELS.entries())
    for (let v = 1; v <= VERSIONS; v++)
      await tracker.registerModel(name, { runId: runs[i % 2], modelName: v % 2 ? 'x' : 'y' });
  server = await createServer({ tracker, port: 0 });
});
afterAll(() => server.close());

/** The answer as the route gave it before it stopped early: every version read, then cut. */
async function everyVersionThenCut(
  matches: (v: ModelVersion) => boolean,
  maxResults: number,
): Promise<string[]> {
  const all: ModelVersion[] = [];
  for (const m of await tracker.listRegisteredModels())
    all.push(...(await tracker.listModelVersions(m.name)).reverse());
  return all
    .filter(matches)
    .slice(0, maxResults)
    .map((v) => `${v.name}/${v.version}`);
}

async function search(filter: string, maxResults: number) {
  calls.clear();
  const r = await server.app.inject({
    method: 'GET',
    url: `/api/2.0/mlflow/model-versions/search?max_results=${maxResults}&filter=${encodeURIComponent(filter)}`,
  });
  expect(r.statusCode, r.body).toBe(200);
  const found = r.json<{ model_versions: { name: string; version: string }[] }>().model_versions;
  return {
    found: found.map((v) => `${v.name}/${v.version}`),
    reads: Object.fromEntries(calls),
  };
}

describe('model-versions/search', () => {
  it('answers max_results 2 as before, reading only the first model', async () => {
    const { found, reads } = await search('', 2);
    expect(found).toEqual(['m-a/25', 'm-a/24']);
    expect(found).toEqual(await everyVersionThenCut(() => true, 2));
    // The empty model is not read either: the listing says it has no versions.
    expect(reads).toEqual({ listRegisteredModels: 1, listModelVersions: 1 });
  });

  it('reads on, model by model, until max_results match', async () => {
    const byRun = (v: ModelVersion) => v.runId === runs[1];
    const { found, reads } = await search(`run_id = '${runs[1]}'`, 2);
    expect(found).toEqual(['m-b/25', 'm-b/24']);
    expect(found).toEqual(await everyVersionThenCut(byRun, 2));
    expect(reads).toEqual({ listRegisteredModels: 1, listModelVersions: 2 });

    // More than one model holds: the second run's versions of m-b, then of m-d.
    const more = await search(`run_id = '${runs[1]}'`, VERSIONS + 3);
    expect(more.found).toEqual(await everyVersionThenCut(byRun, VERSIONS + 3));
    expect(more.found.slice(VERSIONS)).toEqual(['m-d/25', 'm-d/24', 'm-d/23']);
    expect(more.reads).toEqual({ listRegisteredModels: 1, listModelVersions: 4 });
  });

  it('does not read the models the name clauses rule out', async () => {
    const named = await search("name = 'm-c' AND source LIKE '%/y/%'", 2);
    expect(named.found).toEqual(['m-c/24', 'm-c/22']);
    expect(named.found).toEqual(
      await everyVersionThenCut((v) => v.name === 'm-c' && v.modelName === 'y', 2),
    );
    expect(named.reads).toEqual({ listRegisteredModels: 1, listModelVersions: 1 });

    const among = await search("name IN ('m-b', 'm-d') AND name != 'm-b'", 1_000);
    expect(among.found).toHaveLength(VERSIONS);
    expect(among.found[0]).toBe('m-d/25');
    expect(among.reads).toEqual({ listRegisteredModels: 1, listModelVersions: 1 });

    const none = await search("name LIKE 'nothing%'", 10);
    expect(none).toEqual({ found: [], reads: { listRegisteredModels: 1 } });
  });

  it('reads every model when the whole registry fits in max_results', async () => {
    const { found, reads } = await search('', 10_000);
    expect(found).toHaveLength(MODELS.length * VERSIONS);
    expect(found).toEqual(await everyVersionThenCut(() => true, 10_000));
    expect(reads).toEqual({ listRegisteredModels: 1, listModelVersions: MODELS.length });
  });

  it('skips a model deleted between the listing and its read', async () => {
    await tracker.createRegisteredModel('m-e');
    const runId = runs[0];
    await tracker.registerModel('m-e', { runId, modelName: 'x' });
    const list = tracker.listRegisteredModels.bind(tracker);
    // The listing still shows m-e, as a search that raced its deletion would have seen it.
    tracker.listRegisteredModels = async () => {
      const listed = await list();
      await tracker.deleteRegisteredModel('m-e');
      return listed;
    };
    try {
      const { found } = await search("name LIKE 'm-%'", 10_000);
      expect(found).toHaveLength(MODELS.length * VERSIONS);
      expect(found.some((v) => v.startsWith('m-e/'))).toBe(false);
    } finally {
      tracker.listRegisteredModels = list;
    }
  });
});
