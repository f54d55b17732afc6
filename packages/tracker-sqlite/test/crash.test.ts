import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { SqliteTracker } from '@tideflow/tracker-sqlite';
import { holdWriteLocks, watchEventLoop } from './support/lock-holder.js';
import { firstLine, startWorker, type Worker } from './workers/spawn.js';

const root = mkdtempSync(join(tmpdir(), 'tideflow-sqlite-crash-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('runs left RUNNING by a dead process', { timeout: 60_000 }, () => {
  it('are marked CRASHED with their running flow and task records when a tracker opens the store', async () => {
    const path = join(root, 'killed', 'tideflow.db');
    const doomed = startWorker('crash', [path, 'die']);
    const runId = await firstLine(doomed);
    await doomed.exited;

    const tracker = new SqliteTracker({ path });
    const run = await tracker.getRun(runId);
    expect(run.info.status).toBe('CRASHED');
    expect(run.info.endTime).not.toBe(null);
    const flow = await tracker.getFlowRun(runId);
    expect(flow?.state).toBe('CRASHED');
    expect(flow?.stateHistory.map((s) => s.type)).toEqual(['RUNNING', 'CRASHED']);
    const tasks = await tracker.listTaskRuns(runId);
    expect(tasks.map((t) => [t.taskRunId, t.state])).toEqual([
      ['busy', 'CRASHED'],
      ['done', 'COMPLETED'],
    ]);
    expect(tasks[0].error).toMatch(/stopped without ending the run/);
    expect(await tracker.markCrashedRuns()).toEqual([]);
    await tracker.close();
  });

  it('kill -9 of a flow of cached tasks: what finished is COMPLETED with real durations, the running task CRASHED, a rerun hits the cache', async () => {
    const dir = join(root, 'cached-flow');
    const until = async (w: Worker, text: string): Promise<void> => {
      for (let i = 0; i < 600 && !w.stdout().includes(text); i++) {
        if (w.child.exitCode !== null) break;
        await new Promise((r) => setTimeout(r, 20));
      }
      if (!w.stdout().includes(text)) throw new Error(`no "${text}"; stderr: ${w.stderr()}`);
    };
    const doomed = startWorker('cached-flow', [dir]);
    const runId = (await firstLine(doomed)).slice('run '.length);
    await until(doomed, 'done 9\n');
    await new Promise((r) => setTimeout(r, 100));
    doomed.child.kill('SIGKILL');
    await doomed.exited;

    const tracker = new SqliteTracker({ path: join(dir, 'tideflow.db') });
    const run = await tracker.getRun(runId);
    expect(run.info.status).toBe('CRASHED');
    const flowRun = await tracker.getFlowRun(runId);
    expect(flowRun?.flowName).toBe('twenty');
    expect(flowRun?.stateHistory.map((s) => s.type)).toEqual(['PENDING', 'RUNNING', 'CRASHED']);
    const tasks = await tracker.listTaskRuns(runId);
    const completed = tasks.filter((t) => t.state === 'COMPLETED');
    expect(completed.length).toBeGreaterThanOrEqual(10);
    for (const t of completed) expect(t.durationMs).toBeGreaterThanOrEqual(190);
    expect(tasks.slice(0, completed.length)).toEqual(completed);
    const rest = tasks.slice(completed.length);
    expect(rest.map((t) => t.state)).toEqual(['CRASHED']);
    expect(rest[0].startTime).toBeGreaterThanOrEqual(completed.at(-1)!.endTime!);
    // The run ends at the last moment the store knew the process alive, not at its start.
    expect(run.info.endTime).toBeGreaterThanOrEqual(rest[0].startTime!);
    expect(run.info.endTime! - run.info.startTime).toBeGreaterThanOrEqual(completed.length * 190);
    await tracker.close();

    const rerun = startWorker('cached-flow', [dir]);
    const again = (await firstLine(rerun)).slice('run '.length);
    expect(await rerun.exited).toBe(0);
    const check = new SqliteTracker({ path: join(dir, 'tideflow.db') });
    const states = (await check.listTaskRuns(again)).map((t) => t.state);
    expect(states).toEqual([
      ...completed.map(() => 'CACHED'),
      ...Array.from({ length: 20 - completed.length }, () => 'COMPLETED'),
    ]);
    expect((await check.getRun(again)).info.status).toBe('FINISHED');
    await check.close();
  });

  it('stay RUNNING while their process lives, and are swept by markCrashedRuns after it dies', async () => {
    const path = join(root, 'alive', 'tideflow.db');
    const alive = startWorker('crash', [path, 'wait']);
    const runId = await firstLine(alive);
    const tracker = new SqliteTracker({ path });
    expect((await tracker.getRun(runId)).info.status).toBe('RUNNING');
    alive.child.stdin!.end();
    expect(await alive.exited).toBe(0);
    expect(await tracker.markCrashedRuns()).toEqual([runId]);
    expect((await tracker.getRun(runId)).info.status).toBe('CRASHED');
    await tracker.close();
  });

  it('from another host are CRASHED only after staleAfterMs without a heartbeat', async () => {
    const path = join(root, 'remote', 'tideflow.db');
    const setup = new SqliteTracker({ path });
    const fresh = (await setup.createRun({ name: 'fresh' })).info.runId;
    const stale = (await setup.createRun({ name: 'stale' })).info.runId;
    await setup.close();
    const db = new Database(path);
    const now = Date.now();
    db.prepare(`UPDATE runs SET host = 'elsewhere', heartbeat_at = ? WHERE run_uuid = ?`).run(
      now,
      fresh,
    );
    db.prepare(
      `UPDATE runs SET host = 'elsewhere', start_time = ?, heartbeat_at = ? WHERE run_uuid = ?`,
    ).run(now - 180_000, now - 120_000, stale);
    db.close();
    const tracker = new SqliteTracker({ path, staleAfterMs: 60_000 });
    expect((await tracker.getRun(fresh)).info.status).toBe('RUNNING');
    const crashed = await tracker.getRun(stale);
    expect(crashed.info.status).toBe('CRASHED');
    expect(crashed.info.endTime).toBe(now - 120_000);
    await tracker.close();
  });

  it('are left alone when crash detection is off, and own RUNNING runs record heartbeats', async () => {
    const path = join(root, 'beat', 'tideflow.db');
    const tracker = new SqliteTracker({ path, heartbeatIntervalMs: 10 });
    const runId = (await tracker.createRun()).info.runId;
    const db = new Database(path, { readonly: true });
    const beat = () =>
      db.prepare('SELECT heartbeat_at FROM runs WHERE run_uuid = ?').pluck().get(runId) as number;
    const first = beat();
    const deadline = Date.now() + 5000;
    while (beat() === first && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(beat()).toBeGreaterThan(first);
    await tracker.updateRun(runId, { status: 'FINISHED' });
    expect(beat()).toBe(null);
    db.close();
    await tracker.close();

    const doomed = startWorker('crash', [path, 'die']);
    const dead = await firstLine(doomed);
    await doomed.exited;
    const passive = new SqliteTracker({ path, detectCrashes: false });
    expect((await passive.getRun(dead)).info.status).toBe('RUNNING');
    await passive.close();
  });
});

describe('writes while another process holds the write lock', () => {
  it('wait without blocking the event loop, and fail after busyTimeoutMs naming the store', async () => {
    const path = join(root, 'locked', 'tideflow.db');
    const tracker = new SqliteTracker({ path, busyTimeoutMs: 60_000 });
    const holder = await holdWriteLocks([path], 800);
    const watch = watchEventLoop(10);
    const run = await tracker.createRun({ name: 'patient' });
    const { ticks } = watch.stop();
    await holder.released;
    // A write that waited on the lock synchronously would have let the timer fire once or twice
    // in those 800 ms; waiting asynchronously, it keeps firing (loosely counted: the machine may
    // be busy).
    expect(ticks).toBeGreaterThanOrEqual(5);
    expect((await tracker.getRun(run.info.runId)).info.runId).toBe(run.info.runId);

    const impatient = new SqliteTracker({ path, busyTimeoutMs: 150 });
    const again = await holdWriteLocks([path], 60_000);
    try {
      await expect(impatient.createRun({ name: 'late' })).rejects.toMatchObject({
        code: 'TRACKING_STORE',
        message: expect.stringMatching(
          new RegExp(
            `${path.replaceAll('/', '\\/')}: another process held the write lock .*SQLITE_BUSY`,
          ),
        ),
      });
    } finally {
      await again.release();
      await impatient.close();
      await tracker.close();
    }
  });
});
