import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryTracker } from '@tideflow/core';
import { createServer } from '@tideflow/server';
import type { TideflowServer } from '@tideflow/server';
import { UrlSigner, artifactUrl } from '../src/signed-urls.js';
import { seedDemo } from './fixtures/demo-store.js';
import type { DemoRuns } from './fixtures/demo-store.js';

const TOKEN = 's3cret-token';
let guarded: TideflowServer;
let open: TideflowServer;
let demo: DemoRuns;
beforeAll(async () => {
  const tracker = new MemoryTracker();
  demo = await seedDemo(tracker);
  guarded = await createServer({ tracker, port: 0, token: TOKEN });
  open = await createServer({ tracker, port: 0 });
  await guarded.listen();
});
afterAll(async () => {
  await guarded.close();
  await open.close();
});

const bearer = { authorization: `Bearer ${TOKEN}` };
/** A plain browser request: a link or `<img src>`, which carries no header. */
const plain = (path: string) => fetch(guarded.url! + path);
const json = async (path: string) => {
  const r = await fetch(guarded.url! + path, { headers: bearer });
  expect(r.status).toBe(200);
  return (await r.json()) as Record<string, unknown>;
};
const reportUrl = async (runId: string) => (await json(`/api/flow-runs/${runId}`)).report as string;
/** The same URL with one character of its signature changed. */
const tamper = (url: string) =>
  url.replace(/sig=(.)/, (_m, c: string) => `sig=${c === 'A' ? 'B' : 'A'}`);

describe('Open report on a server with a token', () => {
  it('opens by the signed link the run page gets, sandboxed, without the token', async () => {
    const url = await reportUrl(demo.etl);
    expect(url).toMatch(
      new RegExp(`^/api/flow-runs/${demo.etl}/report\\?exp=\\d+&sig=[\\w-]{43}$`),
    );
    expect(url).not.toContain(TOKEN);
    const r = await plain(url);
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(r.headers.get('content-security-policy')).toMatch(/^sandbox;/);
    expect(await r.text()).toContain('<h1>ETL report</h1>');
  });

  it('refuses it without a signature, with a tampered one, and for another address', async () => {
    const url = await reportUrl(demo.etl);
    const bare = await plain(`/api/flow-runs/${demo.etl}/report`);
    expect(bare.status).toBe(401);
    expect(await bare.json()).toMatchObject({ error_code: 'UNAUTHENTICATED' });
    const tampered = await plain(tamper(url));
    expect(tampered.status).toBe(401);
    expect(((await tampered.json()) as { message: string }).message).toMatch(/not valid/);
    // Stray characters after a signature, a later expiry, another run's report, another route.
    expect((await plain(`${url}A`)).status).toBe(401);
    expect((await plain(url.replace(/exp=(\d)/, 'exp=9$1'))).status).toBe(401);
    const query = url.slice(url.indexOf('?'));
    expect((await plain(`/api/flow-runs/${demo.broken}/report${query}`)).status).toBe(401);
    expect((await plain(`/api/flow-runs/${demo.etl}${query}`)).status).toBe(401);
    // And the token itself is never taken from this URL.
    expect((await plain(`/api/flow-runs/${demo.etl}/report?token=${TOKEN}`)).status).toBe(401);
  });

  it('stays a plain path on a server without a token', async () => {
    const r = await open.app.inject({ url: `/api/flow-runs/${demo.etl}` });
    expect(r.json()).toMatchObject({ report: `/api/flow-runs/${demo.etl}/report` });
  });
});

