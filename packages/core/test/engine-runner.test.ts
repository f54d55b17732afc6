import { afterEach, describe, expect, it } from 'vitest';
import {
  MissingContextError,
  Registry,
  configure,
  engineEvents,
  flow,
  resetConfiguration,
  task,
  type TaskJob,
  type TaskRunner,
} from '../src/index.js';

afterEach(() => {
  resetConfiguration();
  engineEvents.clear();
});

/** A runner that records the jobs it receives (name, args, tags) and runs them in process. */
class RecordingRunner implements TaskRunner {
  readonly name = 'recording';
  readonly jobs: { taskName: string; args: readonly unknown[]; tags: readonly string[] }[] = [];
  constructor(readonly requiresFlowRun = false) {}
  submit<T>(job: TaskJob<T>): Promise<T> {
    this.jobs.push({ taskName: job.taskName, args: job.args, tags: job.tags });
    return job.execute();
  }
}

describe('task runners', () => {
  it('hand submitted tasks to the configured runner by registered name, with resolved arguments', async () => {
    const runner = new RecordingRunner();
    configure({ taskRunner: runner, tracker: false });
    const registry = new Registry();
    const add = task(
      async function add(a: number, b: number) {
        return a + b;
      },
      { registry, tags: ['cpu'] },
    );
    const f = flow(
      async function usesRunner() {
        const first = add.submit(1, 2);
        return add.submit(first, 10);
      },
      { registry },
    );
    expect(await f()).toBe(13);
    expect(runner.jobs).toEqual([
      { taskName: 'add', args: [1, 2], tags: ['cpu'] },
      { taskName: 'add', args: [3, 10], tags: ['cpu'] },
    ]);
  });

  it('prefers a flow’s own runner over the configured one', async () => {
    const global = new RecordingRunner();
    const own = new RecordingRunner();
    configure({ taskRunner: global, tracker: false });
    const registry = new Registry();
    const one = task(
      async function one() {
        return 1;
      },
      { registry },
    );
    const f = flow(
      async function ownRunner() {
        return one.submit();
      },
      { registry, taskRunner: own },
    );
    expect(await f()).toBe(1);
    expect(own.jobs).toHaveLength(1);
    expect(global.jobs).toHaveLength(0);
  });

  it('refuses .submit outside a flow when the runner needs a flow run, naming the task and runner', async () => {
    configure({ taskRunner: new RecordingRunner(true), tracker: false });
    const registry = new Registry();
    const lonely = task(
      async function lonely() {
        return 1;
      },
      { registry },
    );
    expect(() => lonely.submit()).toThrow(MissingContextError);
    expect(() => lonely.submit()).toThrow(
      'Task "lonely" was submitted outside a flow run, but runner "recording" needs one.',
    );
    expect(await lonely()).toBe(1);
  });
});
