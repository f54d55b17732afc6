import { afterEach, describe, expect, it } from 'vitest';
import {
  ConsoleLogger,
  Registry,
  configure,
  engineEvents,
  flow,
  getRunLogger,
  resetConfiguration,
  silentLogger,
  task,
  type EngineEvent,
} from '../src/index.js';

afterEach(() => {
  resetConfiguration();
  engineEvents.clear();
});

describe('logging', () => {
  it('prints readable lines filtered by level, with bindings', () => {
    const lines: string[] = [];
    const logger = new ConsoleLogger({ level: 'info', write: (l) => lines.push(l) });
    logger.debug({ hidden: true }, 'nope');
    logger.child({ run: 'r1' }).warn({ n: 2, text: 'a b', err: new Error('x') }, 'hello');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^\d\d:\d\d:\d\d\.\d{3} WARN {2}hello run=r1 n=2 text="a b" err=Error: x/,
    );
    silentLogger.error({}, 'dropped');
  });

  it('tags run logger lines with the flow and task run and emits run.log events', async () => {
    const lines: string[] = [];
    configure({ logger: new ConsoleLogger({ write: (l) => lines.push(l) }), runLogLevel: 'off' });
    const registry = new Registry();
    const t = task(
      async function chatty() {
        getRunLogger()!.info({ step: 1 }, 'working');
      },
      { registry },
    );
    const f = flow(
      async function talker() {
        getRunLogger()!.info({}, 'starting');
        await t();
      },
      { registry },
    );
    const events: EngineEvent[] = [];
    const unsubscribe = engineEvents.subscribe((e) => events.push(e));
    await f();
    const logs = events.filter((e) => e.type === 'run.log');
    expect(logs.map((e) => (e.type === 'run.log' ? e.message : ''))).toEqual([
      'starting',
      'working',
    ]);
    const flowRunId = logs[0].run.id;
    expect(lines[0]).toContain(`flow=talker flow_run=${flowRunId}`);
    expect(lines[1]).toMatch(
      new RegExp(`task=chatty task_run=[0-9a-f]{32} flow_run=${flowRunId} step=1`),
    );
    unsubscribe();
    await f();
    expect(events.filter((e) => e.type === 'run.log')).toHaveLength(2);
    expect(getRunLogger()).toBeUndefined();
  });

  it('logs the run lifecycle as Prefect does, at info by default, with the error of a failed run', async () => {
    const lines: string[] = [];
    configure({ logger: new ConsoleLogger({ level: 'info', write: (l) => lines.push(l) }) });
    const registry = new Registry();
    let calls = 0;
    const flaky = task(
      async function flaky() {
        if (++calls === 1) throw new Error('network down');
        return 1;
      },
      { registry, retries: 1 },
    );
    const broken = task(
      async function broken() {
        throw new TypeError('bad input');
      },
      { registry },
    );
    const pipeline = flow(
      async function pipeline() {
        await flaky();
        await broken();
      },
      { registry },
    );
    const state = await pipeline.run();
    expect(state.type).toBe('FAILED');
    const messages = lines.map((l) =>
      l.replace(/^\S+ (\S+) +/, '$1 ').replace(/ (flow|task)=[\s\S]*/, ''),
    );
    const id = '[0-9a-f]{32}';
    const expected = [
      `INFO Created flow run '${id}' for flow 'pipeline'`,
      `INFO Task run '${id}' for task 'flaky' started`,
      `INFO Task run '${id}' failed on attempt 1 \\(Error: network down\\); retrying`,
      `INFO Task run '${id}' started attempt 2`,
      `INFO Task run '${id}' finished in state Completed\\(\\)`,
      `INFO Task run '${id}' for task 'broken' started`,
      `INFO Task run '${id}' finished in state Failed\\('TypeError: bad input'\\)`,
      `INFO Flow run '${id}' finished in state Failed\\('TypeError: bad input'\\)`,
    ];
    expect(messages).toHaveLength(expected.length);
    messages.forEach((m, i) => expect(m).toMatch(new RegExp(`^${expected[i]}$`)));
    expect(lines.at(-1)).toMatch(/flow=pipeline flow_run=\S+ error=TypeError: bad input/);

    lines.length = 0;
    configure({ runLogLevel: 'debug' });
    await pipeline.run();
    expect(lines).toEqual([]); // the logger prints info and above
    configure({ runLogLevel: 'warn' });
    await pipeline.run();
    expect(lines.length).toBeGreaterThan(0);
    configure({ runLogLevel: 'off' });
    lines.length = 0;
    await pipeline.run();
    expect(lines).toEqual([]);
    configure({ runLogLevel: 'loud' as 'off' });
    await expect(async () => pipeline()).rejects.toThrow(
      /configure\(\{ runLogLevel \}\): expected one of debug, info, warn, error, off/,
    );
  });

  it('asks the logger (isLevelEnabled) before it builds a lifecycle line', async () => {
    const asked: string[] = [];
    const written: string[] = [];
    const record =
      (level: string) =>
      (_: Record<string, unknown>, msg?: string): void => {
        written.push(`${level} ${msg ?? ''}`);
      };
    const logger = {
      debug: record('debug'),
      info: record('info'),
      warn: record('warn'),
      error: record('error'),
      child: () => logger,
      isLevelEnabled: (level: string) => {
        asked.push(level);
        return level !== 'info';
      },
    };
    configure({ logger });
    const registry = new Registry();
    const t = task(async (x: number) => x + 1, { registry, name: 'inc' });
    const f = flow(async () => t(1), { registry, name: 'quiet' });
    expect(await f()).toBe(2);
    // Created, task started, task finished, flow finished: each asked, none written at info.
    expect(asked).toEqual(['info', 'info', 'info', 'info']);
    expect(written).toEqual([]);
    configure({ runLogLevel: 'warn' });
    expect(await f()).toBe(2);
    expect(written).toHaveLength(4);
    expect(written[0]).toMatch(/^warn Created flow run '[0-9a-f]{32}' for flow 'quiet'$/);
    expect(new ConsoleLogger({ level: 'warn' }).isLevelEnabled('info')).toBe(false);
    expect(new ConsoleLogger({ level: 'warn' }).isLevelEnabled('error')).toBe(true);
    expect(silentLogger.isLevelEnabled?.('error')).toBe(false);
  });

  it('keeps running when a subscriber throws', async () => {
    const registry = new Registry();
    engineEvents.subscribe(() => {
      throw new Error('bad subscriber');
    });
    const t = task(
      async function robust() {
        return 1;
      },
      { registry },
    );
    expect(await t()).toBe(1);
  });
});
