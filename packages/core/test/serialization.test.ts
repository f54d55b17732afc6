import { Matrix } from 'ml-matrix';
import { describe, expect, it } from 'vitest';
import { SerializationError, SerializerRegistry, defaultSerializers } from '../src/index.js';

class Point {
  constructor(
    readonly x: number,
    readonly y: number,
  ) {}
}
class Point3 extends Point {}
class Unregistered {
  value = 1;
}

describe('SerializerRegistry', () => {
  it('round-trips structured-clone data', () => {
    const value = {
      a: new Float64Array([1, -0, Number.NaN]),
      m: new Map([['k', new Set([1n, 2n])]]),
      d: new Date(5),
      nested: [{ b: undefined }, null, 'x'],
    };
    const back = defaultSerializers.deserialize(defaultSerializers.serialize(value));
    expect(back).toEqual(value);
    expect((back as typeof value).a).toBeInstanceOf(Float64Array);
    expect(Object.is((back as typeof value).a[1], -0)).toBe(true);
  });

  it('uses registered serializers, nested and for subclasses', () => {
    const registry = new SerializerRegistry();
    registry.register(Point, {
      encode: (p) => [p.x, p.y],
      decode: ([x, y]: number[]) => new Point(x, y),
    });
    const back = registry.deserialize(
      registry.serialize({ list: [new Point(1, 2)], sub: new Point3(3, 4) }),
    ) as {
      list: Point[];
      sub: Point;
    };
    expect(back.list[0]).toBeInstanceOf(Point);
    expect(back.list[0]).toEqual(new Point(1, 2));
    expect(back.sub).toEqual(new Point(3, 4));
  });

  it('round-trips ml-matrix Matrix by default', () => {
    const m = new Matrix([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    const back = defaultSerializers.deserialize(defaultSerializers.serialize(m)) as Matrix;
    expect(back).toBeInstanceOf(Matrix);
    expect(back.to2DArray()).toEqual(m.to2DArray());
  });

  it('loads a lazy serializer only when its bytes or an instance of its class are met', () => {
    let loads = 0;
    const lazy = (): SerializerRegistry => {
      const registry = new SerializerRegistry();
      registry.registerLazy('Point', () => {
        loads++;
        return {
          ctor: Point,
          serializer: {
            encode: (p: Point) => [p.x, p.y],
            decode: ([x, y]: number[]) => new Point(x, y),
          },
        };
      });
      return registry;
    };
    const writer = lazy();
    expect(writer.deserialize(writer.serialize({ a: [1], d: new Date(0) }))).toEqual({
      a: [1],
      d: new Date(0),
    });
    expect(loads).toBe(0);
    const bytes = writer.serialize({ p: new Point3(1, 2) });
    expect(loads).toBe(1);
    const reader = lazy();
    expect(reader.deserialize(bytes)).toEqual({ p: new Point(1, 2) });
    expect(loads).toBe(2);
    expect(reader.has(new Point(0, 0))).toBe(true);
    expect(loads).toBe(2);
    expect(() => lazy().serialize(new Unregistered())).toThrow(/Unregistered instance at \$/);
    expect(loads).toBe(3);
    const clash = lazy();
    expect(() =>
      clash.registerLazy('Point', () => ({ ctor: Point, serializer: {} as never })),
    ).toThrow(/"Point" is already registered/);
    expect(() =>
      clash.register(Unregistered, { encode: () => 0, decode: () => new Unregistered() }, 'Point'),
    ).toThrow(/already registered for another class/);
  });

  it('refuses unregistered class instances and functions, naming the path', () => {
    const registry = new SerializerRegistry();
    expect(() => registry.serialize({ inner: [new Unregistered()] })).toThrow(
      /Unregistered instance at \$\.inner\[0\]/,
    );
    expect(() => registry.serialize({ f: () => 1 })).toThrow(SerializationError);
  });

  it('fails clearly on an unknown tag and on a name clash', () => {
    const a = new SerializerRegistry();
    a.register(Point, { encode: (p) => [p.x, p.y], decode: ([x, y]: number[]) => new Point(x, y) });
    const bytes = a.serialize(new Point(1, 2));
    expect(() => new SerializerRegistry().deserialize(bytes)).toThrow(
      /No serializer is registered under "Point"/,
    );
    expect(() =>
      a.register(Unregistered, { encode: () => 0, decode: () => new Unregistered() }, 'Point'),
    ).toThrow(SerializationError);
  });
});
