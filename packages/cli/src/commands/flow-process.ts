import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { FlowJobData } from '@tideflow/runner-bullmq';
import type { CliIo } from '../context.js';

/** The CLI's own entry point, which the flow's process runs. */
const BIN = fileURLToPath(new URL('../bin.js', import.meta.url));

/** The end of a scheduled run's stderr kept for the error of a failed run, in characters. */
const STDERR_TAIL = 4000;

/** Where a scheduled run records itself: the worker's `--tracking-uri` and `--cache`. */
export interface FlowProcessOptions {
  readonly trackingUri?: string;
  readonly cache?: string;
}

/**
 * Runs one scheduled flow run (`tideflow deploy`) as `tideflow run FILE:FLOW --param ...` in a
 * process of its own, in the worker's directory and on its store and cache, and resolves once it
 * completed; a run that fails or is killed rejects with the end of its stderr. On the worker's own
 * thread, a flow that holds the CPU for longer than the job's lock would let BullMQ hand the job
 * to another worker (or back to this one), which runs it again, and again. The process ends when
 * the worker goes (its IPC channel closes), as the run would have ended with it.
 */
export function runFlowProcess(
  io: CliIo,
  data: FlowJobData,
  options: FlowProcessOptions,
): Promise<void> {
  const args = [
    BIN,
    'run',
    data.flow,
    ...data.params.flatMap((assignment) => ['--param', assignment]),
    ...(options.trackingUri === undefined ? [] : ['--tracking-uri', options.trackingUri]),
    ...(options.cache === undefined ? [] : ['--cache', options.cache]),
    '--quiet',
  ];
  const child = spawn(process.execPath, args, {
    cwd: io.cwd,
    env: io.env,
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
  });
  let tail = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    const text = chunk.toString();
    io.stderr(text);
    tail = (tail + text).slice(-STDERR_TAIL);
  });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code, signal) => {
      if (code === 0) return resolve();
      const how = signal ? `was killed (${signal})` : `exited with code ${code}`;
      reject(
        new Error(
          `The scheduled run of ${data.flow} (deployment "${data.deployment}") ${how}${tail.trim() ? `: ${tail.trim()}` : ''}`,
        ),
      );
    });
  });
}
