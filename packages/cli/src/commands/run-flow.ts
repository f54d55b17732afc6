import { resolve } from 'node:path';
import { engineEvents } from '@tideflow/core';
import type { EngineEvent, State } from '@tideflow/core';
import { CliError, type CliIo } from '../context.js';
import { printJson } from '../format/json.js';
import { truncate } from '../format/table.js';
import { formatDuration } from '../format/values.js';
import { loadFlow } from './flow-module.js';
import { flowArguments } from './flow-params.js';
import { openRunEnvironment, type RunEnvironmentOptions } from './run-environment.js';

/** The options of `tideflow run FILE:FLOW`. */
export interface UserFlowOptions extends RunEnvironmentOptions {
  /** `--param name=value` assignments. */
  param: string[];
  /** A `--params` YAML or JSON file. */
  params?: string;
}

/** A flow's result as JSON: typed arrays as arrays, bigints as strings; `null` when there is none or it cannot be written. */
function resultJson(value: unknown): unknown {
  if (value === undefined) return null;
  try {
    return JSON.parse(
      JSON.stringify(value, (_key, v: unknown) =>
        typeof v === 'bigint'
          ? v.toString()
          : ArrayBuffer.isView(v)
            ? Array.from(v as unknown as ArrayLike<number>)
            : v,
      ),
    ) as unknown;
  } catch (error) {
    // A cycle, say: the result is not JSON; say so rather than print "[object Object]".
    return `(not JSON: ${(error as Error).message})`;
  }
}

/** The text summary of a user flow's run, cut to the terminal width. */
function formatRun(
  flowName: string,
  state: State,
  runId: string | undefined,
  durationMs: number,
  width: number,
): string {
  const lines = [
    `flow       ${flowName}`,
    `state      ${state.name}`,
    `run        ${runId ?? '(not tracked)'}`,
    `duration   ${formatDuration(durationMs)}`,
  ];
  if (state.isCompleted()) lines.push(`result     ${JSON.stringify(resultJson(state.data))}`);
  return lines.map((line) => truncate(line, width)).join('\n') + '\n';
}

/**
 * `tideflow run FILE:FLOW`: loads a flow from a user's `.js` or `.ts` module, calls it with the
 * parameters of `--params` and `--param`, and records it as the built-in flows are recorded (the
 * same store, cache and progress view), then prints a summary (`--json`: one JSON object). A
 * failed run prints its summary and rejects with its error (exit code 1).
 */
export async function runUserFlow(ref: string, opts: UserFlowOptions, io: CliIo): Promise<void> {
  const loaded = await loadFlow(ref, io.cwd);
  try {
    const { flow } = loaded;
    const args = await flowArguments(flow.definition, {
      file: opts.params ? resolve(io.cwd, opts.params) : undefined,
      assignments: opts.param,
    });
    const env = await openRunEnvironment(io, opts);
    // The top-level flow run created by this call is the run to report.
    let runId: string | undefined;
    const unsubscribe = engineEvents.subscribe((e: EngineEvent) => {
      if (e.type === 'run.created' && e.run.kind === 'flow' && !e.run.flowRunId && !runId)
        runId = e.run.id;
    });
    const started = performance.now();
    let state: State;
    try {
      state = await flow.run(...args);
    } finally {
      unsubscribe();
      await env.close();
    }
    const durationMs = performance.now() - started;
    const flowName = flow.definition.name;
    if (opts.json) {
      io.stdout(
        printJson({
          run_id: runId ?? null,
          flow: flowName,
          file: loaded.file,
          export: loaded.exportName,
          state: state.type,
          duration_ms: Math.round(durationMs),
          result: state.isCompleted() ? (resultJson(state.data) as never) : null,
          error: state.isCompleted() ? null : (state.message ?? String(state.error)),
        }),
      );
    } else {
      io.stdout(formatRun(flowName, state, runId, durationMs, io.columns ?? 80));
    }
    if (!state.isCompleted()) {
      const error = state.error;
      throw error instanceof Error
        ? error
        : new CliError(`Flow "${flowName}" ended ${state.name}: ${state.message ?? ''}`);
    }
  } finally {
    await loaded.release();
  }
}
