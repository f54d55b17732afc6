import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ModelNotFoundError,
  ModelUriError,
  UnsafeBindError,
  defaultSerializers,
  silentLogger,
} from '@tideflow/core';
import type { ModelSignature } from '@tideflow/core';
import { SqliteTracker } from '@tideflow/tracker-sqlite';
import { MODEL_VERSION_HEADER, ServingSetupError, serveModel } from '@tideflow/serving';
import type { ModelServer } from '@tideflow/serving';
import {
  COLUMNS,
  fixture,
  invoke,
  rowOf,
  rowsOf,
  type AnswerJson,
  type Fixture,
} from './helpers.js';

let f: Fixture;
let server: ModelServer;
const opened: ModelServer[] = [];

beforeAll(async () => {
  f = await fixture();
  server = await serveModel('models:/blobs@champion', {
    tracker: f.tracker,
    port: 0,
    logger: silentLogger,
  });
  opened.push(server);
});
afterAll(async () => {
  for (const s of opened) await s.close();
  await f.cleanup();
});

/** Serves `uri` from the fixture's store on a free loopback port, closed after the file. */
async function serve(uri: string, options: Parameters<typeof serveModel>[1] = {}) {
  const s = await serveModel(uri, {
    tracker: f.tracker,
    port: 0,
    logger: silentLogger,
    ...options,
  });
  opened.push(s);
  return s;
}

const json = (body: unknown) => JSON.stringify(body);
/** The test rows with their columns in another order than the signature's: z, x, y. */
const shuffled = () => rowsOf(f.test).map((r) => [r[2], r[0], r[1]]);
const records = () => rowsOf(f.test).map((r) => ({ z: r[2], y: r[1], x: r[0] }));

describe('the scoring protocol', () => {
  it('answers /ping, /health and /version (which version answers)', async () => {
    for (const path of ['/ping', '/health']) {
      const res = await fetch(`${server.url}${path}`);
      expect(res.status).toBe(200);
    }
    const version = await (await fetch(`${server.url}/version`)).json();
    expect(version).toMatchObject({
      uri: 'models:/blobs@champion',
      name: 'blobs',
      version: 1,
      alias: 'champion',
      run_id: f.runId,
      model_name: 'model',
    });
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('answers every JSON input form and CSV with the model’s own predict', async () => {
    const expected = Array.from(f.nb.predict(f.test));
    const bodies: [string, string, string][] = [
      [
        'split',
        json({ dataframe_split: { columns: ['z', 'x', 'y'], data: shuffled() } }),
        'application/json',
      ],
      [
        'split with index',
        json({
          dataframe_split: {
            index: f.test.rows ? [...Array(f.test.rows).keys()] : [],
            columns: COLUMNS,
            data: rowsOf(f.test),
          },
        }),
        'application/json',
      ],
      ['records', json({ dataframe_records: records() }), 'application/json'],
      ['instances rows', json({ instances: rowsOf(f.test) }), 'application/json'],
      ['instances objects', json({ instances: records() }), 'application/json'],
      ['inputs rows', json({ inputs: rowsOf(f.test) }), 'application/json'],
      [
        'inputs columns',
        json({
          inputs: Object.fromEntries(COLUMNS.map((c, j) => [c, rowsOf(f.test).map((r) => r[j])])),
        }),
        'application/json',
      ],
      [
        'pandas content type',
        json({ dataframe_records: records() }),
        'application/json; format=pandas-records',
      ],
      ['csv', ['z,x,y', ...shuffled().map((r) => r.join(','))].join('\n') + '\n', 'text/csv'],
      [
        'csv crlf quoted',
        ['"x","y","z"', ...rowsOf(f.test).map((r) => r.map((v) => `"${v}"`).join(','))].join(
          '\r\n',
        ),
        'text/csv; charset=utf-8',
      ],
    ];
    for (const [label, body, type] of bodies) {
      const res = await invoke(server.url, body, type);
      expect(res.status, label).toBe(200);
      expect(res.json, label).toEqual({ predictions: expected });
      expect(res.headers.get(MODEL_VERSION_HEADER), label).toBe('1');
    }
  });

  it('gives class probabilities through params, equal to predictProba', async () => {
    const P = f.nb.predictProba(f.test);
    const res = await invoke(
      server.url,
      json({
        dataframe_split: { columns: COLUMNS, data: rowsOf(f.test) },
        params: { predict_method: 'predict_proba' },
      }),
    );
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ predictions: rowsOf(P), classes: Array.from(f.nb.classes) });
  });

  it('gives conformal prediction sets with the calibrated alpha, or another alpha', async () => {
    const sets = await serve('models:/sets/1');
    const body = (params: object) =>
      json({ dataframe_records: records(), params: { predict_method: 'predict_sets', ...params } });
    const calibrated = await invoke(sets.url, body({}));
    expect(calibrated.status).toBe(200);
    expect(calibrated.json).toEqual({
      predictions: f.conformal.predictSets(f.test).map((s) => Array.from(s)),
      alpha: 0.2,
    });
    const wider = await invoke(sets.url, body({ alpha: 0.05 }));
    expect(wider.json).toEqual({
      predictions: f.conformal.predictSets(f.test, 0.05).map((s) => Array.from(s)),
      alpha: 0.05,
    });
    expect(wider.json.predictions).not.toEqual(calibrated.json.predictions);
    // predict on the conformal model is its estimator's.
    const labels = await invoke(sets.url, json({ instances: rowsOf(f.test) }));
    expect(labels.json.predictions).toEqual(Array.from(f.nb.predict(f.test)));

    const none = await invoke(server.url, body({}));
    expect(none.status).toBe(400);
    expect(none.json).toEqual({
      error_code: 'INVALID_PARAMETER_VALUE',
      message: expect.stringContaining('blobs v1 has no prediction sets') as string,
    });
  });

  it('answers zero rows with no predictions', async () => {
    const res = await invoke(server.url, json({ dataframe_split: { columns: COLUMNS, data: [] } }));
    expect(res.json).toEqual({ predictions: [] });
  });

  it('serves a fixed version and a run’s model', async () => {
    const v2 = await serve('models:/blobs/2');
    const res = await invoke(v2.url, json({ instances: rowsOf(f.test) }));
    expect(res.json.predictions).toEqual(Array.from(f.knn.predict(f.test)));
    expect(res.headers.get(MODEL_VERSION_HEADER)).toBe('2');

    const run = await serve(`runs:/${f.runId}/models/model`);
    const fromRun = await invoke(run.url, json({ instances: rowsOf(f.test) }));
    expect(fromRun.json.predictions).toEqual(Array.from(f.nb.predict(f.test)));
    expect(fromRun.headers.get(MODEL_VERSION_HEADER)).toBe(null);
    const version = await (await fetch(`${run.url}/version`)).json();
    expect(version).toMatchObject({ name: null, version: null, alias: null, run_id: f.runId });
  });
});

