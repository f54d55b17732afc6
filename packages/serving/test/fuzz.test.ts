import { afterAll, beforeAll, expect, it } from 'vitest';
import { silentLogger } from '@tideflow/core';
import { serveModel, type ModelServer } from '@tideflow/serving';
import { fixture, invoke, rowsOf, type Fixture } from './helpers.js';

let f: Fixture;
let server: ModelServer;
beforeAll(async () => {
  f = await fixture();
  // The conformal model, so that params reach prediction sets too.
  server = await serveModel('models:/sets/1', {
    tracker: f.tracker,
    port: 0,
    logger: silentLogger,
    bodyLimit: 256 * 1024,
  });
});
afterAll(async () => {
  await server.close();
  await f.cleanup();
});

/** mulberry32: a small seeded generator, so a failing body can be reproduced from its index. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const KEYS = [
  'x',
  'y',
  'z',
  'w',
  '__proto__',
  'constructor',
  'prototype',
  'columns',
  'data',
  'params',
  'predict_method',
  'alpha',
  '',
];
const FORMS = ['dataframe_split', 'dataframe_records', 'instances', 'inputs', 'params', 'bogus'];
const SCALARS = [
  '1',
  '-0',
  '1e999',
  '-1e999',
  '0.5',
  '"abc"',
  'null',
  'true',
  '"NaN"',
  '1e-400',
  '123456789012345678901234567890',
  '"predict_sets"',
  '"predict_proba"',
];

/** A random JSON text (not necessarily valid for the protocol), nested up to `depth`. */
function value(r: () => number, depth: number): string {
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(r() * xs.length)];
  const k = r();
  if (depth <= 0 || k < 0.35) return pick(SCALARS);
  const n = Math.floor(r() * 4);
  if (k < 0.7) return `[${Array.from({ length: n }, () => value(r, depth - 1)).join(',')}]`;
  return `{${Array.from({ length: n }, () => `${JSON.stringify(pick(KEYS))}:${value(r, depth - 1)}`).join(',')}}`;
}

/** Body number `i`: a mutation of a valid body, random JSON in a protocol shape, garbage, deep nesting, or wrong CSV. */
function malformed(i: number, valid: string): { body: string | Buffer; type: string | null } {
  const r = random(i + 1);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(r() * xs.length)];
  switch (i % 8) {
    case 0: // truncated valid JSON
      return {
        body: valid.slice(0, Math.floor(r() * (valid.length - 1))),
        type: 'application/json',
      };
    case 1: {
      // a raw control character somewhere in a valid body: never valid JSON, not even in a string
      const at = Math.floor(r() * valid.length);
      const c = pick(['\u0000', '\u0001', '\u0008', '\u001f']);
      return { body: valid.slice(0, at) + c + valid.slice(at + 1), type: 'application/json' };
    }
    case 2: // a protocol key holding random JSON, with one row that is no row at all
      return {
        body: `{${JSON.stringify(pick(FORMS))}:[${value(r, 4)},${value(r, 3)},"abc"]}`,
        type: 'application/json',
      };
    case 3: // random JSON at the top (no input form among its keys)
      return { body: value(r, 5), type: 'application/json' };
    case 4: // random bytes under a random content type
      return {
        body: Buffer.from(
          Array.from({ length: Math.floor(r() * 300) }, () => Math.floor(r() * 256)),
        ),
        type: pick([
          'application/json',
          'text/csv',
          'application/octet-stream',
          'text/plain',
          null,
          'application/json; charset=utf-16',
          '',
        ]),
      };
    case 5: {
      // deep nesting, or a body over the limit
      const depth = pick([50, 5000, 100_000]);
      if (r() < 0.2)
        return {
          body: `{"instances":[${'[1,2,3],'.repeat(40_000)}[1,2,3]]}`,
          type: 'application/json',
        };
      return {
        body: `{"instances":${'['.repeat(depth)}${']'.repeat(depth)}}`,
        type: 'application/json',
      };
    }
    case 6: {
      // CSV with wrong headers, quotes, fields
      const header = pick(['x,y,z', 'z,y', 'x,y,z,w', '"x",y,"z', 'x,x,y', '', 'x;y;z']);
      const lines = Array.from({ length: Math.floor(r() * 5) }, () =>
        Array.from({ length: 2 + Math.floor(r() * 3) }, () =>
          pick(['1', 'a', '', '"2"', '1e999', 'NaN', '"', '3"4']),
        ).join(','),
      );
      const body = [header, ...lines].join(pick(['\n', '\r\n', '\r']));
      // A well-formed numeric CSV is valid: make every CSV wrong by a non-numeric cell at the end.
      return {
        body: `${body}\n${header
          .split(',')
          .map(() => 'oops')
          .join(',')}`,
        type: 'text/csv',
      };
    }
    default: {
      // a valid form with one wrong value
      const rows = [
        [1, 2, 3],
        [4, 5, 6],
      ] as unknown[][];
      rows[Math.floor(r() * 2)][Math.floor(r() * 3)] = pick([
        '1',
        null,
        true,
        [],
        {},
        'NaN',
        'Infinity',
      ]);
      const params =
        r() < 0.5
          ? {}
          : {
              params: {
                predict_method: pick(['predict_sets', 'predict_proba', 'nope', 3]),
                ...(r() < 0.5 ? { alpha: pick([0, 1, -1, 0.5, '0.1']) } : {}),
              },
            };
      return {
        body: JSON.stringify({
          dataframe_split: { columns: ['x', 'y', 'z'], data: rows },
          ...params,
        }),
        type: 'application/json',
      };
    }
  }
}

it('answers 1,000 malformed bodies with 4xx only, and keeps serving', async () => {
  const valid = JSON.stringify({
    dataframe_split: { columns: ['x', 'y', 'z'], data: rowsOf(f.test).slice(0, 5) },
    params: { predict_method: 'predict_proba' },
  });
  const statuses = new Map<number, number>();
  const bad: string[] = [];
  const N = 1000;
  for (let start = 0; start < N; start += 25) {
    await Promise.all(
      Array.from({ length: Math.min(25, N - start) }, async (_, k) => {
        const i = start + k;
        const { body, type } = malformed(i, valid);
        const res = await invoke(server.url, body, type);
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        const errorJson =
          typeof res.json === 'object' &&
          typeof res.json?.error_code === 'string' &&
          typeof res.json?.message === 'string';
        if (res.status < 400 || res.status >= 500 || !errorJson)
          bad.push(`#${i} → ${res.status} ${JSON.stringify(res.json).slice(0, 200)}`);
      }),
    );
  }
  expect(bad).toEqual([]);
  expect([...statuses.keys()].every((s) => s >= 400 && s < 500)).toBe(true);
  // Several kinds of answer came back, so the bodies reached several checks.
  expect(statuses.get(400)).toBeGreaterThan(500);
  expect(statuses.get(415)).toBeGreaterThan(0);
  expect(statuses.get(413)).toBeGreaterThan(0);
  expect((await fetch(`${server.url}/ping`)).status).toBe(200);
  const ok = await invoke(server.url, valid);
  expect(ok.status).toBe(200);
}, 120_000);
