import { execFile } from 'node:child_process';
import { Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Matrix } from 'ml-matrix';
import { describe, expect, it } from 'vitest';
import {
  SerializerRegistry,
  UnhashableValueError,
  defaultSerializers,
  hashValue,
} from '../src/index.js';
import { hashFixtures } from './cache-helpers/values.js';
import { StructuralHasher } from '../src/cache/hash.js';

const h = (value: unknown, registry: SerializerRegistry = defaultSerializers) =>
  hashValue(value, registry);

/** The error `hashValue` throws for `value`. */
function failure(value: unknown, registry: SerializerRegistry = defaultSerializers) {
  try {
    h(value, registry);
  } catch (error) {
    return error as UnhashableValueError;
  }
  throw new Error('expected hashValue to throw');
}

class Point {
  constructor(
    readonly x: number,
    readonly y: number,
  ) {}
}

describe('hashValue', () => {
  it('gives the same hashes in another process, with every insertion order reversed', async () => {
    const child = fileURLToPath(new URL('./cache-helpers/hash-child.ts', import.meta.url));
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', child], {
      cwd: fileURLToPath(new URL('../../..', import.meta.url)),
    });
    const theirs = JSON.parse(stdout) as Record<string, string>;
    const ours = Object.fromEntries(
      Object.entries(hashFixtures(false)).map(([name, value]) => [name, h(value)]),
    );
    expect(Object.keys(ours).length).toBeGreaterThan(15);
    expect(theirs).toEqual(ours);
    expect(new Set(Object.values(ours)).size).toBe(Object.keys(ours).length);
  });

  it('is a 64-hex-digit SHA-256 and is stable for equal values', () => {
    expect(h({ a: [1, 2] })).toMatch(/^[0-9a-f]{64}$/);
    expect(h({ a: [1, 2] })).toBe(h({ a: [1, 2] }));
  });

  it('ignores object key order at every depth', () => {
    expect(h({ a: 1, b: { c: 2, d: 3 } })).toBe(h({ b: { d: 3, c: 2 }, a: 1 }));
    expect(h(Object.assign(Object.create(null) as object, { x: 1 }))).toBe(h({ x: 1 }));
  });

  it('tells apart -0 and 0, but treats every NaN alike', () => {
    expect(h(-0)).not.toBe(h(0));
    expect(h([0])).not.toBe(h([-0]));
    const otherNaN = new Float64Array(new BigUint64Array([0x7ff8000000000001n]).buffer)[0];
    expect(Number.isNaN(otherNaN)).toBe(true);
    expect(h(otherNaN)).toBe(h(Number.NaN));
    expect(h(Number.NaN)).not.toBe(h(undefined));
    expect(h(Number.NaN)).not.toBe(h(null));
  });

  it('tells apart undefined, a missing property, null and an array hole', () => {
    expect(h({ a: undefined })).not.toBe(h({}));
    expect(h({ a: undefined })).not.toBe(h({ a: null }));
    // eslint-disable-next-line no-sparse-arrays
    expect(h([1, , 3])).not.toBe(h([1, undefined, 3]));
    expect(h([undefined])).not.toBe(h([null]));
  });

  it('gives every primitive type its own encoding', () => {
    const values = [1, '1', 1n, true, 'true', null, 'null', [1], { 0: 1 }, new Set([1])];
    expect(new Set(values.map((v) => h(v))).size).toBe(values.length);
    expect(h(2n ** 70n)).not.toBe(h(2n ** 71n));
    expect(h(-5n)).not.toBe(h(5n));
  });

  it('frames values so that different splits of the same characters differ', () => {
    expect(h(['ab', 'c'])).not.toBe(h(['a', 'bc']));
    expect(h({ a: 'b' })).not.toBe(h({ ab: '' }));
    expect(new StructuralHasher(defaultSerializers).add('ab').add('c').digest()).not.toBe(
      new StructuralHasher(defaultSerializers).add('a').add('bc').digest(),
    );
  });

  it('keeps lone surrogates distinct from the replacement character', () => {
    expect(h('\ud800')).not.toBe(h('\ufffd'));
    expect(h('\ud800')).not.toBe(h('\udc00'));
  });

  it('hashes long strings that do not fit the scratch buffer', () => {
    const long = 'x'.repeat(200_000);
    expect(h(long)).toBe(h('x'.repeat(200_000)));
    expect(h(long)).not.toBe(h(long + 'y'));
  });

  it('hashes Dates by their time, and invalid Dates alike', () => {
    expect(h(new Date(5))).toBe(h(new Date(5)));
    expect(h(new Date(5))).not.toBe(h(new Date(6)));
    expect(h(new Date(5))).not.toBe(h(5));
    expect(h(new Date(Number.NaN))).toBe(h(new Date('not a date')));
  });

  it('hashes Maps and Sets by content, whatever their insertion order', () => {
    expect(
      h(
        new Map<unknown, unknown>([
          ['a', 1],
          [2, 'b'],
        ]),
      ),
    ).toBe(
      h(
        new Map<unknown, unknown>([
          [2, 'b'],
          ['a', 1],
        ]),
      ),
    );
    expect(h(new Map([['a', 1]]))).not.toBe(h(new Map([['a', 2]])));
    expect(h(new Map([['a', 1]]))).not.toBe(h({ a: 1 }));
    expect(h(new Set([1, 2, 3]))).toBe(h(new Set([3, 1, 2])));
    expect(h(new Set([1, 2]))).not.toBe(h(new Set([1, 2, 3])));
    expect(h(new Set([1, 2]))).not.toBe(h([1, 2]));
    expect(h(new Set([new Map([[1, new Set(['x', 'y'])]])]))).toBe(
      h(new Set([new Map([[1, new Set(['y', 'x'])]])])),
    );
  });

  it('hashes BigInts, RegExps and boxed primitives', () => {
    expect(h(10n)).toBe(h(BigInt(10)));
    expect(h(/a/g)).not.toBe(h(/a/i));
    expect(h(/a/g)).toBe(h(new RegExp('a', 'g')));
    expect(h(Object(1))).not.toBe(h(1));
    expect(h(Object('s'))).toBe(h(Object('s')));
  });

  it('hashes Buffers, ArrayBuffers, DataViews and typed arrays as bytes with their type', () => {
    const bytes = [1, 2, 3, 4, 5, 6, 7, 8];
    const kinds = [
      Buffer.from(bytes),
      new Uint8Array(bytes),
      new Uint8Array(bytes).buffer,
      new DataView(new Uint8Array(bytes).buffer),
      new Int8Array(bytes),
      new Uint8ClampedArray(bytes),
      new Int16Array(new Uint8Array(bytes).buffer),
      new Uint16Array(new Uint8Array(bytes).buffer),
      new Int32Array(new Uint8Array(bytes).buffer),
      new Uint32Array(new Uint8Array(bytes).buffer),
      new Float32Array(new Uint8Array(bytes).buffer),
      new Float64Array(new Uint8Array(bytes).buffer),
      new BigInt64Array(new Uint8Array(bytes).buffer),
      new BigUint64Array(new Uint8Array(bytes).buffer),
      bytes,
    ];
    // Same bytes, different types: all distinct.
    expect(new Set(kinds.map((v) => h(v))).size).toBe(kinds.length);
    expect(h(Buffer.from(bytes))).toBe(h(Buffer.from(bytes)));
    expect(h(new Float64Array([1, 2]))).not.toBe(h(new Float64Array([1, 3])));
    expect(h(new Float64Array([1, 2]))).not.toBe(h(new Float64Array([1, 2, 0])));
  });

  it('hashes only the bytes a typed array view covers', () => {
    const whole = new Float64Array([9, 1, 2, 9]);
    expect(h(whole.subarray(1, 3))).toBe(h(new Float64Array([1, 2])));
    expect(h(Buffer.from(whole.buffer, 8, 16))).toBe(
      h(Buffer.from(new Float64Array([1, 2]).buffer)),
    );
  });

  it('hashes large typed arrays by content', () => {
    const a = new Float64Array(300_000).map((_, i) => i / 7);
    const b = a.slice();
    expect(h(a)).toBe(h(b));
    b[299_999] += 1e-9;
    expect(b[299_999]).not.toBe(a[299_999]);
    expect(h(a)).not.toBe(h(b));
  });

  it('hashes ml-matrix Matrices by shape and values', () => {
    const m = new Matrix([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    expect(h(m)).toBe(h(m.clone()));
    expect(h(m)).not.toBe(h(m.transpose()));
    expect(h(m)).not.toBe(h(new Matrix([[1, 2, 3, 4, 5, 6]])));
    const changed = m.clone();
    changed.set(1, 2, 6.5);
    expect(h(m)).not.toBe(h(changed));
    expect(h(m)).not.toBe(h(new Float64Array([1, 2, 3, 4, 5, 6])));
    expect(h(m)).not.toBe(h(m.to2DArray()));
  });

  it('hashes instances of registered classes through their serializer', () => {
    const registry = new SerializerRegistry();
    registry.register(Point, { encode: (p) => [p.x, p.y], decode: ([x, y]) => new Point(x, y) });
    expect(h(new Point(1, 2), registry)).toBe(h(new Point(1, 2), registry));
    expect(h(new Point(1, 2), registry)).not.toBe(h(new Point(2, 1), registry));
    expect(h(new Point(1, 2), registry)).not.toBe(h([1, 2], registry));
  });

  it('refuses functions, naming where they are', () => {
    const error = failure({ cfg: { onDone: function onDone() {} } });
    expect(error).toBeInstanceOf(UnhashableValueError);
    expect(error.code).toBe('UNHASHABLE_VALUE');
    expect(error.path).toBe('.cfg.onDone');
    expect(error.message).toContain('function (onDone)');
    expect(failure([1, [2, () => 3]]).path).toBe('[1][1]');
    expect(failure({ 'odd key': () => 1 }).path).toBe('["odd key"]');
    expect(failure(new Map([['k', () => 1]])).path).toBe('.get("k")');
  });

  it('refuses sockets and instances of classes without a registered encoding', () => {
    const socket = new Socket();
    try {
      const error = failure({ conn: socket });
      expect(error.path).toBe('.conn');
      expect(error.message).toContain('Socket instance without a registered encoding');
      expect(error.message).toContain('registerSerializer(Socket');
    } finally {
      socket.destroy();
    }
    expect(failure(new Point(1, 2), new SerializerRegistry()).message).toContain(
      'Point instance without a registered encoding',
    );
    expect(failure(Promise.resolve(1)).message).toContain('await it');
    expect(failure(new WeakMap()).message).toContain('WeakMap');
  });

  it('refuses unregistered symbols and accepts Symbol.for symbols', () => {
    expect(failure(Symbol('local')).message).toContain('Symbol.for');
    expect(h(Symbol.for('a'))).toBe(h(Symbol.for('a')));
    expect(h(Symbol.for('a'))).not.toBe(h('a'));
  });

  it('refuses circular references instead of looping', () => {
    const a: Record<string, unknown> = { name: 'a' };
    a.self = a;
    expect(failure(a).message).toContain('circular reference');
    const list: unknown[] = [];
    list.push([list]);
    expect(failure(list).message).toContain('circular reference');
    // A shared, non-circular reference is fine.
    const shared = { v: 1 };
    expect(h([shared, shared])).toBe(h([{ v: 1 }, { v: 1 }]));
  });

  it('keeps working after a failure (the scratch encoder is reset)', () => {
    failure({ f: () => 1, big: new Float64Array(10) });
    expect(h({ a: [1, 2] })).toBe(h({ a: [1, 2] }));
    expect(h(new Set([1, 2]))).toBe(h(new Set([2, 1])));
  });
});