describe('following an alias', () => {
  it('answers with the new version once champion moves, without a restart', async () => {
    const follow = await serve('models:/blobs@champion');
    const body = json({ instances: rowsOf(f.test) });
    const before = await invoke(follow.url, body);
    expect(before.headers.get(MODEL_VERSION_HEADER)).toBe('1');
    // Another connection to the same file, as another process (`tideflow models alias set`) would.
    const other = new SqliteTracker({ path: f.dbPath });
    try {
      await other.setModelAlias('blobs', 'champion', 2);
      const after = await invoke(follow.url, body);
      expect(after.headers.get(MODEL_VERSION_HEADER)).toBe('2');
      expect(after.json.predictions).toEqual(Array.from(f.knn.predict(f.test)));
      expect(await (await fetch(`${follow.url}/version`)).json()).toMatchObject({ version: 2 });
      // Deleting the alias keeps the loaded version answering.
      await other.deleteModelAlias('blobs', 'champion');
      const orphan = await invoke(follow.url, body);
      expect(orphan.status).toBe(200);
      expect(orphan.headers.get(MODEL_VERSION_HEADER)).toBe('2');
      await other.setModelAlias('blobs', 'champion', 1);
      expect((await invoke(follow.url, body)).headers.get(MODEL_VERSION_HEADER)).toBe('1');
    } finally {
      await other.close();
    }
  });

  it('follows models:/NAME/latest to a newly registered version', async () => {
    const latest = await serve('models:/sets/latest');
    expect(latest.served().version).toBe(1);
    const [logged] = await f.tracker.listLoggedModels(f.runId);
    expect(logged.name).toBe('model');
    const { info } = await f.tracker.createRun({
      experimentId: await f.tracker.getOrCreateExperiment('serving'),
    });
    const { defaultSerializers } = await import('@tideflow/core');
    await f.tracker.logModel(info.runId, {
      name: 'model',
      bytes: defaultSerializers.serialize(f.knn),
      flavor: 'tideflow.models',
      signature: logged.signature!,
    });
    await f.tracker.registerModel('sets', { runId: info.runId, modelName: 'model' });
    const res = await invoke(latest.url, json({ instances: rowsOf(f.test) }));
    expect(res.headers.get(MODEL_VERSION_HEADER)).toBe('2');
    expect(res.json.predictions).toEqual(Array.from(f.knn.predict(f.test)));
  });
});

