import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import {
  CodeHashError,
  InvalidOptionError,
  Registry,
  TaskCache,
  codeHash,
  configure,
  createMemoryCacheStore,
  flow,
  inputs,
  normalizeCacheOptions,
  resetConfiguration,
  silentLogger,
  task,
  taskSource,
} from '../src/index.js';
import type { CachePolicy, CacheStore } from '../src/index.js';

/*
 * A project as the issue describes it: every task body is a one-line call into another module
 * (here a package under os.tmpdir(), found through node_modules), so `taskSource` cannot see an
 * edit of the function that does the work.
 */
const root = mkdtempSync(join(tmpdir(), 'tideflow-code-hash-'));
const pkg = join(root, 'node_modules', 'tf-scoring');
const lib = join(pkg, 'lib', 'score.js');

function writePackage(body: string): void {
  mkdirSync(join(pkg, 'lib'), { recursive: true });
  writeFileSync(
    join(pkg, 'package.json'),
    JSON.stringify({ name: 'tf-scoring', type: 'module', files: ['lib'] }),
  );
  writeFileSync(lib, `export function score(x) { return ${body}; }\n`);
}

let imports = 0;
/** Imports the current file content (a query defeats the module cache, as a new process would). */
async function score(x: number): Promise<number> {
  const mod = (await import(`${pathToFileURL(lib).href}?v=${++imports}`)) as {
    score(x: number): number;
  };
  return mod.score(x);
}

/** The scoring task as a fresh process would define it: a new registry and a new policy. */
function definePipeline(policy: CachePolicy[], version?: string) {
  const registry = new Registry();
  let runs = 0;
  const scoreTask = task(
    async function scoreAll(x: number) {
      runs++;
      return score(x);
    },
    { registry, cache: { policy }, version },
  );
  const pipeline = flow(async (x: number) => scoreTask(x), { registry, name: 'scoring' });
  return { pipeline, runs: () => runs };
}

