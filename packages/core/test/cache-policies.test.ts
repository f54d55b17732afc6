import { Socket } from 'node:net';
import { Keyv } from 'keyv';
import { describe, expect, it } from 'vitest';
import {
  CacheKeyError,
  InvalidOptionError,
  SerializerRegistry,
  TaskCache,
  combinePolicies,
  defaultSerializers,
  hashValue,
  flowParameters,
  inputs,
  none,
  normalizeCacheOptions,
  runId,
  taskSource,
} from '../src/index.js';
import type { CacheOptions, CachePolicy, CacheRequest } from '../src/index.js';
import { parameterNames } from '../src/engine/param-names.js';
import { recordingLogger } from './cache-helpers/logger.js';
import { parseCacheKey } from '../src/cache/keys.js';
import { parseExpiration } from '../src/cache/expiration.js';

function train(name: string, data: { rows: number[][] }, logger?: unknown) {
  void logger;
  return `${name}:${data.rows.length}`;
}

function trainEdited(name: string, data: { rows: number[][] }, logger?: unknown) {
  void logger;
  return `${name}:${data.rows.length}!`;
}

const cache = new TaskCache({ logger: recordingLogger() });

function request(args: unknown[], extra: Partial<CacheRequest> = {}): CacheRequest {
  const fn = extra.fn ?? train;
  return {
    taskName: 'Pipeline.train',
    fn,
    args,
    paramNames: parameterNames(fn),
    ...extra,
  };
}

function keyOf(options: true | CacheOptions, args: unknown[], extra: Partial<CacheRequest> = {}) {
  return cache.computeKey(normalizeCacheOptions('Pipeline.train', options), request(args, extra));
}

function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a throw');
}

const data = { rows: [[1, 2, 3]] };

