import { afterEach, describe, expect, it, vi } from 'vitest';
import { ConsoleLogger, MemoryTracker, UnsafeBindError } from '@tideflow/core';
import { createServer } from '@tideflow/server';
import type { ServerOptions, TideflowServer } from '@tideflow/server';

const open: TideflowServer[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
});

async function server(options: Partial<ServerOptions> = {}): Promise<TideflowServer> {
  const s = await createServer({ tracker: new MemoryTracker(), port: 0, ...options });
  open.push(s);
  return s;
}

const json = { 'content-type': 'application/json' };

describe('errors of its own', () => {
  it('logs a 500 with its stack, which the answer leaves out', async () => {
    const tracker = new MemoryTracker();
    const lines: string[] = [];
    const s = await server({ tracker, logger: new ConsoleLogger({ write: (l) => lines.push(l) }) });
    vi.spyOn(tracker, 'getExperiment').mockRejectedValue(new Error('disk I/O error at /secret/db'));
    const r = await s.app.inject({ url: '/api/2.0/mlflow/experiments/get?experiment_id=0' });
    expect(r.statusCode).toBe(500);
    expect(r.json()).toEqual({
      error_code: 'INTERNAL_ERROR',
      message: 'Internal server error; see the server log.',
    });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /ERROR GET \/api\/2\.0\/mlflow\/experiments\/get failed: disk I\/O error at \/secret\/db /,
    );
    expect(lines[0]).toContain('url=/api/2.0/mlflow/experiments/get?experiment_id=0');
    expect(lines[0]).toMatch(/stack=.*server\.test\.ts/);
    // A fault of the request (4xx) is the client's to fix, not the server's log's.
    vi.mocked(tracker.getExperiment).mockRestore();
    expect(
      (await s.app.inject({ url: '/api/2.0/mlflow/experiments/get?experiment_id=42' })).statusCode,
    ).toBe(404);
    expect(lines).toHaveLength(1);
  });
});

