// Shared by the cli package's pipeline benchmarks: one `tideflow run clustering --json` in a child
// process, with its wall time, its CPU time and the size of the task cache it leaves.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const bin = fileURLToPath(new URL('../dist/bin.js', import.meta.url));

/**
 * CPU seconds (user + system) of this process's finished children, from /proc on Linux (NaN
 * elsewhere): on a shared machine the wall time depends on the load, the CPU time much less.
 */
export function childCpuSeconds(): number {
  if (!existsSync('/proc/self/stat')) return Number.NaN;
  // Fields after the command name: state is field 3; cutime and cstime are fields 16 and 17.
  const stat = readFileSync('/proc/self/stat', 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[13]) + Number(fields[14])) / 100;
}

/** What one pipeline run took and printed. */
export interface PipelineRun {
  /** The `--json` summary. */
  readonly summary: Record<string, unknown>;
  /** Wall seconds of the child process. */
  readonly seconds: number;
  /** CPU seconds (user + system) of the child process. */
  readonly cpuSeconds: number;
  /** Size of `.tideflow/cache.sqlite` in `cwd` after the run, MB (0 when there is none). */
  readonly cacheMb: number;
}

/** Runs `tideflow run clustering --json ...args` in `cwd` (cold when `cwd` is a fresh directory). */
export function runClustering(cwd: string, args: readonly string[]): PipelineRun {
  const started = performance.now();
  const cpuBefore = childCpuSeconds();
  const r = spawnSync(process.execPath, [bin, 'run', 'clustering', '--json', ...args], {
    cwd,
    encoding: 'utf8',
    maxBuffer: 1 << 26,
  });
  const seconds = (performance.now() - started) / 1000;
  const cpuSeconds = childCpuSeconds() - cpuBefore;
  if (r.status !== 0) throw new Error(`tideflow run failed (${r.status}): ${r.stderr}`);
  const cache = statSync(join(cwd, '.tideflow', 'cache.sqlite'), { throwIfNoEntry: false });
  return {
    summary: JSON.parse(r.stdout) as Record<string, unknown>,
    seconds,
    cpuSeconds,
    cacheMb: (cache?.size ?? 0) / 2 ** 20,
  };
}