describe('GET /api/runs/:runId/artifacts/<path>', () => {
  it('lists each artifact with the url that opens it, signed with a token', async () => {
    const { artifacts } = (await json(`/api/runs/${demo.sweep[1]}/artifacts`)) as {
      artifacts: { path: string; url: string; mediaType: string }[];
    };
    const image = artifacts.find((a) => a.mediaType === 'image/png')!;
    expect(image.url.split('?')[0]).toBe(artifactUrl(demo.sweep[1], image.path));
    const r = await plain(image.url);
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('image/png');
    expect(r.headers.get('content-security-policy')).toMatch(/^sandbox;/);
    const bytes = new Uint8Array(await r.arrayBuffer());
    expect([...bytes.slice(1, 4)]).toEqual([0x50, 0x4e, 0x47]); // "PNG"
    const notes = artifacts.find((a) => a.path === 'notes/readme.md')!;
    expect(await (await plain(notes.url)).text()).toBe('# notes');
    expect((await plain(notes.url.split('?')[0])).status).toBe(401);
    expect((await plain(tamper(notes.url))).status).toBe(401);
    const withBearer = await fetch(guarded.url! + notes.url.split('?')[0], { headers: bearer });
    expect(withBearer.status).toBe(200);

    const unsigned = await open.app.inject({ url: `/api/runs/${demo.sweep[1]}/artifacts` });
    const listed = unsigned.json<{ artifacts: { path: string; url: string }[] }>().artifacts;
    expect(listed.find((a) => a.path === 'notes/readme.md')!.url).toBe(
      `/api/runs/${demo.sweep[1]}/artifacts/notes/readme.md`,
    );
  });

  it('keeps to the run: traversal is refused, a missing artifact or run is 404', async () => {
    const base = `/api/runs/${demo.sweep[1]}/artifacts`;
    // Sent as is (fetch and inject would resolve the dot segments before sending).
    const raw = (path: string) =>
      new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = request(guarded.url! + '/', { path, headers: bearer }, (res) => {
          let body = '';
          res.on('data', (c: Buffer) => (body += c.toString()));
          res.on('end', () => resolve({ status: res.statusCode!, body }));
        });
        req.on('error', reject);
        req.end();
      });
    for (const bad of [
      '../../x',
      '%2e%2e/x',
      '%252e%252e/x',
      'notes/%2e%2e/%2e%2e/x',
      '%2Fetc%2Fpasswd',
      'a%5c..%5cb',
    ]) {
      const r = await raw(`${base}/${bad}`);
      expect(r.status, bad).toBe(400);
      expect(JSON.parse(r.body)).toMatchObject({ error_code: 'INVALID_PARAMETER_VALUE' });
    }
    expect((await open.app.inject({ url: `${base}/nope.txt` })).statusCode).toBe(404);
    expect((await open.app.inject({ url: '/api/runs/nope/artifacts/a.txt' })).statusCode).toBe(404);
  });
});

describe('UrlSigner', () => {
  it('signs a path until its expiry, and says expired after', () => {
    const signer = new UrlSigner(Buffer.alloc(32, 7), 1000);
    const url = signer.sign('/a/b', 5_000);
    // The same link for the rest of the minute.
    expect(signer.sign('/a/b', 58_000)).toBe(url);
    const q = new URLSearchParams(url.slice(url.indexOf('?')));
    expect(q.get('exp')).toBe('60000');
    expect(signer.verify('/a/b', q.get('exp'), q.get('sig'), 59_999)).toBe('ok');
    expect(signer.verify('/a/b', q.get('exp'), q.get('sig'), 60_000)).toBe('expired');
    expect(signer.verify('/a/c', q.get('exp'), q.get('sig'), 5_000)).toBe('invalid');
    expect(signer.verify('/a/b', '60001', q.get('sig'), 5_000)).toBe('invalid');
    expect(signer.verify('/a/b', undefined, q.get('sig'), 5_000)).toBe('invalid');
    expect(signer.verify('/a/b', '1e9', q.get('sig'), 5_000)).toBe('invalid');
    // Another server process (another key) does not accept it.
    expect(new UrlSigner().verify('/a/b', q.get('exp'), q.get('sig'), 5_000)).toBe('invalid');
  });

  it('encodes each segment of an artifact path', () => {
    expect(artifactUrl('r 1', 'plots/roc curve#1.svg')).toBe(
      '/api/runs/r%201/artifacts/plots/roc%20curve%231.svg',
    );
  });
});
