import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { extname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';

/** Where the built web UI lives: `ui/dist` of this package (built by the root `npm run build`). */
export const UI_DIR = fileURLToPath(new URL('../ui/dist/', import.meta.url));

const MEDIA_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
};

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? filesUnder(join(dir, e.name)) : e.isFile() ? [join(dir, e.name)] : [],
  );
}

/**
 * Serves the web UI's built files: `/` is its `index.html`, `/assets/*` the hashed bundles
 * (cached for a year). Only the files found in `dir` when the server starts get a route, so no
 * request path ever reaches the file system. These routes are public even when the server
 * has a token (the UI holds no data; the API it calls needs the token). Without a build, `/`
 * says how to make one.
 */
export function staticRoutes(app: FastifyInstance, dir: string = UI_DIR): void {
  const config = { public: true };
  const schema = { hide: true };
  if (!existsSync(join(dir, 'index.html'))) {
    app.get('/', { config, schema }, async (_request, reply) =>
      reply
        .code(503)
        .type('text/plain; charset=utf-8')
        .send('The web UI is not built. Run "npm run build" in the tideflow repository.'),
    );
    return;
  }
  for (const file of filesUnder(dir)) {
    const path = relative(dir, file).split(sep).join('/');
    const body = readFileSync(file);
    const type = MEDIA_TYPES[extname(file)] ?? 'application/octet-stream';
    const cache = path.startsWith('assets/') ? 'public, max-age=31536000, immutable' : 'no-cache';
    const urls = path === 'index.html' ? ['/', '/index.html'] : [`/${path}`];
    for (const url of urls)
      app.get(url, { config, schema }, async (_request, reply) =>
        reply.type(type).header('cache-control', cache).send(body),
      );
  }
}
