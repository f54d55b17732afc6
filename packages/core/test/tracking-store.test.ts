import { describe, expect, it } from 'vitest';
import {
  MemoryTracker,
  Tracker,
  openTracker,
  registerTrackerScheme,
  resolveFileSettings,
} from '@tideflow/core';

import * as core from '@tideflow/core';
import * as storeEntry from '@tideflow/core/store';
import * as testingEntry from '@tideflow/core/testing';
import { MemoryTrackerStore } from '@tideflow/core/store';
import { trackerConformance } from '@tideflow/core/testing';
import type { TrackerStore } from '@tideflow/core/store';

const OPTIONAL = [
  'getOrInsertExperiment',
  'getExperiment',
  'getExperimentByName',
  'searchRuns',
  'countChildRuns',
  'localArtifactPath',
  'readChanges',
  'updateExperiment',
  'setExperimentLifecycle',
  'insertRegisteredModel',
  'renameRegisteredModel',
  'deleteRegisteredModel',
  'deleteModelVersion',
  'listModelVersions',
  'getRegisteredModel',
] as const;

/** The memory store with its optional members hidden: only the required primitives remain. */
function requiredOnly(store: TrackerStore): TrackerStore {
  return new Proxy(store, {
    get(target, key, receiver) {
      if ((OPTIONAL as readonly PropertyKey[]).includes(key)) return undefined;
      const value: unknown = Reflect.get(target, key, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

/** A store whose every member fails the test: the tracker must refuse bad input before it. */
function untouchable(): TrackerStore {
  return new Proxy({} as TrackerStore, {
    get(_target, key) {
      if (key === 'then') return undefined;
      return () => {
        throw new Error(`the store was called (${String(key)}) for an invalid input`);
      };
    },
  });
}

describe('a store with only the required members', () => {
  // The tracker emulates getOrCreateExperiment, experiment lookups and search from the
  // required primitives: the full behaviour, proven by the same suite as every backend.
  // The change feed cannot be emulated from the primitives: that group is off here.
  trackerConformance(
    { describe, it, expect },
    () => new Tracker(requiredOnly(new MemoryTrackerStore())),
    { changes: false, experimentEdits: false, registryEdits: false },
  );

  it('cannot create, rename or delete registered models or versions, and says so', async () => {
    const tracker = new Tracker(requiredOnly(new MemoryTrackerStore()));
    const refused = {
      code: 'TRACKING_STORE',
      message: expect.stringMatching(
        /cannot create, rename or delete registered models/,
      ) as unknown,
    };
    await expect(tracker.createRegisteredModel('m')).rejects.toMatchObject(refused);
    await expect(tracker.renameRegisteredModel('m', 'n')).rejects.toMatchObject(refused);
    await expect(tracker.deleteRegisteredModel('m')).rejects.toMatchObject(refused);
    await expect(tracker.deleteModelVersion('m', 1)).rejects.toMatchObject(refused);
    // Bad input is still refused as such, before the store is asked.
    await expect(tracker.createRegisteredModel('')).rejects.toMatchObject({
      code: 'TRACKING_INPUT',
    });
    expect(await tracker.listRegisteredModels()).toEqual([]);
    await tracker.close();
  });

  it('cannot change, delete or restore experiments, and says so', async () => {
    const tracker = new Tracker(requiredOnly(new MemoryTrackerStore()));
    await expect(tracker.renameExperiment('0', 'x')).rejects.toMatchObject({
      code: 'TRACKING_STORE',
      message: expect.stringMatching(/cannot change experiments/) as unknown,
    });
    await expect(tracker.setExperimentTag('0', 'k', 'v')).rejects.toMatchObject({
      code: 'TRACKING_STORE',
    });
    const id = await tracker.createExperiment('x');
    await expect(tracker.deleteExperiment(id)).rejects.toMatchObject({ code: 'TRACKING_STORE' });
    await expect(tracker.restoreExperiment(id)).rejects.toMatchObject({ code: 'TRACKING_STORE' });
    await tracker.close();
  });

  it('has no change feed, and says so when asked for one', async () => {
    const tracker = new Tracker(requiredOnly(new MemoryTrackerStore()));
    expect(tracker.hasChangeFeed).toBe(false);
    expect(new MemoryTracker().hasChangeFeed).toBe(true);
    await expect(tracker.readChanges()).rejects.toMatchObject({
      code: 'TRACKING_STORE',
      message: expect.stringMatching(/no change feed/) as unknown,
    });
    await tracker.close();
  });
});

/** The memory store, counting the calls each member gets (optional members hidden when asked). */
function counted(hideOptional: boolean): {
  store: TrackerStore;
  calls: Map<string, number>;
  inner: MemoryTrackerStore;
} {
  const calls = new Map<string, number>();
  const inner = new MemoryTrackerStore();
  const store = new Proxy(inner, {
    get(target, key, receiver) {
      if (hideOptional && (OPTIONAL as readonly PropertyKey[]).includes(key)) return undefined;
      const value: unknown = Reflect.get(target, key, receiver);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        calls.set(String(key), (calls.get(String(key)) ?? 0) + 1);
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return { store, calls, inner };
}

describe('countChildRuns', () => {
  async function family(tr: Tracker): Promise<string[]> {
    const parents = [];
    for (let p = 0; p < 4; p++) {
      const id = (await tr.createRun({ name: `p${p}` })).info.runId;
      parents.push(id);
      for (let c = 0; c < p; c++) await tr.createRun({ parentRunId: id, name: `p${p}c${c}` });
    }
    return parents;
  }

  it('asks a store that counts once, whatever the number of runs', async () => {
    const { store, calls } = counted(false);
    const tr = new Tracker(store);
    const parents = await family(tr);
    calls.clear();
    const counts = await tr.countChildRuns(parents);
    expect(parents.map((id) => counts.get(id))).toEqual([0, 1, 2, 3]);
    expect(Object.fromEntries(calls)).toEqual({ countChildRuns: 1 });
  });

  it('is emulated with one listing for a store without countChildRuns', async () => {
    const { store, calls } = counted(true);
    const tr = new Tracker(store);
    const parents = await family(tr);
    calls.clear();
    const counts = await tr.countChildRuns(parents);
    expect(parents.map((id) => counts.get(id))).toEqual([0, 1, 2, 3]);
    expect(Object.fromEntries(calls)).toEqual({ listRuns: 1 });
  });
});

describe('listModelVersions', () => {
  async function registry(tr: Tracker): Promise<void> {
    const runId = (await tr.createRun()).info.runId;
    for (const name of ['a', 'b'])
      await tr.logModel(runId, { name, bytes: new TextEncoder().encode(name), flavor: 'f' });
    for (let v = 1; v <= 6; v++)
      await tr.registerModel('clf', { runId, modelName: v % 2 ? 'a' : 'b' });
    await tr.setModelAlias('clf', 'champion', 4);
  }

  it('asks a store that lists versions once, whatever the number of versions', async () => {
    const { store, calls } = counted(false);
    const tr = new Tracker(store);
    await registry(tr);
    calls.clear();
    const versions = await tr.listModelVersions('clf');
    expect(versions.map((v) => [v.version, v.aliases])).toEqual([
      [1, []],
      [2, []],
      [3, []],
      [4, ['champion']],
      [5, []],
      [6, []],
    ]);
    expect(Object.fromEntries(calls)).toEqual({ listModelVersions: 1 });
  });

  it('is emulated with a lookup per version for a store without listModelVersions', async () => {
    const { store, calls, inner } = counted(true);
    const tr = new Tracker(store);
    await registry(tr);
    calls.clear();
    const emulated = await tr.listModelVersions('clf');
    expect(Object.fromEntries(calls)).toEqual({ listRegisteredModels: 1, getModelVersion: 6 });
    expect(emulated).toEqual(await inner.listModelVersions('clf'));
  });
});

describe('the Tracker layer', () => {
  it('checks every input before the store is touched', async () => {
    const tr = new Tracker(untouchable());
    const calls: [string, () => Promise<unknown>, string][] = [
      ['createExperiment', () => tr.createExperiment(''), 'TRACKING_INPUT'],
      ['getOrCreateExperiment', () => tr.getOrCreateExperiment(' '), 'TRACKING_INPUT'],
      ['createRun status', () => tr.createRun({ status: 'BOGUS' as never }), 'TRACKING_INPUT'],
      ['createRun runId', () => tr.createRun({ runId: 'a/b' }), 'TRACKING_INPUT'],
      ['createRun tags', () => tr.createRun({ tags: { 'a//b': 'x' } }), 'TRACKING_INPUT'],
      ['updateRun', () => tr.updateRun('r', { endTime: Number.NaN }), 'TRACKING_INPUT'],
      ['logParam', () => tr.logParam('r', 'p', {} as never), 'TRACKING_INPUT'],
      ['logMetric', () => tr.logMetric('r', 'm', 1, { step: 0.5 }), 'TRACKING_INPUT'],
      ['setTag', () => tr.setTag('r', '../t', 'v'), 'TRACKING_INPUT'],
      ['deleteTag', () => tr.deleteTag('r', ''), 'TRACKING_INPUT'],
      ['logBatch', () => tr.logBatch('r', { metrics: {} as never }), 'TRACKING_INPUT'],
      ['searchRuns', () => tr.searchRuns({ filter: 'metrics.acc >' }), 'FILTER_SYNTAX'],
      ['logArtifact', () => tr.logArtifact('r', '../x', 'x'), 'INVALID_ARTIFACT_PATH'],
      [
        'logTypedArtifact',
        () => tr.logTypedArtifact('r', { type: 'progress', progress: 120, key: 'p' }),
        'TRACKING_INPUT',
      ],
      [
        'logModel',
        () => tr.logModel('r', { name: 'm', bytes: 'x' as never, flavor: 'f' }),
        'TRACKING_INPUT',
      ],
      ['registerModel', () => tr.registerModel('', { runId: 'r' }), 'TRACKING_INPUT'],
      ['setModelAlias', () => tr.setModelAlias('m', 'latest', 1), 'TRACKING_INPUT'],
      ['getModelVersion', () => tr.getModelVersion('m', {} as never), 'TRACKING_INPUT'],
      [
        'setFlowRun',
        () =>
          tr.setFlowRun('r', {
            flowName: 'f',
            state: 'NOPE' as never,
            stateHistory: [],
            parameters: {},
          }),
        'TRACKING_INPUT',
      ],
      ['upsertTaskRun', () => tr.upsertTaskRun('r', { taskRunId: '' } as never), 'TRACKING_INPUT'],
      [
        'upsertTaskRun id',
        () => tr.upsertTaskRun('r', { taskRunId: 'a/b', taskName: 't' } as never),
        'TRACKING_INPUT',
      ],
      [
        'logLines',
        () => tr.logLines('r', [{ timestamp: 1, level: 'loud' as never, message: 'x' }]),
        'TRACKING_INPUT',
      ],
      ['localArtifactPath', () => tr.localArtifactPath('r', '/abs'), 'INVALID_ARTIFACT_PATH'],
      [
        'logInputs',
        () => tr.logInputs('r', [{ dataset: { name: 'd', digest: 'x'.repeat(37), source: 's' } }]),
        'INVALID_DATASET_INPUT',
      ],
    ];
    for (const [name, call, code] of calls) {
      await expect(
        call().catch((e: { code?: string; message: string }) =>
          Promise.reject(new Error(`${name}: ${e.code ?? e.message}`)),
        ),
      ).rejects.toThrow(`${name}: ${code}`);
    }
  });

  it('closes its store once and then refuses every call', async () => {
    const store = new MemoryTrackerStore();
    let closes = 0;
    const close = store.close.bind(store);
    store.close = async () => {
      closes++;
      await close();
    };
    const tr = new Tracker(store);
    await tr.close();
    await tr.close();
    expect(closes).toBe(1);
    await expect(tr.listExperiments()).rejects.toMatchObject({ code: 'TRACKING_STORE' });
    await expect(tr.logMetric('r', 'm', 1)).rejects.toMatchObject({ code: 'TRACKING_STORE' });
  });

  it('has no local artifact files over the memory store, but still checks the run', async () => {
    const tr = new MemoryTracker();
    const { info } = await tr.createRun();
    await tr.logArtifact(info.runId, 'a.txt', 'x');
    expect(await tr.localArtifactPath(info.runId, 'a.txt')).toBeUndefined();
    await expect(tr.localArtifactPath('nope', 'a.txt')).rejects.toMatchObject({
      code: 'RUN_NOT_FOUND',
    });
  });
});

describe('tracking URI schemes', () => {
  it('open a registered backend by URI, and settings accept its URIs once it is registered', async () => {
    const env = { TIDEFLOW_HOME: '/nonexistent', TIDEFLOW_TRACKING_URI: 'unit-scheme://host/x' };
    expect(() => resolveFileSettings({}, env)).toThrow(
      /TIDEFLOW_TRACKING_URI: expected a tracking URI of a registered scheme \(http:, https:, memory:, sqlite:\)/,
    );
    await expect(openTracker('unit-scheme://host/x')).rejects.toMatchObject({
      code: 'INVALID_OPTION',
      message: expect.stringMatching(/No tracker is registered for "unit-scheme:" URIs/),
    });
    const opened: [string, unknown][] = [];
    registerTrackerScheme('unit-scheme', (uri, options) => {
      opened.push([uri, options]);
      return new Tracker(new MemoryTrackerStore());
    });
    expect(resolveFileSettings({}, env).values.trackingUri).toBe('unit-scheme://host/x');
    const tracker = await openTracker('unit-scheme://host/x', { cwd: '/tmp', create: false });
    expect(opened).toEqual([['unit-scheme://host/x', { cwd: '/tmp', create: false }]]);
    expect((await tracker.getExperiment('0')).name).toBe('Default');
    await tracker.close();
    expect(() => registerTrackerScheme('bad scheme', () => new MemoryTracker())).toThrow(
      /Invalid tracking URI scheme "bad scheme"/,
    );
  });
});

describe('trackerConformance groups', () => {
  /** The group names the suite declares with these options (no test runs). */
  function groups(options?: Parameters<typeof trackerConformance>[2]): string[] {
    const names: string[] = [];
    const api = {
      describe: (name: string, fn: () => void) => {
        names.push(name);
        fn();
      },
      it: () => {},
      expect: () => {
        throw new Error('no test runs here');
      },
    };
    trackerConformance(api, () => new MemoryTracker(), options);
    return names;
  }

  it('runs every group by default, and a backend can switch groups off', () => {
    const all = [
      'experiments',
      'runs',
      'searchRuns',
      'artifacts',
      'models',
      'orchestration records',
      'change feed',
      'experiment edits',
      'registry edits',
    ];
    for (const g of all) expect(groups()).toContain(g);
    expect(groups({ changes: false })).not.toContain('change feed');
    expect(groups({ experimentEdits: false })).not.toContain('experiment edits');
    expect(groups({ registryEdits: false })).not.toContain('registry edits');
    expect(groups({ registryEdits: false })).toContain('models');
    const basic = groups({ search: false, artifacts: false, models: false, records: false });
    expect(basic).toContain('experiments');
    expect(basic).toContain('params, metrics and tags');
    for (const g of ['searchRuns', 'artifacts', 'models', 'orchestration records'])
      expect(basic).not.toContain(g);
    expect(groups({ models: false })).toContain('artifacts');
  });
});

describe('the entry points', () => {
  it('keep store internals and suites out of the main entry, behind /store and /testing', () => {
    const main = core as Record<string, unknown>;
    for (const internal of [
      'likeToRegExp',
      'encodePageToken',
      'parseSearch',
      'validateKey',
      'paramToString',
      'encodeFileArtifact',
      'newRunId',
      'systemTags',
      'runMatches',
      'encodeEntry',
      'trackerConformance',
      'cacheStoreConformance',
    ])
      expect(main[internal]).toBeUndefined();
    expect(typeof storeEntry.likeToRegExp).toBe('function');
    expect(typeof storeEntry.encodePageToken).toBe('function');
    expect(typeof storeEntry.MemoryTrackerStore).toBe('function');
    expect(typeof testingEntry.trackerConformance).toBe('function');
    expect(typeof testingEntry.cacheStoreConformance).toBe('function');
    expect(typeof core.Tracker).toBe('function');
    expect(typeof core.openTracker).toBe('function');
  });
});

describe('getRegisteredModel', () => {
  async function registry(tr: Tracker): Promise<void> {
    const runId = (await tr.createRun()).info.runId;
    await tr.logModel(runId, { name: 'a', bytes: new Uint8Array([1]), flavor: 'f' });
    for (const name of ['clf', 'other', 'third'])
      await tr.registerModel(name, { runId, modelName: 'a' });
    await tr.setModelAlias('clf', 'champion', 1);
  }

  it('asks a store that reads one model for that model alone, never for the list', async () => {
    const { store, calls } = counted(false);
    const tr = new Tracker(store);
    await registry(tr);
    calls.clear();
    expect(await tr.getRegisteredModel('clf')).toMatchObject({
      name: 'clf',
      aliases: { champion: 1 },
    });
    await expect(tr.getRegisteredModel('nope')).rejects.toMatchObject({ code: 'MODEL_NOT_FOUND' });
    expect(Object.fromEntries(calls)).toEqual({ getRegisteredModel: 2 });
  });

  it('is emulated with one listing for a store without getRegisteredModel', async () => {
    const { store, calls, inner } = counted(true);
    const tr = new Tracker(store);
    await registry(tr);
    calls.clear();
    expect(await tr.getRegisteredModel('other')).toEqual(await inner.getRegisteredModel('other'));
    expect(Object.fromEntries(calls)).toEqual({ listRegisteredModels: 1 });
  });
});