afterEach(() => resetConfiguration());
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('the code-version input of cache keys', () => {
  it('misses after a function the task calls changes in another package, and hits when unchanged', async () => {
    const store: CacheStore = createMemoryCacheStore();
    configure({ cacheStore: store, logger: silentLogger });
    writePackage('x * 2');
    const code = () => codeHash({ packages: ['tf-scoring'], from: root });

    const first = definePipeline([inputs, taskSource, code()]);
    expect(await first.pipeline(5)).toBe(10);
    expect(first.runs()).toBe(1);

    const unchanged = definePipeline([inputs, taskSource, code()]);
    expect(await unchanged.pipeline(5)).toBe(10);
    expect(unchanged.runs()).toBe(0);

    writePackage('x * 3');
    // taskSource alone is blind to the edit: the stale result comes back.
    const blind = definePipeline([inputs, taskSource]);
    await blind.pipeline(5);
    const stale = definePipeline([inputs, taskSource]);
    expect(await stale.pipeline(5)).toBe(15);
    writePackage('x * 4');
    expect(await definePipeline([inputs, taskSource]).pipeline(5)).toBe(15);

    const edited = definePipeline([inputs, taskSource, code()]);
    expect(await edited.pipeline(5)).toBe(20);
    expect(edited.runs()).toBe(1);

    writePackage('x * 2');
    const reverted = definePipeline([inputs, taskSource, code()]);
    expect(await reverted.pipeline(5)).toBe(10);
    expect(reverted.runs()).toBe(0);
  });

  it('bumping the version option misses; the same version hits', async () => {
    configure({ cacheStore: createMemoryCacheStore(), logger: silentLogger });
    writePackage('x + 1');
    const v1 = definePipeline([inputs, taskSource], '1');
    expect(await v1.pipeline(1)).toBe(2);
    const again = definePipeline([inputs, taskSource], '1');
    expect(await again.pipeline(1)).toBe(2);
    expect(again.runs()).toBe(0);
    writePackage('x + 100');
    const v2 = definePipeline([inputs, taskSource], '2');
    expect(await v2.pipeline(1)).toBe(101);
    expect(v2.runs()).toBe(1);
    const unversioned = definePipeline([inputs, taskSource]);
    await unversioned.pipeline(1);
    expect(unversioned.runs()).toBe(1);
  });

  it('puts the version into custom keys too, and .with({ version }) changes it', () => {
    const cache = new TaskCache({ logger: silentLogger });
    const request = { taskName: 'load', fn: () => 0, args: ['a.csv'], paramNames: ['path'] };
    const key = (version?: string) =>
      cache.computeKey(
        normalizeCacheOptions('load', { key: (_ctx, [p]) => String(p) }, version),
        request,
      );
    expect(key()).toBe('tideflow:load:key:a.csv');
    expect(key('2')).toBe('tideflow:load:v=2:key:a.csv');
    expect(key('a:b')).toBe('tideflow:load:v=a%3Ab:key:a.csv');
    expect(key('3')).not.toBe(key('2'));
  });

  it('a copy made with .with({ version }) has its own keys, and key functions see the version', async () => {
    configure({ cacheStore: createMemoryCacheStore(), logger: silentLogger });
    const registry = new Registry();
    const seen: (string | undefined)[] = [];
    let runs = 0;
    const base = task(
      async function versioned(x: number) {
        runs++;
        return x;
      },
      { registry, version: '1', cache: { key: (ctx, [x]) => (seen.push(ctx.version), String(x)) } },
    );
    const f = flow(
      async () => [await base(1), await base(1), await base.with({ version: '2' })(1)],
      {
        registry,
        name: 'versions',
      },
    );
    expect(await f()).toEqual([1, 1, 1]);
    expect(runs).toBe(2);
    expect(seen).toEqual(['1', '1', '2']);
  });

  it('rejects a version that is not a non-empty string, and a version on a flow', () => {
    const registry = new Registry();
    for (const [i, version] of ['', '  ', 2, null, {}].entries()) {
      expect(() =>
        task(async () => 1, {
          registry,
          name: `bad${i}`,
          cache: true,
          version: version as string,
        }),
      ).toThrow(InvalidOptionError);
    }
    expect(() =>
      task(async () => 1, { registry, name: 'badVersion', version: 3 as unknown as string }),
    ).toThrow(/option version must be a non-empty string.*got 3/);
    expect(() => flow(async () => 1, { registry, name: 'f', version: '1' } as never)).toThrow(
      /version is a task option/,
    );
  });

  it('hashes the content once per process, keyed by relative paths only', () => {
    writePackage('x - 1');
    const policy = codeHash({ files: [join(pkg, 'lib')] });
    const before = policy.digest();
    writePackage('x - 2');
    // The policy keeps the digest of the code this process started with.
    expect(policy.digest()).toBe(before);
    const fresh = codeHash({ files: [pathToFileURL(join(pkg, 'lib'))] });
    expect(fresh.digest()).not.toBe(before);
    // A copy of the same files elsewhere (another clone) has the same digest.
    const clone = join(root, 'clone', 'lib');
    mkdirSync(clone, { recursive: true });
    writeFileSync(join(clone, 'score.js'), 'export function score(x) { return x - 2; }\n');
    writeFileSync(join(clone, '.cache'), 'ignored: dot names are skipped');
    mkdirSync(join(clone, 'node_modules'));
    writeFileSync(join(clone, 'node_modules', 'dep.js'), 'ignored');
    symlinkSync(clone, join(clone, 'loop'));
    expect(codeHash({ files: [clone] }).digest()).toBe(fresh.digest());
    expect(fresh.roots).toEqual([join(pkg, 'lib')]);
  });

  it('a package stands for package.json and its files entries', () => {
    writePackage('x');
    writeFileSync(join(root, 'a.js'), '');
    const policy = codeHash({ packages: ['tf-scoring'], from: pathToFileURL(join(root, 'a.js')) });
    expect(policy.roots).toEqual([join(pkg, 'package.json'), join(pkg, 'lib')]);
    const before = policy.digest();
    writeFileSync(join(pkg, 'README.md'), 'not published, not hashed');
    expect(codeHash({ packages: ['tf-scoring'], from: root }).digest()).toBe(before);
  });

  it('rejects bad options with errors naming what is wrong, before any task runs', () => {
    expect(() => codeHash({})).toThrow(/at least one entry/);
    expect(() => codeHash({ file: ['x'] } as never)).toThrow(/unknown option "file"/);
    expect(() => codeHash({ files: [join(root, 'missing.js')] })).toThrow(
      new RegExp(`files\\[0\\] ${join(root, 'missing.js')} does not exist`),
    );
    expect(() => codeHash({ packages: ['tf-no-such-package'], from: root })).toThrow(
      /package "tf-no-such-package" is not installed/,
    );
    expect(() => codeHash({ files: [new URL('https://example.com/a.js')] })).toThrow(
      /not a file: URL/,
    );
    expect(() => codeHash({ packages: [''] })).toThrow(InvalidOptionError);
    const dir = join(root, 'unreadable');
    mkdirSync(dir, { recursive: true });
    symlinkSync(join(root, 'nowhere'), join(dir, 'broken.js'));
    const broken = codeHash({ files: [dir] });
    expect(() => broken.digest()).toThrow(CodeHashError);
    expect(() => broken.digest()).toThrow(/broken\.js/);
  });
});
