import type { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { queueKeys } from '../src/keys.js';
import { getPayload, pack, putPayload, type Payload, type PayloadStore } from '../src/payload.js';

// Inline payloads never touch Redis.
const store: PayloadStore = {
  redis: undefined as unknown as Redis,
  keys: queueKeys('bull', 'payload-test'),
  inlineLimit: 65_536,
  ttlMs: 60_000,
};

/** A value through a payload and the JSON that BullMQ makes of job data and results. */
async function roundTrip(value: unknown): Promise<{ payload: Payload; back: unknown }> {
  const payload = await putPayload(store, pack(value, store.inlineLimit));
  const travelled = JSON.parse(JSON.stringify({ payload })) as { payload: Payload };
  return { payload, back: await getPayload(store.redis, travelled.payload) };
}

describe('payloads', () => {
  it('carry plain JSON values as themselves', async () => {
    const values = [
      0,
      -1.5e-308,
      'text with "quotes", \\ and \u0000',
      true,
      null,
      [1, 'a', [null, false]],
      { a: 1, nested: { list: [1, 2] } },
      JSON.parse('{"__proto__": {"polluted": true}}'),
    ];
    for (const value of values) {
      const { payload, back } = await roundTrip(value);
      expect(payload).toEqual({ json: value });
      expect(back).toStrictEqual(value);
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('carry what JSON would change as V8 bytes, unchanged', async () => {
    const cyclic: Record<string, unknown> = { name: 'loop' };
    cyclic.self = cyclic;
    const values = [
      Number.NaN,
      Number.POSITIVE_INFINITY,
      -0,
      undefined,
      [1, undefined],
      // eslint-disable-next-line no-sparse-arrays
      [1, , 3],
      { a: undefined },
      new Date(0),
      new Map([['k', 1]]),
      new Set([1]),
      10n ** 30n,
      new Float64Array([1, 2]),
      Object.assign(Object.create(null) as object, { a: 1 }),
      { deep: JSON.parse('['.repeat(40) + ']'.repeat(40)) as unknown },
      cyclic,
    ];
    for (const value of values) {
      const { payload, back } = await roundTrip(value);
      expect(Object.keys(payload)).toEqual(['inline']);
      if (value === cyclic) expect((back as typeof cyclic).self).toBe(back);
      else if (Object.getPrototypeOf(value ?? 0) === null) expect(back).toEqual({ a: 1 });
      else expect(back).toStrictEqual(value);
    }
  });

  it('carry a value larger than the inline limit as bytes, whatever it is', () => {
    const big = 'x'.repeat(20_000);
    expect(Buffer.isBuffer(pack(big, store.inlineLimit))).toBe(true);
    expect(
      Buffer.isBuffer(
        pack(
          Array.from({ length: 5000 }, (_, i) => i),
          65_536,
        ),
      ),
    ).toBe(true);
    expect(
      pack(
        Array.from({ length: 100 }, (_, i) => i),
        65_536,
      ),
    ).toEqual({
      json: Array.from({ length: 100 }, (_, i) => i),
    });
  });

  it('refuse what cannot cross at all', () => {
    expect(() => pack({ f: () => 1 }, store.inlineLimit)).toThrow();
    expect(() => pack(Symbol('s'), store.inlineLimit)).toThrow();
  });
});
