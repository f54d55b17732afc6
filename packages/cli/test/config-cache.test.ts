import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Registry, TaskCache, normalizeCacheOptions, task } from '@tideflow/core';
import { createSqliteCacheStore } from '@tideflow/tracker-sqlite';
import { cli, workspace } from './helpers.js';

const ws = workspace();
afterAll(() => rmSync(ws.cwd, { recursive: true, force: true }));

describe('tideflow config and profile', () => {
  it('sets, views and unsets settings in the active profile, validating keys and values', async () => {
    expect((await cli(ws, 'config', 'set', 'loggingLevel=debug', 'maxConcurrency=8')).code).toBe(0);
    const file = JSON.parse(readFileSync(join(ws.env.TIDEFLOW_HOME!, 'profiles.json'), 'utf8'));
    expect(file.profiles.default).toEqual({ loggingLevel: 'debug', maxConcurrency: 8 });

    const view = JSON.parse((await cli(ws, 'config', 'view', '--json')).stdout);
    expect(view.profile).toBe('default');
    expect(view.settings.loggingLevel).toEqual({
      value: 'debug',
      source: 'profile',
      env: 'TIDEFLOW_LOGGING_LEVEL',
    });
    expect(view.settings.trackingUri.source).toBe('default');

    const table = (await cli(ws, 'config', 'view')).stdout;
    expect(table.split('\n').every((l) => l.length <= 80)).toBe(true);
    expect(table).toMatch(/loggingLevel +debug +profile +TIDEFLOW_LOGGING_LEVEL/);

    const bad = await cli(ws, 'config', 'set', 'loggingLevel=loud');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(
      /loggingLevel: expected one of debug, info, warn, error, got "loud"/,
    );
    const unknown = await cli(ws, 'config', 'set', 'colour=blue');
    expect(unknown.stderr).toMatch(/Unknown setting "colour"/);

    await cli(ws, 'config', 'unset', 'maxConcurrency');
    const after = JSON.parse((await cli(ws, 'config', 'view', '--json')).stdout);
    expect(after.settings.maxConcurrency).toEqual({
      value: '0',
      source: 'default',
      env: 'TIDEFLOW_MAX_CONCURRENCY',
    });
  });

  it('creates, lists, switches and deletes profiles', async () => {
    expect((await cli(ws, 'profile', 'create', 'ci')).code).toBe(0);
    expect((await cli(ws, 'profile', 'create', 'ci')).stderr).toMatch(/already exists/);
    await cli(ws, 'profile', 'use', 'ci');
    expect((await cli(ws, 'profile', 'ls')).stdout).toBe('* ci\n  default\n');
    await cli(ws, 'config', 'set', 'refreshCache=true');
    const view = JSON.parse((await cli(ws, 'config', 'view', '--json')).stdout);
    expect(view.profile).toBe('ci');
    expect(view.settings.refreshCache.value).toBe('true');
    expect(view.settings.loggingLevel.source).toBe('default');
    expect((await cli(ws, 'profile', 'delete', 'ci')).stderr).toMatch(/is active/);
    await cli(ws, 'profile', 'use', 'default');
    expect((await cli(ws, 'profile', 'delete', 'ci')).code).toBe(0);
    expect((await cli(ws, 'profile', 'use', 'ci')).stderr).toMatch(/No profile "ci"/);
  });
});

describe('tideflow cache', () => {
  it('reports entries per task and clears one task or everything', async () => {
    const store = createSqliteCacheStore({ path: join(ws.cwd, '.tideflow', 'cache.sqlite') });
    const cache = new TaskCache({ store });
    const registry = new Registry();
    const double = task(
      async function double(x: number) {
        return 2 * x;
      },
      { registry },
    );
    for (const [name, args] of [
      ['A.first', [1]],
      ['A.first', [2]],
      ['B.second', [3]],
    ] as const) {
      const options = normalizeCacheOptions(name, true);
      const key = cache.computeKey(options, {
        taskName: name,
        fn: double.fn,
        args,
        paramNames: ['x'],
      })!;
      await cache.run(options, key, async () => double.fn(args[0]), false);
    }
    await store.disconnect();

    const info = JSON.parse((await cli(ws, 'cache', 'info', '--json')).stdout);
    expect(info.entries).toBe(3);
    expect(info.tasks.map((t: { task: string; entries: number }) => [t.task, t.entries])).toEqual([
      ['A.first', 2],
      ['B.second', 1],
    ]);
    expect((await cli(ws, 'cache', 'info')).stdout).toMatch(/A\.first +2 /);
    expect((await cli(ws, 'cache', 'clear', '--task', 'A.first')).stdout).toBe(
      'Removed 2 cache entries of A.first.\n',
    );
    expect(JSON.parse((await cli(ws, 'cache', 'info', '--json')).stdout).entries).toBe(1);
    const unknown = await cli(ws, 'cache', 'clear', '--task', 'A.frist');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(
      /No cached results of task "A\.frist"\. Tasks in the cache: B\.second\./,
    );
    expect(JSON.parse((await cli(ws, 'cache', 'info', '--json')).stdout).entries).toBe(1);
    expect((await cli(ws, 'cache', 'clear')).stdout).toBe('Removed 1 cache entry.\n');
  });
});
