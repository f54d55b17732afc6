// How a call's buffers are prepared for a worker: large ones copied once to be transferred, small
// and shared ones left to the structured clone.
import { describe, expect, it } from 'vitest';
import { defaultSerializers } from '../src/index.js';
import { TRANSFER_MIN_BYTES, encodeCall, encodeResult } from '../src/workers/transfer.js';

const call = (...args: unknown[]) =>
  encodeCall(defaultSerializers, 't', ['a', 'b', 'c'], undefined, args);

describe('encodeCall', () => {
  it('copies each large buffer once, to transfer, and keeps view types and offsets', () => {
    const big = new Float64Array(TRANSFER_MIN_BYTES / 8);
    big[3] = 3;
    const head = new Int32Array(big.buffer, 8, 4);
    const view = new DataView(big.buffer, 16, 16);
    const { args, transferList } = call(big, { head, nested: [view] });
    expect(transferList).toHaveLength(1);
    const [sentBig, sentRest] = args as [Float64Array, { head: Int32Array; nested: DataView[] }];
    expect(sentBig).not.toBe(big);
    expect(sentBig.buffer).toBe(transferList[0]);
    expect(sentBig[3]).toBe(3);
    expect(sentRest.head).toBeInstanceOf(Int32Array);
    expect([sentRest.head.byteOffset, sentRest.head.length]).toEqual([8, 4]);
    expect(sentRest.head.buffer).toBe(transferList[0]);
    expect(sentRest.nested[0]).toBeInstanceOf(DataView);
    expect(sentRest.nested[0].getFloat64(8, true)).toBe(3);
    // The caller's buffer is never the one transferred.
    expect(transferList).not.toContain(big.buffer);
  });

  it('leaves small and shared buffers to the structured clone', () => {
    const small = new Float64Array(8);
    const shared = new Float64Array(new SharedArrayBuffer(TRANSFER_MIN_BYTES * 2));
    const { args, transferList } = call(small, shared, new ArrayBuffer(16));
    expect(transferList).toEqual([]);
    expect(args[0]).toBe(small);
    expect(args[1]).toBe(shared);
  });

  it('copies an ArrayBuffer given as such, once for all its views', () => {
    const raw = new ArrayBuffer(TRANSFER_MIN_BYTES);
    new Uint8Array(raw)[0] = 1;
    const { args, transferList } = call(raw, new Uint8Array(raw, 0, 4), raw);
    expect(transferList).toHaveLength(1);
    expect(args[0]).toBe(transferList[0]);
    expect(args[2]).toBe(transferList[0]);
    expect((args[1] as Uint8Array).buffer).toBe(transferList[0]);
    expect((args[1] as Uint8Array)[0]).toBe(1);
  });
});

describe('encodeResult', () => {
  it('copies the large buffers of a result, to transfer', () => {
    const big = new Float64Array(TRANSFER_MIN_BYTES / 8).fill(2);
    const { value, transferList } = encodeResult(defaultSerializers, { big });
    expect(transferList).toHaveLength(1);
    expect((value as { big: Float64Array }).big).not.toBe(big);
    expect((value as { big: Float64Array }).big[0]).toBe(2);
  });
});
