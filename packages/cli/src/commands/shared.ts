import { ConsoleLogger, ExperimentNotFoundError, RunNotFoundError } from '@tideflow/core';
import type { Experiment, Logger, Run, Tracker } from '@tideflow/core';
import { CliError } from '../context.js';
import type { CliIo } from '../context.js';

/** A command's log (a run, a server, a worker): its warnings and errors, on stderr. */
export function stderrLogger(io: CliIo): Logger {
  return new ConsoleLogger({ level: 'warn', write: (line) => io.stderr(`${line}\n`) });
}

/** Experiment ids for names or ids given on the command line. */
export async function resolveExperimentIds(
  tracker: Tracker,
  refs: readonly string[],
): Promise<string[]> {
  const ids: string[] = [];
  for (const ref of refs) {
    const byName = await tracker.getExperimentByName(ref);
    if (byName) ids.push(byName.experimentId);
    else if (/^\d+$/.test(ref)) ids.push((await tracker.getExperiment(ref)).experimentId);
    else throw new ExperimentNotFoundError(ref);
  }
  return ids;
}

/** Every experiment by id, for showing names next to runs. */
export async function experimentsById(tracker: Tracker): Promise<Map<string, Experiment>> {
  return new Map((await tracker.listExperiments()).map((e) => [e.experimentId, e]));
}

/**
 * The run a command-line reference names: a full run id, else a unique id prefix (4+ characters),
 * else a unique run name. Deleted runs are included.
 */
export async function resolveRun(tracker: Tracker, ref: string): Promise<Run> {
  try {
    return await tracker.getRun(ref);
  } catch (e) {
    if (!(e instanceof RunNotFoundError)) throw e;
  }
  const quoted = ref.replaceAll("'", "''");
  const tries = [
    ...(ref.length >= 4 && /^[A-Za-z0-9_-]+$/.test(ref)
      ? [`attributes.run_id LIKE '${quoted}%'`]
      : []),
    `attributes.run_name = '${quoted}'`,
  ];
  for (const filter of tries) {
    const { runs } = await tracker.searchRuns({ filter, runViewType: 'ALL', maxResults: 2 });
    if (runs.length === 1) return runs[0];
    if (runs.length > 1) {
      throw new CliError(
        `"${ref}" matches several runs (${runs.map((r) => r.info.runId).join(', ')}, ...); give more of the run id.`,
      );
    }
  }
  throw new RunNotFoundError(ref);
}

/** A run's duration in ms: end − start, or now − start while it runs. */
export function runDuration(run: Run, now = Date.now()): number | null {
  if (run.info.endTime !== null) return run.info.endTime - run.info.startTime;
  return run.info.status === 'RUNNING' ? now - run.info.startTime : null;
}

/**
 * `value` as a whole number within `[min, max]` (decimal digits, surrounding spaces allowed), or
 * `undefined` for anything else ("2.5", "1e9", "lots", out of range): each option names itself in
 * its own error.
 */
export function wholeNumberIn(value: string, min: number, max: number): number | undefined {
  const n = /^\s*\d+\s*$/.test(value) ? Number(value) : Number.NaN;
  return Number.isSafeInteger(n) && n >= min && n <= max ? n : undefined;
}