describe('input checked against the signature', () => {
  const row = () => rowOf(f.test, 0);
  const cases: [string, () => string, RegExp][] = [
    [
      'missing column (split)',
      () => json({ dataframe_split: { columns: ['x', 'y'], data: [row().slice(0, 2)] } }),
      /dataframe_split: missing column "z"; the model's signature has "x", "y", "z"/,
    ],
    [
      'extra column (split)',
      () => json({ dataframe_split: { columns: ['x', 'y', 'z', 'w'], data: [[...row(), 1]] } }),
      /dataframe_split: unexpected column "w"/,
    ],
    [
      'duplicate column',
      () => json({ dataframe_split: { columns: ['x', 'x', 'z'], data: [row()] } }),
      /column "x" appears twice/,
    ],
    [
      'split without columns',
      () => json({ dataframe_split: { data: [row()] } }),
      /dataframe_split: give "columns"/,
    ],
    [
      'non-numeric value',
      () => json({ dataframe_split: { columns: COLUMNS, data: [row(), [1, 'abc', 2]] } }),
      /Column "y", row 1: expected a finite number, got "abc"/,
    ],
    [
      'null value',
      () => json({ dataframe_records: [{ x: 1, y: 2, z: null }] }),
      /Column "z", row 0: expected a finite number, got null/,
    ],
    [
      'non-finite value (1e999)',
      () => `{"instances": [[1, 2, 3], [4, 1e999, 6]]}`,
      /Column "y", row 1: expected a finite number, got null/,
    ],
    [
      'short row',
      () => json({ dataframe_split: { columns: COLUMNS, data: [row(), [1, 2]] } }),
      /row 1 has 2 values for 3 columns/,
    ],
    [
      'missing column (records)',
      () =>
        json({
          dataframe_records: [
            { x: 1, y: 2, z: 3 },
            { x: 1, z: 3 },
          ],
        }),
      /dataframe_records: missing column "y" in row 1/,
    ],
    [
      'extra column (records)',
      () => json({ dataframe_records: [{ x: 1, y: 2, z: 3, w: 4 }] }),
      /unexpected column "w" in row 0/,
    ],
    [
      'record not an object',
      () => json({ instances: [{ x: 1, y: 2, z: 3 }, [1, 2, 3]] }),
      /instances: row 1 is \[1,2,3\], not an object/,
    ],
    [
      'uneven columns (inputs)',
      () => json({ inputs: { x: [1, 2], y: [1], z: [1, 2] } }),
      /inputs: column "y" has 1 values, column "x" has 2/,
    ],
    [
      'missing column (inputs)',
      () => json({ inputs: { x: [1], y: [1] } }),
      /inputs: missing column "z"/,
    ],
    [
      'two forms',
      () => json({ instances: [row()], inputs: [row()] }),
      /The body holds instances and inputs: give exactly one input form/,
    ],
    ['no form', () => json({}), /The body holds no input/],
    ['unknown key', () => json({ instance: [row()] }), /body has an unknown key "instance"/],
    [
      'wrong type of form',
      () => json({ dataframe_split: { columns: COLUMNS, data: 'rows' } }),
      /body\.dataframe_split\.data must be array/,
    ],
    ['not an object', () => json([row()]), /body must be object/],
  ];
  for (const [label, body, message] of cases) {
    it(`400 BAD_REQUEST: ${label}`, async () => {
      const res = await invoke(server.url, body());
      expect(res.status).toBe(400);
      expect(res.json.error_code).toBe('BAD_REQUEST');
      expect(res.json.message).toMatch(message);
    });
  }

  it('400 for CSV naming the column, row and line', async () => {
    const csv = async (text: string) => invoke(server.url, text, 'text/csv');
    expect((await csv('x,y,z\n1,2,3\n4,NaN,6\n')).json).toEqual({
      error_code: 'BAD_REQUEST',
      message: 'Column "y", row 1 (line 3): expected a finite number, got "NaN".',
    });
    expect((await csv('x,y,z\n1,2,1e999\n')).json.message).toMatch(
      /Column "z", row 0 \(line 2\): expected a finite number, got null/,
    );
    expect((await csv('x,y\n1,2\n')).json.message).toMatch(/CSV: missing column "z"/);
    expect((await csv('x,y,z\n1,2\n')).json.message).toMatch(
      /row 0 \(line 2\) has 2 fields, the header has 3/,
    );
    const quote = await csv('x,y,z\n1,"2,3\n');
    expect(quote.json).toMatchObject({ error_code: 'MALFORMED_REQUEST' });
    expect(quote.json.message).toMatch(/not closed/);
    expect((await csv('')).status).toBe(400);
  });

  it('400 INVALID_PARAMETER_VALUE for unknown or bad params', async () => {
    const with_ = (params: unknown) => invoke(server.url, json({ instances: [row()], params }));
    for (const [params, message] of [
      [
        { predict_method: 'transform' },
        /body\.params\.predict_method must be one of "predict", "predict_proba", "predict_sets"/,
      ],
      [{ alpha: 1.5 }, /body\.params\.alpha must be < 1/],
      [{ alpha: '0.1' }, /body\.params\.alpha must be number/],
      [{ temperature: 1 }, /body\.params has an unknown key "temperature"/],
      [{ alpha: 0.1 }, /alpha applies to predict_method "predict_sets" only/],
    ] as const) {
      const res = await with_(params);
      expect(res.status, JSON.stringify(params)).toBe(400);
      expect(res.json.error_code).toBe('INVALID_PARAMETER_VALUE');
      expect(res.json.message).toMatch(message);
    }
  });

  it('400 MALFORMED_REQUEST for bodies that are not JSON, and for __proto__ keys', async () => {
    for (const body of [
      '{"instances": [[1,2,3]',
      '{"__proto__": {"x": 1}, "instances": [[1,2,3]]}',
      '',
    ]) {
      const res = await invoke(server.url, body);
      expect(res.status, body).toBe(400);
      expect(res.json.error_code, body).toBe('MALFORMED_REQUEST');
    }
    const empty = await fetch(`${server.url}/invocations`, { method: 'POST' });
    expect(empty.status).toBe(400);
    expect(((await empty.json()) as AnswerJson).message).toMatch(/The body is empty/);
  });

  it('415 for other content types, 413 over the body limit, 404 elsewhere', async () => {
    for (const type of ['application/xml', 'text/plain', 'multipart/form-data; boundary=x']) {
      const res = await invoke(server.url, 'x,y,z\n1,2,3\n', type);
      expect(res.status, type).toBe(415);
      expect(res.json.message).toContain(`Content-Type "${type}" is not supported`);
    }
    const small = await serve('models:/blobs@champion', { bodyLimit: 1000 });
    const big = await invoke(small.url, json({ instances: Array(200).fill(rowOf(f.test, 0)) }));
    expect(big.status).toBe(413);
    expect(big.json).toEqual({
      error_code: 'REQUEST_LIMIT_EXCEEDED',
      message: expect.stringContaining('larger than the limit of 1000 bytes') as string,
    });
    const missing = await fetch(`${server.url}/predict`);
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as AnswerJson).error_code).toBe('ENDPOINT_NOT_FOUND');
  });
});