describe('security guards', () => {
  it('answers only allowed Host headers (DNS rebinding)', async () => {
    const s = await server({ allowedHosts: ['tracking.internal'] });
    const get = (host: string) => s.app.inject({ url: '/api/health', headers: { host } });
    expect((await get('localhost:4200')).statusCode).toBe(200);
    expect((await get('127.0.0.1:4200')).statusCode).toBe(200);
    expect((await get('[::1]:4200')).statusCode).toBe(200);
    expect((await get('TRACKING.internal')).statusCode).toBe(200);
    const evil = await get('evil.example.com:4200');
    expect(evil.statusCode).toBe(403);
    expect(evil.json()).toEqual({
      error_code: 'PERMISSION_DENIED',
      message: expect.stringContaining('"evil.example.com:4200" is not allowed'),
    });
    expect((await get('127.0.0.1.evil.example.com')).statusCode).toBe(403);
  });

  it('sends security headers on every answer, errors included', async () => {
    const s = await server();
    for (const url of ['/api/health', '/nope']) {
      const r = await s.app.inject({ url });
      expect(r.headers['x-frame-options']).toBe('DENY');
      expect(r.headers['content-security-policy']).toContain("frame-ancestors 'none'");
      expect(r.headers['x-content-type-options']).toBe('nosniff');
    }
  });

  it('sends no CORS headers unless the origin is configured', async () => {
    const none = await server();
    const r = await none.app.inject({
      url: '/api/health',
      headers: { origin: 'https://evil.example' },
    });
    expect(r.headers['access-control-allow-origin']).toBeUndefined();
    const pre = await none.app.inject({
      method: 'OPTIONS',
      url: '/api/health',
      headers: { origin: 'https://evil.example' },
    });
    expect(pre.statusCode).toBe(403);

    const some = await server({ corsOrigins: ['https://app.example.com'] });
    const ok = await some.app.inject({
      url: '/api/health',
      headers: { origin: 'https://app.example.com' },
    });
    expect(ok.headers['access-control-allow-origin']).toBe('https://app.example.com');
    const other = await some.app.inject({
      url: '/api/health',
      headers: { origin: 'https://evil.example' },
    });
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
    const pre2 = await some.app.inject({
      method: 'OPTIONS',
      url: '/api/2.0/mlflow/experiments/create',
      headers: { origin: 'https://app.example.com' },
    });
    expect(pre2.statusCode).toBe(204);
    expect(pre2.headers['access-control-allow-headers']).toContain('authorization');
  });

  it('refuses a non-loopback bind without a token, before opening the store', async () => {
    await expect(
      createServer({ trackingUri: 'nosuchscheme:x', host: '0.0.0.0' }),
    ).rejects.toBeInstanceOf(UnsafeBindError);
    await expect(
      createServer({ tracker: new MemoryTracker(), host: '192.168.1.5', token: '' }),
    ).rejects.toBeInstanceOf(UnsafeBindError);
  });

  it('requires the bearer token when one is set', async () => {
    const s = await server({ host: '0.0.0.0', token: 's3cret', allowedHosts: ['localhost'] });
    const get = (authorization?: string) =>
      s.app.inject({
        url: '/api/2.0/mlflow/experiments/search',
        headers: authorization ? { authorization } : {},
      });
    const missing = await get();
    expect(missing.statusCode).toBe(401);
    expect(missing.headers['www-authenticate']).toBe('Bearer');
    expect(missing.json().error_code).toBe('UNAUTHENTICATED');
    expect((await get('Bearer wrong')).statusCode).toBe(401);
    expect((await get('Basic s3cret')).statusCode).toBe(401);
    expect((await get('Bearer s3cret')).statusCode).toBe(200);
  });

  it('takes only JSON bodies on mutating routes (no cross-site form posts)', async () => {
    const s = await server();
    const url = '/api/2.0/mlflow/experiments/create';
    for (const type of [
      'text/plain',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
    ]) {
      const r = await s.app.inject({
        method: 'POST',
        url,
        headers: { 'content-type': type },
        payload: '{"name":"x"}',
      });
      expect(r.statusCode, type).toBe(415);
      expect(r.json().message).toContain('Content-Type: application/json');
    }
    expect((await s.app.inject({ method: 'POST', url })).statusCode).toBe(415);
    expect(await s.tracker.getExperimentByName('x')).toBeUndefined();
    const ok = await s.app.inject({
      method: 'POST',
      url,
      headers: { 'content-type': 'application/json; charset=utf-8' },
      payload: '{"name":"x"}',
    });
    expect(ok.statusCode).toBe(200);
  });

  it('refuses bodies over the limit, malformed JSON and prototype keys', async () => {
    const s = await server({ bodyLimit: 200 });
    const url = '/api/2.0/mlflow/experiments/create';
    const big = await s.app.inject({
      method: 'POST',
      url,
      headers: json,
      payload: JSON.stringify({ name: 'x'.repeat(300) }),
    });
    expect(big.statusCode).toBe(413);
    const bad = await s.app.inject({ method: 'POST', url, headers: json, payload: '{"name":' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error_code).toBe('MALFORMED_REQUEST');
    const proto = await s.app.inject({
      method: 'POST',
      url,
      headers: json,
      payload: '{"name":"p","__proto__":{"x":1}}',
    });
    expect(proto.statusCode).toBe(400);
    expect(await s.tracker.getExperimentByName('p')).toBeUndefined();
  });

  it('checks options before anything starts', async () => {
    await expect(createServer({ tracker: new MemoryTracker(), port: 70000 })).rejects.toThrow(
      /"port"/,
    );
    await expect(
      createServer({ tracker: new MemoryTracker(), corsOrigins: ['*'] }),
    ).rejects.toThrow(/corsOrigins/);
    await expect(
      createServer({ tracker: new MemoryTracker(), allowedHosts: ['http://x/'] }),
    ).rejects.toThrow(/allowedHosts/);
    await expect(createServer({})).rejects.toThrow(/exactly one of/);
  });
});

describe('artifact paths', () => {
  it('serves artifacts and refuses paths that leave the run, encoded ones too', async () => {
    const s = await server();
    const { info } = await s.tracker.createRun({});
    const runId = info.runId;
    await s.tracker.logArtifact(runId, 'plots/a.txt', 'hello');
    const ok = await s.app.inject({ url: `/get-artifact?run_id=${runId}&path=plots/a.txt` });
    expect(ok.statusCode).toBe(200);
    expect(ok.body).toBe('hello');
    expect(ok.headers['content-disposition']).toBe('attachment; filename="a.txt"');
    for (const path of [
      '../secret',
      '%2e%2e/secret',
      '%2e%2e%2fsecret',
      '%252e%252e%252fsecret',
      'plots/../../x',
      '/etc/passwd',
      'plots%5c..%5cx',
      'a%00b',
      'C:/x',
    ]) {
      const r = await s.app.inject({ url: `/get-artifact?run_id=${runId}&path=${path}` });
      expect(r.statusCode, path).toBe(400);
      expect(r.json().error_code, path).toBe('INVALID_PARAMETER_VALUE');
    }
    const missing = await s.app.inject({ url: `/get-artifact?run_id=${runId}&path=nope.txt` });
    expect(missing.statusCode).toBe(404);
    expect(missing.json().error_code).toBe('RESOURCE_DOES_NOT_EXIST');
  });

  it('lists the direct children of a directory as MLflow does', async () => {
    const s = await server();
    const { info } = await s.tracker.createRun({});
    await s.tracker.logArtifact(info.runId, 'plots/a.txt', 'hello');
    await s.tracker.logArtifact(info.runId, 'plots/deep/b.txt', 'x');
    await s.tracker.logArtifact(info.runId, 'top.txt', 'abc');
    const root = await s.app.inject({ url: `/api/2.0/mlflow/artifacts/list?run_id=${info.runId}` });
    expect(root.json().files).toEqual([
      { path: 'plots', is_dir: true },
      { path: 'top.txt', is_dir: false, file_size: 3 },
    ]);
    const plots = await s.app.inject({
      url: `/api/2.0/mlflow/artifacts/list?run_uuid=${info.runId}&path=plots`,
    });
    expect(plots.json().files).toEqual([
      { path: 'plots/a.txt', is_dir: false, file_size: 5 },
      { path: 'plots/deep', is_dir: true },
    ]);
    const up = await s.app.inject({
      url: `/api/2.0/mlflow/artifacts/list?run_id=${info.runId}&path=..`,
    });
    expect(up.statusCode).toBe(400);
    const norun = await s.app.inject({ url: '/api/2.0/mlflow/artifacts/list?run_id=nope' });
    expect(norun.statusCode).toBe(404);
  });
});

describe('experiments (MLflow shapes)', () => {
  it('creates, gets and searches experiments, with MLflow error JSON', async () => {
    const s = await server();
    const create = await s.app.inject({
      method: 'POST',
      url: '/api/2.0/mlflow/experiments/create',
      headers: json,
      payload: { name: 'clustering', tags: [{ key: 'team', value: 'ml' }] },
    });
    expect(create.statusCode).toBe(200);
    const { experiment_id } = create.json();
    const got = await s.app.inject({
      url: `/api/2.0/mlflow/experiments/get?experiment_id=${experiment_id}`,
    });
    expect(got.json().experiment).toMatchObject({
      experiment_id,
      name: 'clustering',
      lifecycle_stage: 'active',
      tags: [{ key: 'team', value: 'ml' }],
    });
    const byName = await s.app.inject({
      url: '/api/2.0/mlflow/experiments/get-by-name?experiment_name=clustering',
    });
    expect(byName.json().experiment.experiment_id).toBe(experiment_id);
    const search = await s.app.inject({
      method: 'POST',
      url: '/api/2.0/mlflow/experiments/search',
      headers: json,
      payload: { max_results: 10 },
    });
    expect(search.json().experiments.map((e: { name: string }) => e.name)).toContain('clustering');
    const again = await s.app.inject({
      method: 'POST',
      url: '/api/2.0/mlflow/experiments/create',
      headers: json,
      payload: { name: 'clustering' },
    });
    expect(again.statusCode).toBe(400);
    expect(again.json().error_code).toBe('RESOURCE_ALREADY_EXISTS');
    const missing = await s.app.inject({
      url: '/api/2.0/mlflow/experiments/get?experiment_id=999',
    });
    expect(missing.statusCode).toBe(404);
    expect(missing.json().error_code).toBe('RESOURCE_DOES_NOT_EXIST');
    const invalid = await s.app.inject({
      method: 'POST',
      url: '/api/2.0/mlflow/experiments/create',
      headers: json,
      payload: { nme: 'x' },
    });
    expect(invalid.statusCode).toBe(400);
    expect(invalid.json().error_code).toBe('INVALID_PARAMETER_VALUE');
    const dup = await s.app.inject({
      method: 'POST',
      url: '/api/2.0/mlflow/experiments/create',
      headers: json,
      payload: {
        name: 'd',
        tags: [
          { key: 'k', value: '1' },
          { key: 'k', value: '2' },
        ],
      },
    });
    expect(dup.json().message).toContain('"k" is given twice');
  });
});

describe('serving', () => {
  it('listens on 127.0.0.1 and serves the OpenAPI document of the routes', async () => {
    const s = await server();
    const url = await s.listen();
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const doc = (await (await fetch(`${url}/api/openapi.json`)).json()) as {
      openapi: string;
      paths: Record<string, unknown>;
    };
    expect(doc.openapi).toBe('3.0.3');
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/api/2.0/mlflow/experiments/create',
        '/api/2.0/mlflow/experiments/search',
        '/get-artifact',
      ]),
    );
    expect(doc.paths['/api/openapi.json']).toBeUndefined();
    const unknown = await fetch(`${url}/api/2.0/mlflow/nope`);
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as { error_code: string }).error_code).toBe(
      'ENDPOINT_NOT_FOUND',
    );
  });
});
