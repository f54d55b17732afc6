import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  Registry,
  configure,
  flow,
  getRunContext,
  resetConfiguration,
  runTaskBody,
  silentLogger,
  task,
} from '../src/index.js';
import type { AnyFunction, Definition, RunContext } from '../src/index.js';

beforeEach(() => configure({ logger: silentLogger }));
afterEach(() => resetConfiguration());

const tick = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A task's definition, as `tideflow worker` finds it in its registry. */
function remoteTask(fn: AnyFunction): Definition {
  const registry = new Registry();
  task(fn, { registry });
  return registry.get(fn.name)!;
}

/** A remote attempt's context, as `tideflow worker` builds it. */
function remoteContext(taskRunId: string): RunContext {
  return {
    flowRunId: 'flow-1',
    taskRunId,
    name: 'remote',
    attempt: 1,
    parameters: {},
    signal: new AbortController().signal,
    logger: silentLogger,
  };
}

describe('run context lifetime', () => {
  it('keeps each run its own context across awaits while other runs start and settle', async () => {
    const registry = new Registry();
    const seen: (string | undefined)[] = [];
    const quick = task(
      function quick() {
        return getRunContext()?.name;
      },
      { registry },
    );
    const slow = flow(
      async function slow() {
        await tick(20);
        seen.push(getRunContext()?.name);
        await tick(1);
        return getRunContext()?.name;
      },
      { registry },
    );
    const other = flow(
      function other() {
        return quick();
      },
      { registry },
    );
    const running = slow();
    await tick(5);
    // `other` and its task start and settle while `slow` waits.
    expect(await other()).toBe('quick');
    expect(await running).toBe('slow');
    expect(seen).toEqual(['slow']);
  });

  it('gives a remote body its context, also after its awaits, while another body settles', async () => {
    const def = remoteTask(async function remote() {
      await tick(10);
      return getRunContext()?.taskRunId;
    });
    const sync = remoteTask(function syncRemote() {
      return getRunContext()?.taskRunId;
    });
    const first = runTaskBody(def, undefined, [], remoteContext('a'));
    expect(await runTaskBody(sync, undefined, [], remoteContext('b'))).toBe('b');
    expect(await first).toBe('a');
  });

  it('ends the context when every body has settled: a callback left behind sees none', async () => {
    let later: Promise<RunContext | undefined> | undefined;
    const def = remoteTask(function leaves() {
      later = tick(5).then(() => getRunContext());
      return getRunContext()?.taskRunId;
    });
    expect(await runTaskBody(def, undefined, [], remoteContext('c'))).toBe('c');
    expect(await later).toBeUndefined();
  });

  it('adopts a thenable a body returns inside its context', async () => {
    const def = remoteTask(function thenable() {
      return {
        then(resolve: (value: unknown) => void) {
          resolve(getRunContext()?.taskRunId);
        },
      };
    });
    expect(await runTaskBody(def, undefined, [], remoteContext('t'))).toBe('t');
  });

  it("reads the context's signal only when the body asks for it", async () => {
    let reads = 0;
    const controller = new AbortController();
    const context = (id: string): RunContext => ({
      ...remoteContext(id),
      get signal() {
        reads++;
        return controller.signal;
      },
    });
    const quiet = remoteTask(function quiet() {
      return getRunContext()?.taskRunId;
    });
    const asks = remoteTask(function asks() {
      return getRunContext()?.signal === controller.signal;
    });
    expect(await runTaskBody(quiet, undefined, [], context('q'))).toBe('q');
    expect(reads).toBe(0);
    expect(await runTaskBody(asks, undefined, [], context('s'))).toBe(true);
    expect(reads).toBe(1);
  });

  it('turns a synchronous throw or a throwing `then` into a rejection', async () => {
    const boom = remoteTask(function boom() {
      throw new Error('boom');
    });
    const hostile = remoteTask(function hostile() {
      return Object.defineProperty({}, 'then', {
        get() {
          throw new Error('then getter');
        },
      });
    });
    await expect(runTaskBody(boom, undefined, [], remoteContext('d'))).rejects.toThrow('boom');
    await expect(runTaskBody(hostile, undefined, [], remoteContext('e'))).rejects.toThrow(
      'then getter',
    );
    // A later run still has its context.
    const ok = remoteTask(async function ok() {
      await tick(1);
      return getRunContext()?.taskRunId;
    });
    expect(await runTaskBody(ok, undefined, [], remoteContext('f'))).toBe('f');
  });
});
