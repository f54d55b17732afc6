import { afterEach, describe, expect, it } from 'vitest';
import {
  MemoryTracker,
  Registry,
  TrackingInputError,
  configure,
  createMemoryCacheStore,
  flow,
  resetConfiguration,
  silentLogger,
  track,
  type AliasChallenge,
  type ModelSignature,
} from '../src/index.js';

afterEach(() => resetConfiguration());

const xy: ModelSignature = {
  inputs: [
    { name: 'x', type: 'double' },
    { name: 'y', type: 'double' },
  ],
  outputs: [{ name: 'a', type: 'double' }],
};
const xyz: ModelSignature = { ...xy, inputs: [...xy.inputs, { name: 'z', type: 'double' }] };

function setup() {
  const tracker = new MemoryTracker();
  configure({ tracker, logger: silentLogger, cacheStore: createMemoryCacheStore() });
  const registry = new Registry();
  let n = 0;
  const run = flow(
    async function registerModel(
      accuracy: number,
      weights: number,
      signature: ModelSignature,
      challenge: AliasChallenge | null,
    ) {
      return track.model(
        { weights: Float64Array.of(weights) },
        {
          name: 'clf',
          signature,
          metrics: { accuracy, log_loss: 1 - accuracy },
          register: { name: 'blobs', alias: 'champion', challenge: challenge ?? undefined },
        },
      );
    },
    { registry },
  );
  /** Logs and registers one model (distinct bytes unless `weights` repeats) in its own flow run. */
  const register = (
    accuracy: number,
    options: { challenge?: AliasChallenge; signature?: ModelSignature; weights?: number } = {},
  ) =>
    run(
      accuracy,
      options.weights ?? ++n,
      options.signature ?? xy,
      'challenge' in options ? (options.challenge ?? null) : { metric: 'accuracy' },
    );
  const champion = async () => (await tracker.getModelVersion('blobs', 'champion')).version;
  return { register, champion };
}

describe('track.model register.challenge', () => {
  it('moves the alias only to a strictly better version of the same signature', async () => {
    const { register, champion } = setup();
    expect((await register(0.91))?.alias).toEqual({
      alias: 'champion',
      moved: true,
      reason: 'new',
      metric: 'accuracy',
      previous: null,
      candidate: { version: 1, value: 0.91 },
    });
    const better = await register(0.93);
    expect(better?.alias).toMatchObject({
      moved: true,
      reason: 'better',
      previous: { version: 1, value: 0.91 },
      candidate: { version: 2, value: 0.93 },
    });
    expect(await champion()).toBe(2);

    const worse = await register(0.9);
    expect(worse?.version?.version).toBe(3);
    expect(worse?.alias).toMatchObject({ moved: false, reason: 'not-better' });
    const tie = await register(0.93);
    expect(tie?.alias).toMatchObject({
      moved: false,
      reason: 'not-better',
      previous: { version: 2, value: 0.93 },
    });
    const otherSignature = await register(0.99, { signature: xyz });
    expect(otherSignature?.alias).toMatchObject({ moved: false, reason: 'other-signature' });
    expect(await champion()).toBe(2);
  });

  it('compares the other way for a loss, forces the move without a challenge, and reports an identical model', async () => {
    const { register, champion } = setup();
    const loss = { metric: 'log_loss', higherIsBetter: false };
    await register(0.5, { challenge: loss });
    expect((await register(0.6, { challenge: loss }))?.alias?.reason).toBe('better');
    expect((await register(0.55, { challenge: loss }))?.alias?.reason).toBe('not-better');
    expect(await champion()).toBe(2);
    const forced = await register(0.1, { challenge: undefined });
    expect(forced?.alias).toMatchObject({ moved: true, reason: 'forced', metric: null });
    expect(await champion()).toBe(4);
    const promoted = await register(0.05, { challenge: { metric: 'accuracy', force: true } });
    expect(promoted?.alias).toMatchObject({
      moved: true,
      reason: 'forced',
      previous: { version: 4, value: 0.1 },
      candidate: { version: 5, value: 0.05 },
    });
    // The same bytes as the latest version register no version: the alias already points there.
    const again = await register(0.05, { weights: 5 });
    expect(again?.version?.version).toBe(5);
    expect(again?.alias).toMatchObject({ moved: false, reason: 'unchanged' });
  });

  it('refuses a challenge without an alias or a metric before logging anything', async () => {
    const tracker = new MemoryTracker();
    configure({ tracker, logger: silentLogger, cacheStore: createMemoryCacheStore() });
    const bad = flow(
      async function badChallenge(register: Record<string, unknown>) {
        return track.model({ w: 1 }, { name: 'clf', register: register as { name: string } });
      },
      { registry: new Registry() },
    );
    await expect(bad({ name: 'm', challenge: { metric: 'accuracy' } })).rejects.toThrow(
      /register\.challenge needs register\.alias/,
    );
    await expect(bad({ name: 'm', alias: 'champion', challenge: {} })).rejects.toThrow(
      TrackingInputError,
    );
    await expect(tracker.listRegisteredModels()).resolves.toEqual([]);
  });
});
