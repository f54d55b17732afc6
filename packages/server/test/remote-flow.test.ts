import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createServer } from '@tideflow/server';
import { startWorker } from './workers/spawn.js';

const dir = mkdtempSync(join(tmpdir(), 'tideflow-remote-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('a flow logging to a server in another process', () => {
  it('records its run, task runs, logs and metrics through http://127.0.0.1:PORT with a token', async () => {
    const server = await createServer({
      trackingUri: `sqlite:///${join(dir, 'server.db')}`,
      port: 0,
      token: 'remote-secret',
    });
    try {
      const url = await server.listen();
      const worker = startWorker('live-flow', [url], { TIDEFLOW_TOKEN: 'remote-secret' });
      expect(await worker.exited, worker.stderr()).toBe(0);
      const runId = /run (\S+)/.exec(worker.stdout())![1];
      const t = server.tracker;
      expect(await t.getFlowRun(runId)).toMatchObject({ flowName: 'live', state: 'COMPLETED' });
      expect((await t.getRun(runId)).info.status).toBe('FINISHED');
      const tasks = await t.listTaskRuns(runId);
      expect(tasks.map((r) => [r.taskName, r.state])).toEqual([
        ['step', 'COMPLETED'],
        ['step', 'COMPLETED'],
      ]);
      expect((await t.getLogs(runId)).map((l) => l.message)).toEqual(
        expect.arrayContaining(['step 0', 'step 1']),
      );
      expect((await t.getMetricHistory(runId, 'loss')).map((p) => [p.step, p.value])).toEqual([
        [0, 1],
        [1, 0.5],
      ]);
      // The run carries the tags of the process that ran the flow, not of the server.
      expect((await t.getRun(runId)).data.tags['tideflow.source.name']).toContain('live-flow');
    } finally {
      await server.close();
    }
  }, 60_000);
});
