import { Matrix } from 'ml-matrix';

/**
 * Values with every encoding the structural hash defines. With `reversed`, objects, Maps and Sets
 * are built in the opposite insertion order, which must not change any hash.
 */
export function hashFixtures(reversed: boolean): Record<string, unknown> {
  const order = <T>(items: T[]): T[] => (reversed ? [...items].reverse() : items);
  const object = (entries: Array<[string, unknown]>) => Object.fromEntries(order(entries));
  const f64 = new Float64Array(3000).map((_, i) => Math.sin(i) * 1e3);
  return {
    numbers: [0, -0, 1.5, Number.NaN, Infinity, -Infinity, Number.MAX_VALUE, 5e-324],
    strings: ['', 'a', 'héllo', '日本語', '\ud800', 'a'.repeat(100_000)],
    object: object([
      ['a', 1],
      ['b', { c: [1, 2, { d: 'x' }], e: null }],
      ['f', undefined],
    ]),
    holes: [1, , 3], // eslint-disable-line no-sparse-arrays
    date: new Date(Date.UTC(2024, 0, 2, 3, 4, 5, 6)),
    map: new Map<unknown, unknown>(
      order([
        ['a', 1],
        [2, new Set([3])],
        [{ k: 1 }, 'obj'],
      ]),
    ),
    set: new Set<unknown>(order([1, 'two', [3], { four: 4 }])),
    bigint: [0n, -1n, 2n ** 100n],
    buffer: Buffer.from('bytes'),
    arrayBuffer: new Uint8Array([1, 2, 3]).buffer,
    dataView: new DataView(new Uint8Array([4, 5, 6]).buffer),
    typed: [
      new Int8Array([-1, 2]),
      new Uint8Array([1, 2]),
      new Uint8ClampedArray([1, 2]),
      new Int16Array([-1, 2]),
      new Uint16Array([1, 2]),
      new Int32Array([-1, 2]),
      new Uint32Array([1, 2]),
      new Float32Array([1.5, -0]),
      new Float64Array([1.5, -0]),
      new BigInt64Array([-1n, 2n]),
      new BigUint64Array([1n, 2n]),
    ],
    largeTyped: f64,
    matrix: new Matrix([
      [1, 2, 3],
      [4, 5, 6],
    ]),
    regexp: /a+b/gi,
    boxed: [Object(1), Object('s'), Object(true)],
    symbol: Symbol.for('tideflow.test'),
  };
}
