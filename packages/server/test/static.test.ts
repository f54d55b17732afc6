import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryTracker } from '@tideflow/core';
import { createServer } from '@tideflow/server';
import type { TideflowServer } from '@tideflow/server';
import { staticRoutes } from '../src/static.js';
import { seedDemo } from './fixtures/demo-store.js';
import type { DemoRuns } from './fixtures/demo-store.js';

let server: TideflowServer;
let guarded: TideflowServer;
let demo: DemoRuns;
beforeAll(async () => {
  const tracker = new MemoryTracker();
  demo = await seedDemo(tracker);
  server = await createServer({ tracker, port: 0 });
  guarded = await createServer({ tracker, port: 0, token: 's3cret' });
});
afterAll(async () => {
  await server.close();
  await guarded.close();
});

describe('the web UI as static files', () => {
  it('serves the built index.html at / with the security headers and no inline script', async () => {
    const r = await server.app.inject({ url: '/' });
    expect(r.statusCode).toBe(200);
    expect(r.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(r.headers['content-security-policy']).toContain("default-src 'self'");
    expect(r.headers['x-frame-options']).toBe('DENY');
    expect(r.headers['cache-control']).toBe('no-cache');
    // Every script is a file from this origin: the CSP (no 'unsafe-inline' scripts) admits it.
    const scripts = [...r.body.matchAll(/<script\b[^>]*>([\s\S]*?)<\/script>/g)];
    expect(scripts.length).toBeGreaterThan(0);
    for (const [tag, body] of scripts) {
      expect(tag).toMatch(/src="\.\/assets\/[\w.-]+\.js"/);
      expect(body.trim()).toBe('');
    }
    const src = /src="\.(\/assets\/[\w.-]+\.js)"/.exec(r.body)![1];
    const js = await server.app.inject({ url: src });
    expect(js.statusCode).toBe(200);
    expect(js.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(js.headers['cache-control']).toContain('immutable');
  });

  it('answers only the files of the build: other paths, traversal included, are 404', async () => {
    for (const url of ['/assets/nope.js', '/assets/../package.json', '/%2e%2e/package.json']) {
      const r = await server.app.inject({ url });
      expect(r.statusCode, url).toBe(404);
    }
  });

  it('keeps the UI files public behind a token, and the API behind it', async () => {
    expect((await guarded.app.inject({ url: '/' })).statusCode).toBe(200);
    expect((await guarded.app.inject({ url: '/api/flow-runs' })).statusCode).toBe(401);
    const ok = await guarded.app.inject({
      url: '/api/flow-runs',
      headers: { authorization: 'Bearer s3cret' },
    });
    expect(ok.statusCode).toBe(200);
  });

  it('says how to build the UI when there is no build', async () => {
    const app = Fastify();
    staticRoutes(app, mkdtempSync(join(tmpdir(), 'tideflow-ui-')));
    const r = await app.inject({ url: '/' });
    expect(r.statusCode).toBe(503);
    expect(r.body).toContain('npm run build');
    await app.close();
  });

  it('serves nested build files by their path', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tideflow-ui-'));
    mkdirSync(join(dir, 'assets', 'img'), { recursive: true });
    writeFileSync(join(dir, 'index.html'), '<!doctype html>');
    writeFileSync(join(dir, 'assets', 'img', 'logo.svg'), '<svg/>');
    const app = Fastify();
    staticRoutes(app, dir);
    const r = await app.inject({ url: '/assets/img/logo.svg' });
    expect(r.headers['content-type']).toBe('image/svg+xml');
    expect(r.body).toBe('<svg/>');
    await app.close();
  });
});

describe('GET /api/runs/:runId/artifacts', () => {
  it("lists a run's artifact records with their kinds", async () => {
    const r = await server.app.inject({ url: `/api/runs/${demo.sweep[1]}/artifacts` });
    expect(r.statusCode).toBe(200);
    const types = r.json().artifacts.map((a: { path: string; type: string }) => a.type);
    expect(types.sort()).toEqual(['file', 'image', 'model', 'model']);
    expect((await server.app.inject({ url: '/api/runs/nope/artifacts' })).statusCode).toBe(404);
  });
});
