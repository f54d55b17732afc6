// `tideflow worker` refuses bad options and modules before it connects to Redis.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, workspace } from './helpers.js';

describe('tideflow worker', () => {
  const ws = workspace();
  const nowhere = ['--redis', 'redis://127.0.0.1:1'];

  it('names a bad --concurrency or --threads', async () => {
    let r = await cli(ws, 'worker', '--concurrency', '0', ...nowhere);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('--concurrency must be an integer from 1 to 1000, got "0"');
    r = await cli(ws, 'worker', '--threads', 'many', ...nowhere);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('--threads must be an integer from 1 to 256, got "many"');
  });

  it('names a module it cannot load', async () => {
    const r = await cli(ws, 'worker', '--module', './no-such-tasks.js', ...nowhere);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('--module ./no-such-tasks.js: there is no file');
    expect(existsSync(join(ws.cwd, '.tideflow'))).toBe(false);
  });
});
