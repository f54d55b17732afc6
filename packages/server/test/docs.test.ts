import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { MemoryTracker } from '@tideflow/core';
import { OPENAPI_PATH, createServer } from '@tideflow/server';

describe('docs/server.md', () => {
  it('lists exactly the routes of the OpenAPI document, with their methods', async () => {
    const server = await createServer({ tracker: new MemoryTracker(), port: 0 });
    try {
      const doc = (await server.app.inject({ url: OPENAPI_PATH })).json<{
        paths: Record<string, Record<string, unknown>>;
      }>();
      const served = Object.entries(doc.paths)
        .filter(([path]) => path !== '/api/health')
        .map(
          ([path, ops]) =>
            `${path} ${Object.keys(ops)
              .map((m) => m.toUpperCase())
              .sort()
              .join(', ')}`,
        )
        .sort();
      const md = readFileSync(new URL('../../../docs/server.md', import.meta.url), 'utf8');
      const documented = [...md.matchAll(/^\| `(\/[^`]+)` +\| ([A-Z, ]+?) *\|$/gm)]
        .map((m) => `${m[1]} ${m[2].split(', ').sort().join(', ')}`)
        .sort();
      expect(documented).toEqual(served);
    } finally {
      await server.close();
    }
  });
});