describe('security and setup errors', () => {
  it('refuses a non-loopback host without a token, before listening', async () => {
    await expect(
      serveModel('models:/blobs@champion', { tracker: f.tracker, host: '0.0.0.0', port: 0 }),
    ).rejects.toBeInstanceOf(UnsafeBindError);
    await expect(
      serveModel('models:/nope@champion', { tracker: f.tracker, port: 0 }),
    ).rejects.toBeInstanceOf(ModelNotFoundError);
    await expect(
      serveModel('model:/blobs', { tracker: f.tracker, port: 0 }),
    ).rejects.toBeInstanceOf(ModelUriError);
    await expect(
      serveModel('models:/blobs/1', { tracker: f.tracker, port: 70000 }),
    ).rejects.toBeInstanceOf(ServingSetupError);
  });

  it('requires the bearer token on /invocations and /version when one is set', async () => {
    const locked = await serve('models:/blobs@champion', { token: 's3cret' });
    const body = json({ instances: [rowOf(f.test, 0)] });
    expect((await fetch(`${locked.url}/ping`)).status).toBe(200);
    const none = await invoke(locked.url, body);
    expect(none.status).toBe(401);
    expect(none.json.error_code).toBe('UNAUTHENTICATED');
    expect(none.headers.get('www-authenticate')).toBe('Bearer');
    expect(
      (await invoke(locked.url, body, 'application/json', { authorization: 'Bearer nope' })).status,
    ).toBe(401);
    expect((await fetch(`${locked.url}/version`)).status).toBe(401);
    const ok = await invoke(locked.url, body, 'application/json', {
      authorization: 'Bearer s3cret',
    });
    expect(ok.status).toBe(200);
  });

  it('answers a loopback server only for loopback Host names (DNS rebinding)', async () => {
    const status = (host: string) =>
      new Promise<number>((resolve, reject) => {
        const req = httpRequest(`${server.url}/ping`, { headers: { host } }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        });
        req.on('error', reject);
        req.end();
      });
    expect(await status('evil.example:5001')).toBe(403);
    expect(await status(`localhost:${server.port}`)).toBe(200);
    expect(await status(`[::1]:${server.port}`)).toBe(200);
  });
});