describe('cache policies and keys', () => {
  it('keys carry the task name, so that one task can be listed and cleared', () => {
    const key = keyOf(true, ['knn', data])!;
    expect(parseCacheKey(key)).toEqual({
      taskName: 'Pipeline.train',
      id: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    const odd = cache.computeKey(normalizeCacheOptions('a:b%c', true), {
      ...request(['knn', data]),
      taskName: 'a:b%c',
    })!;
    expect(parseCacheKey(odd)?.taskName).toBe('a:b%c');
  });

  it('inputs: equal arguments give equal keys, a changed argument a different key', () => {
    const a = keyOf({ policy: inputs }, ['knn', { rows: [[1, 2, 3]] }]);
    expect(keyOf({ policy: inputs }, ['knn', { rows: [[1, 2, 3]] }])).toBe(a);
    expect(keyOf({ policy: inputs }, ['svm', { rows: [[1, 2, 3]] }])).not.toBe(a);
    expect(keyOf({ policy: inputs }, ['knn', { rows: [[1, 2, 4]] }])).not.toBe(a);
  });

  it('inputs: a missing trailing argument equals an explicit undefined', () => {
    expect(keyOf({ policy: inputs }, ['knn', data])).toBe(
      keyOf({ policy: inputs }, ['knn', data, undefined]),
    );
    expect(keyOf({ policy: inputs }, ['knn', data])).not.toBe(
      keyOf({ policy: inputs }, ['knn', data, null]),
    );
  });

  it('inputs: arguments past the declared parameters count', () => {
    expect(keyOf({ policy: inputs }, ['knn', data, 1, 'extra'])).not.toBe(
      keyOf({ policy: inputs }, ['knn', data, 1, 'other']),
    );
  });

  it('inputs.without() leaves arguments out of the key', () => {
    const policy = inputs.without('logger');
    const withA = keyOf({ policy }, ['knn', data, { level: 1 }]);
    expect(keyOf({ policy }, ['knn', data, { level: 2 }])).toBe(withA);
    expect(keyOf({ policy }, ['svm', data, { level: 1 }])).not.toBe(withA);
    const both = inputs.without('logger').without('data');
    expect(both.excluded).toEqual(['logger', 'data']);
    expect(keyOf({ policy: both }, ['knn', { rows: [] }, 1])).toBe(
      keyOf({ policy: both }, ['knn', data, 2]),
    );
    expect(inputs.excluded).toEqual([]);
  });

  it('inputs.without() lets an unhashable argument through', () => {
    const socket = new Socket();
    try {
      const policy = inputs.without('logger');
      expect(keyOf({ policy }, ['knn', data, socket])).toBe(keyOf({ policy }, ['knn', data, 1]));
    } finally {
      socket.destroy();
    }
  });

  it('inputs.without() with a name that is not a parameter is an error naming the task', () => {
    const error = thrown(() => keyOf({ policy: inputs.without('loger') }, ['knn', data]));
    expect(error).toBeInstanceOf(InvalidOptionError);
    expect(error.message).toContain('Pipeline.train');
    expect(error.message).toContain('"loger"');
    expect(error.message).toContain('name, data, logger');
    expect(() => inputs.without('')).toThrow(InvalidOptionError);
  });

  it('raises CacheKeyError naming the task and argument for a function, socket or unregistered class', () => {
    const fnError = thrown(() => keyOf(true, ['knn', { rows: [], onRow: () => 1 }]));
    expect(fnError).toBeInstanceOf(CacheKeyError);
    expect(fnError).toMatchObject({
      code: 'CACHE_KEY',
      taskName: 'Pipeline.train',
      argument: 'data',
    });
    expect(fnError.message).toContain('data.onRow');
    expect(fnError.message).toContain("inputs.without('data')");

    const socket = new Socket();
    try {
      const socketError = thrown(() => keyOf(true, ['knn', data, socket]));
      expect(socketError).toMatchObject({ argument: 'logger' });
      expect(socketError.message).toContain('Socket instance without a registered encoding');
    } finally {
      socket.destroy();
    }

    class Model {
      weights = [1];
    }
    const classError = thrown(() => keyOf(true, [new Model(), data]));
    expect(classError).toMatchObject({ argument: 'name' });
    expect(classError.message).toContain('Model instance');
  });

  it('taskSource: editing the function changes the key; arguments do not', () => {
    const a = keyOf({ policy: taskSource }, ['knn', data]);
    expect(keyOf({ policy: taskSource }, ['svm', data])).toBe(a);
    expect(
      keyOf({ policy: taskSource }, ['knn', data], {
        fn: trainEdited,
      }),
    ).not.toBe(a);
  });

  it('cache: true is [inputs, taskSource], in any order', () => {
    const t = keyOf(true, ['knn', data]);
    expect(keyOf({ policy: [inputs, taskSource] }, ['knn', data])).toBe(t);
    expect(keyOf({ policy: [taskSource, inputs] }, ['knn', data])).toBe(t);
    expect(keyOf({ policy: inputs }, ['knn', data])).not.toBe(t);
    expect(keyOf(true, ['knn', data], { fn: trainEdited })).not.toBe(t);
  });

  it('flowParameters: the key follows the enclosing flow run parameters only', () => {
    const a = keyOf({ policy: flowParameters }, ['knn', data], { flowParameters: { seed: 1 } });
    expect(keyOf({ policy: flowParameters }, ['svm', data], { flowParameters: { seed: 1 } })).toBe(
      a,
    );
    expect(
      keyOf({ policy: flowParameters }, ['knn', data], { flowParameters: { seed: 2 } }),
    ).not.toBe(a);
    expect(keyOf({ policy: flowParameters }, ['knn', data])).not.toBe(a);
  });

  it('runId: keys are per flow run, and nothing is cached outside one', () => {
    const r1 = keyOf({ policy: [runId, inputs] }, ['knn', data], { flowRunId: 'run-1' });
    expect(keyOf({ policy: [runId, inputs] }, ['knn', data], { flowRunId: 'run-1' })).toBe(r1);
    expect(keyOf({ policy: [runId, inputs] }, ['knn', data], { flowRunId: 'run-2' })).not.toBe(r1);
    expect(keyOf({ policy: runId }, ['knn', data])).toBeUndefined();
  });

  it('none: no key, and it cannot be combined', () => {
    expect(keyOf({ policy: none }, ['knn', data])).toBeUndefined();
    expect(() => normalizeCacheOptions('T', { policy: [none, inputs] })).toThrow(/none.*alone/);
  });

  it('a custom key replaces the policy and stays scoped to the task', () => {
    const options: CacheOptions = {
      key: (ctx, args) => `${String(args[0])}/${ctx.hash(ctx.parameters.data)}`,
    };
    const k = keyOf(options, ['knn', data])!;
    expect(parseCacheKey(k)).toEqual({
      taskName: 'Pipeline.train',
      id: `key:knn/${hashValue(data, defaultSerializers)}`,
    });
    expect(keyOf(options, ['knn', { rows: [[1, 2, 3]] }])).toBe(k);
    expect(keyOf(options, ['knn', { rows: [[1, 2, 4]] }])).not.toBe(k);
    expect(thrown(() => keyOf({ key: () => '' }, []))).toBeInstanceOf(InvalidOptionError);
    expect(thrown(() => keyOf({ key: () => 5 as unknown as string }, [])).message).toContain(
      'must return a non-empty string',
    );
    const hashError = thrown(() => keyOf({ key: (ctx) => ctx.hash(() => 1) }, []));
    expect(hashError).toBeInstanceOf(CacheKeyError);
  });

  it('hashes registered classes with the cache serializers', () => {
    class Point {
      constructor(readonly x: number) {}
    }
    const registry = new SerializerRegistry();
    registry.register(Point, { encode: (p) => p.x, decode: (x) => new Point(x) });
    const own = new TaskCache({ serializers: registry, logger: recordingLogger() });
    const options = normalizeCacheOptions('T', { policy: inputs });
    const at = (x: number) => own.computeKey(options, request([new Point(x)]));
    expect(at(1)).toBe(at(1));
    expect(at(1)).not.toBe(at(2));
    expect(() => keyOf({ policy: inputs }, [new Point(1)])).toThrow(CacheKeyError);
  });

  it('accepts custom policies', () => {
    const version: CachePolicy = {
      name: 'modelVersion',
      contribute: (ctx, key) => {
        key.add('version', (ctx.parameters.data as { version?: number }).version ?? 0);
        return true;
      },
    };
    expect(keyOf({ policy: version }, ['a', { rows: [], version: 1 }])).toBe(
      keyOf({ policy: version }, ['b', { rows: [[1]], version: 1 }]),
    );
    expect(keyOf({ policy: version }, ['a', { rows: [], version: 1 }])).not.toBe(
      keyOf({ policy: version }, ['a', { rows: [], version: 2 }]),
    );
  });
});

describe('normalizeCacheOptions', () => {
  it('fills the defaults', () => {
    const n = normalizeCacheOptions('T', true);
    expect(n.policies.map((p) => p.name)).toEqual(['inputs', 'taskSource']);
    expect(n).toMatchObject({ taskName: 'T', refresh: false });
    expect(n.expirationMs).toBeUndefined();
    const o = normalizeCacheOptions('T', { expiration: '1h', refresh: true });
    expect(o).toMatchObject({ expirationMs: 3_600_000, refresh: true });
    expect(o.policies.map((p) => p.name)).toEqual(['inputs', 'taskSource']);
    const store = new Keyv();
    expect(normalizeCacheOptions('T', { store }).store).toBe(store);
  });

  it('rejects invalid options with errors naming the task', () => {
    const cases: unknown[] = [
      { expire: '1h' },
      { policy: 'inputs' },
      { policy: [] },
      { policy: [inputs, inputs.without('x')] },
      { key: 'k' },
      { key: () => 'k', policy: inputs },
      { expiration: '1 hour' },
      { expiration: -5 },
      { refresh: 'yes' },
      { store: {} },
      null,
      'true',
    ];
    for (const options of cases) {
      const error = thrown(() => normalizeCacheOptions('Pipeline.train', options as CacheOptions));
      expect(error).toBeInstanceOf(InvalidOptionError);
      expect(error.message).toContain('Pipeline.train');
    }
  });

  it('combinePolicies orders policies canonically', () => {
    expect(combinePolicies('T', [taskSource, flowParameters, inputs]).map((p) => p.name)).toEqual([
      'flowParameters',
      'inputs',
      'taskSource',
    ]);
    expect(combinePolicies('T', none)).toEqual([]);
  });
});

describe('parseExpiration', () => {
  it('reads milliseconds and durations', () => {
    expect(parseExpiration(1500)).toBe(1500);
    expect(parseExpiration('250ms')).toBe(250);
    expect(parseExpiration('30s')).toBe(30_000);
    expect(parseExpiration('15m')).toBe(900_000);
    expect(parseExpiration('1h')).toBe(3_600_000);
    expect(parseExpiration('7d')).toBe(604_800_000);
    expect(parseExpiration('2w')).toBe(1_209_600_000);
    expect(parseExpiration('1h30m')).toBe(5_400_000);
    expect(parseExpiration(' 1.5h ')).toBe(5_400_000);
  });

  it('rejects anything else, naming the owner', () => {
    for (const bad of [
      '',
      '1',
      'h',
      '1 hour',
      '1y',
      '-1h',
      '0s',
      '1h-',
      Number.NaN,
      0,
      -1,
      Infinity,
    ]) {
      expect(() => parseExpiration(bad, 'task "T"')).toThrow(/task "T"/);
    }
  });
});
