// `tideflow run clustering --runner bullmq://...`: the URL is checked before the pipeline runs.
import { describe, expect, it } from 'vitest';
import { bullmqRunner } from '../src/commands/worker-runner.js';
import { cli, workspace } from './helpers.js';

describe('--runner bullmq://host:port/queue', () => {
  it('makes a BullMQTaskRunner on the queue the path names (default: tideflow)', async () => {
    const runner = await bullmqRunner('bullmq://127.0.0.1:6379/pipeline');
    expect(runner.name).toBe('bullmq:pipeline');
    expect((await bullmqRunner('bullmq://127.0.0.1:6379')).queue).toBe('tideflow');
    await runner.close();
  });

  it('refuses anything else, naming --runner', async () => {
    await expect(bullmqRunner('redis://127.0.0.1:6379/q')).rejects.toThrow(
      /--runner must be a bullmq:\/\//,
    );
    await expect(bullmqRunner('nonsense')).rejects.toThrow(/--runner must be/);
    await expect(bullmqRunner('bullmq://127.0.0.1:6379/q?db=x')).rejects.toThrow(/db=/);
    await expect(bullmqRunner('bullmq://127.0.0.1:6379/a%20b')).rejects.toThrow(/option queue/);
  });

  it('cannot be given with --workers', async () => {
    const r = await cli(
      workspace(),
      'run',
      'clustering',
      '--runner',
      'bullmq://127.0.0.1:1/q',
      '--workers',
      '2',
    );
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('--runner and --workers');
  });

  it('belongs to the built-in pipeline, not to a flow from a file', async () => {
    const r = await cli(workspace(), 'run', 'flows.ts:x', '--runner', 'bullmq://127.0.0.1:1/q');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('--runner');
  });
});
