import { availableParallelism } from 'node:os';
import { WorkerPoolTaskRunner } from '@tideflow/core';
import { CliError } from '../context.js';
import { wholeNumberIn } from './shared.js';

/** The most worker threads `--workers` accepts (each one loads the models package). */
export const MAX_WORKERS = 256;

/**
 * The number of worker threads `--workers` asks for: an integer from 1 (in-process, no pool) to
 * {@link MAX_WORKERS}; the cores (`os.availableParallelism()`) when the option is absent.
 *
 * @throws CliError naming `--workers` for anything else ("0", "2.5", "lots", "1e9").
 */
export function parseWorkers(value: string | undefined): number {
  if (value === undefined) return availableParallelism();
  const n = wholeNumberIn(value, 1, MAX_WORKERS);
  if (n === undefined) {
    throw new CliError(
      `--workers must be an integer from 1 (in-process) to ${MAX_WORKERS}, got "${value}".`,
    );
  }
  return n;
}

/** The runner of the pipeline's family searches: a pool of `workers` threads, none for 1. */
export function workerRunner(workers: number): WorkerPoolTaskRunner | undefined {
  return workers > 1 ? new WorkerPoolTaskRunner({ threads: workers }) : undefined;
}
