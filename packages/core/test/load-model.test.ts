import { afterEach, describe, expect, it } from 'vitest';
import {
  MemoryTracker,
  SerializerRegistry,
  configure,
  loadModel,
  parseModelUri,
  resetConfiguration,
  silentLogger,
} from '@tideflow/core';
import type { Tracker } from '@tideflow/core';

class Doubler {
  constructor(readonly factor: number) {}
  predict(xs: number[]): number[] {
    return xs.map((x) => x * this.factor);
  }
}

const serializers = new SerializerRegistry();
serializers.register<Doubler, number>(Doubler, {
  encode: (d) => d.factor,
  decode: (f) => new Doubler(f),
});

/** Two runs each logging a model, registered as v1 (alias champion) and v2 of `doubler`. */
async function seeded(): Promise<{ tracker: MemoryTracker; runs: string[] }> {
  const tracker = new MemoryTracker();
  const runs: string[] = [];
  for (const factor of [2, 3]) {
    const run = await tracker.createRun();
    await tracker.logModel(run.info.runId, {
      name: 'model',
      bytes: serializers.serialize(new Doubler(factor)),
      flavor: 'test.doubler',
    });
    await tracker.registerModel('doubler', { runId: run.info.runId, modelName: 'model' });
    runs.push(run.info.runId);
  }
  await tracker.setModelAlias('doubler', 'champion', 1);
  return { tracker, runs };
}

afterEach(() => resetConfiguration());

describe('loadModel', () => {
  it('loads by alias, version, latest and run path, decoded and ready to predict', async () => {
    const { tracker, runs } = await seeded();
    const load = (uri: string) => loadModel<Doubler>(uri, { tracker, serializers });
    expect((await load('models:/doubler@champion')).predict([1, 2])).toEqual([2, 4]);
    expect((await load('models:/doubler/2')).factor).toBe(3);
    expect((await load('models:/doubler/v1')).factor).toBe(2);
    expect((await load('models:/doubler/latest')).factor).toBe(3);
    expect((await load(`runs:/${runs[0]}/models/model`)).factor).toBe(2);
    expect((await load(`runs:/${runs[1]}/model`)).factor).toBe(3);
    expect((await load(`runs:/${runs[1]}/models/model/model.bin`)).factor).toBe(3);
    await expect(load('models:/doubler@staging')).rejects.toMatchObject({
      code: 'MODEL_NOT_FOUND',
    });
    await expect(load('models:/doubler/7')).rejects.toMatchObject({ code: 'MODEL_NOT_FOUND' });
    await expect(load(`runs:/${runs[0]}/models/other`)).rejects.toMatchObject({
      code: 'MODEL_URI',
    });
  });

  it('uses the configured tracker by default', async () => {
    const { tracker } = await seeded();
    configure({ tracker, logger: silentLogger });
    expect((await loadModel<Doubler>('models:/doubler@champion', { serializers })).factor).toBe(2);
    configure({ tracker: false });
    await expect(loadModel('models:/doubler@champion')).rejects.toMatchObject({
      code: 'TRACKING_STORE',
    });
  });

  it('refuses a malformed URI with ModelUriError before reading the store', async () => {
    const untouched = new Proxy({} as Tracker, {
      get: () => {
        throw new Error('the store was read');
      },
    });
    for (const uri of [
      'models:/doubler',
      'models:/doubler/champion',
      'models:/@champion',
      'model:/doubler/1',
      'runs:/',
      'runs:/bad id!/model',
      's3://bucket/model',
    ]) {
      await expect(loadModel(uri, { tracker: untouched })).rejects.toMatchObject({
        code: 'MODEL_URI',
      });
    }
    expect(parseModelUri('models:/a.b-c@prod')).toEqual({
      kind: 'registered',
      name: 'a.b-c',
      version: 'prod',
    });
  });
});
