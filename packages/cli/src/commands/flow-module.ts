import { existsSync, statSync } from 'node:fs';
import { extname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { TideflowError } from '@tideflow/core';
import type { Definition, FlowCallable } from '@tideflow/core';

/** Why a flow could not be taken from a module (see {@link FlowModuleError}). */
export type FlowModuleProblem = 'missing-file' | 'load-failed' | 'no-export' | 'not-a-flow';

/**
 * Thrown by `tideflow run FILE:FLOW` before anything runs when the flow cannot be taken from the
 * module: the file does not exist, it fails to load, it has no such export, or the export is not
 * a flow. `file` and `exportName` name what was asked for.
 */
export class FlowModuleError extends TideflowError {
  constructor(
    readonly file: string,
    readonly exportName: string,
    readonly problem: FlowModuleProblem,
    detail: string,
    options?: { cause?: unknown },
  ) {
    super('FLOW_MODULE', `Cannot run ${file}:${exportName}: ${detail}`, options);
  }
}

/** Extensions loaded through tsx's loader (TypeScript); every other file is imported by Node. */
const TYPESCRIPT = new Set(['.ts', '.mts', '.cts', '.tsx']);
/** Extensions that mark a `tideflow run` argument as a module path. */
const MODULE_FILE = /\.(?:[cm]?[jt]s|[jt]sx)$/;

/** Whether a `tideflow run` argument names a flow in a module (`FILE:FLOW`, or a module path). */
export function isFlowReference(ref: string): boolean {
  return ref.includes(':') || MODULE_FILE.test(ref);
}

/** A `FILE:FLOW` reference split at its last colon (`FLOW` may be `Class.method`). */
export function parseFlowReference(ref: string): { file: string; exportName: string } {
  const colon = ref.lastIndexOf(':');
  const file = colon < 0 ? ref : ref.slice(0, colon);
  const exportName = colon < 0 ? '' : ref.slice(colon + 1);
  return { file, exportName };
}

/** Whether `value` is a tideflow flow callable (checked by shape, so any copy of core counts). */
function isFlow(value: unknown): value is FlowCallable {
  const def = (value as { definition?: Definition } | null)?.definition;
  return typeof value === 'function' && def?.kind === 'flow' && typeof def.name === 'string';
}

/** The names of a module's exports that are flows, with `Class.method` for decorated methods. */
function flowNames(module: Record<string, unknown>): string[] {
  const names: string[] = [];
  for (const [name, value] of Object.entries(module)) {
    if (isFlow(value)) names.push(name);
    else if (typeof value === 'function' && value.prototype) {
      // Legacy decorators leave the flow readable on the prototype (TC39 ones only on instances).
      const proto = value.prototype as Record<string, unknown>;
      for (const member of Object.getOwnPropertyNames(proto)) {
        if (member !== 'constructor' && isFlow(readSafely(proto, member)))
          names.push(`${name}.${member}`);
      }
    }
  }
  return names;
}

/** A property read that a throwing getter cannot break. */
function readSafely(target: Record<string, unknown>, key: string): unknown {
  try {
    return target[key];
  } catch {
    return undefined;
  }
}

function known(module: Record<string, unknown>): string {
  const names = flowNames(module);
  return names.length ? `its flows: ${names.join(', ')}` : 'it exports no flow';
}

/** Imports a module, TypeScript through tsx's loader; resolves to the module and an unload step. */
async function importModule(
  path: string,
): Promise<{ module: Record<string, unknown>; unregister: () => Promise<void> }> {
  const url = pathToFileURL(path).href;
  if (!TYPESCRIPT.has(extname(path).toLowerCase())) {
    return {
      module: (await import(url)) as Record<string, unknown>,
      unregister: async () => {},
    };
  }
  // tsx's global loader, not tsImport: tsImport loads a module's dependencies again under a
  // namespace, so the flow would see a second @tideflow/core, without the CLI's configuration.
  // It stays registered while the flow runs, for the modules the flow imports lazily.
  const { register } = await import('tsx/esm/api');
  const unregister = register();
  try {
    return { module: (await import(url)) as Record<string, unknown>, unregister };
  } catch (error) {
    await unregister();
    throw error;
  }
}

/** A flow taken from a user's module, and how to release the module's loader afterwards. */
export interface LoadedFlow {
  /** The flow (a decorated method is bound to a new instance of its class). */
  readonly flow: FlowCallable;
  /** The absolute path of the module. */
  readonly file: string;
  /** The export it was read from (`name` or `Class.method`). */
  readonly exportName: string;
  /** Releases the TypeScript loader, once the flow has run. */
  readonly release: () => Promise<void>;
}

/**
 * Loads the flow that a `FILE:FLOW` reference names, relative to `cwd`: an exported flow
 * (`flows.ts:train`), or a `@flow` method of an exported class (`pipeline.ts:Pipeline.run`, run on
 * `new Pipeline()`). A `.ts` module is compiled by tsx; a `.js` module is imported by Node.
 *
 * @throws FlowModuleError naming the file and export, before the flow runs.
 */
export async function loadFlow(ref: string, cwd: string): Promise<LoadedFlow> {
  const { file, exportName } = parseFlowReference(ref);
  const path = resolve(cwd, file);
  if (!existsSync(path) || !statSync(path).isFile()) {
    throw new FlowModuleError(file, exportName, 'missing-file', `there is no file ${path}.`);
  }
  let loaded: Awaited<ReturnType<typeof importModule>>;
  try {
    loaded = await importModule(path);
  } catch (error) {
    throw new FlowModuleError(
      file,
      exportName,
      'load-failed',
      `loading ${path} failed: ${error instanceof Error ? error.message : String(error)}`,
      { cause: error },
    );
  }
  const { module, unregister } = loaded;
  const fail = async (problem: FlowModuleProblem, detail: string): Promise<never> => {
    await unregister();
    throw new FlowModuleError(file, exportName, problem, detail);
  };
  if (exportName === '') {
    return fail('no-export', `name the flow to run as FILE:FLOW (${known(module)}).`);
  }
  const [head, member, ...rest] = exportName.split('.');
  if (!Object.hasOwn(module, head)) {
    return fail('no-export', `${file} has no export "${head}" (${known(module)}).`);
  }
  const value = module[head];
  let flow: unknown = value;
  if (member !== undefined) {
    if (rest.length || typeof value !== 'function' || !value.prototype) {
      return fail(
        'not-a-flow',
        `"${exportName}" is not a @flow method of an exported class (${known(module)}).`,
      );
    }
    // The method is read from an instance: TC39-decorated flows exist only there.
    try {
      flow = new (value as new () => Record<string, unknown>)()[member];
    } catch (error) {
      return fail(
        'load-failed',
        `"new ${head}()" failed: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }
  if (!isFlow(flow)) {
    return fail(
      'not-a-flow',
      `the export "${exportName}" is ${typeof flow === 'function' ? 'a function but not a flow (wrap it with flow() or decorate it with @flow)' : `not a flow (it is ${flow === null ? 'null' : typeof flow})`} (${known(module)}).`,
    );
  }
  return { flow, file: path, exportName, release: unregister };
}