describe('models without a usable signature', () => {
  /** Logs `model` with `signature` in a new run and registers it as `name` v1. */
  async function register(name: string, model: unknown, signature?: ModelSignature) {
    const { info } = await f.tracker.createRun({
      experimentId: await f.tracker.getOrCreateExperiment('serving'),
    });
    await f.tracker.logModel(info.runId, {
      name: 'model',
      bytes: defaultSerializers.serialize(model),
      flavor: model instanceof Object && 'predict' in model ? 'tideflow.models' : 'tideflow',
      signature,
    });
    await f.tracker.registerModel(name, { runId: info.runId, modelName: 'model' });
  }

  it('takes columns in the order given when the signature names none; the model checks the width', async () => {
    await register('bare', f.nb);
    const bare = await serve('models:/bare/1');
    const expected = Array.from(f.nb.predict(f.test));
    expect((await invoke(bare.url, json({ instances: rowsOf(f.test) }))).json).toEqual({
      predictions: expected,
    });
    const split = await invoke(bare.url, json({ dataframe_split: { data: rowsOf(f.test) } }));
    expect(split.json).toEqual({ predictions: expected });
    const narrow = await invoke(bare.url, json({ instances: [[1, 2]] }));
    expect(narrow.status).toBe(400);
    expect(narrow.json).toMatchObject({ error_code: 'BAD_REQUEST' });
    expect(narrow.json.message).toMatch(/GaussianNB/);
  });

  it('refuses, before listening, a model that is not a classifier or has non-numeric inputs', async () => {
    await register('plain', { weights: [1, 2, 3] });
    await expect(serve('models:/plain/1')).rejects.toThrow(/is not a classifier/);
    await register('texts', f.nb, {
      inputs: [{ name: 'text', type: 'string' }],
      outputs: [],
    });
    await expect(serve('models:/texts/1')).rejects.toThrow(
      /the signature types input "text" as "string"; the estimators take numbers only/,
    );
  });
});

describe('a fault of the model', () => {
  /** A classifier whose predict fails the way a bug would (not an input error). */
  class BrokenClassifier {
    readonly classes = Int32Array.of(0, 1);
    predict(): Int32Array {
      throw new TypeError('cannot read properties of undefined');
    }
    predictProba(): never {
      throw new TypeError('cannot read properties of undefined');
    }
  }

  it('answers 500 with MLflow error JSON, logs it, and keeps serving', async () => {
    defaultSerializers.register(BrokenClassifier, {
      encode: () => ({}),
      decode: () => new BrokenClassifier(),
    });
    const { info } = await f.tracker.createRun({
      experimentId: await f.tracker.getOrCreateExperiment('serving'),
    });
    await f.tracker.logModel(info.runId, {
      name: 'model',
      bytes: defaultSerializers.serialize(new BrokenClassifier()),
      flavor: 'tideflow',
    });
    const errors: string[] = [];
    const logger = { ...silentLogger, error: (_o: object, msg?: string) => errors.push(msg ?? '') };
    const broken = await serve(`runs:/${info.runId}/models/model`, { logger });
    const res = await invoke(broken.url, json({ instances: [[1, 2, 3]] }));
    expect(res.status).toBe(500);
    expect(res.json).toEqual({
      error_code: 'INTERNAL_ERROR',
      message: 'Scoring failed: cannot read properties of undefined',
    });
    expect(errors).toEqual(['scoring failed: cannot read properties of undefined']);
    expect((await fetch(`${broken.url}/ping`)).status).toBe(200);
  });
});
