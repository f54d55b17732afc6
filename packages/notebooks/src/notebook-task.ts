import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, extname, join, resolve } from 'node:path';
import { InvalidOptionError, Registry, getRunContext, inputs, task } from '@tideflow/core';
import type { CacheOptions, CachePolicy, TaskCallable, TaskOptions } from '@tideflow/core';
import { NotebookCellError, NotebookFormatError, NotebookKernelError } from './errors.js';
import { executeNotebook, stripAnsi } from './execute.js';
import { DEFAULT_PYTHON, chooseKernel, prepareKernel } from './kernels.js';
import type { KernelChoice } from './kernels.js';
import { parseNotebook } from './nbformat.js';
import type { Notebook } from './nbformat.js';
import { storeNotebookArtifacts } from './outputs.js';
import type { NotebookArtifact } from './outputs.js';
import { checkParameters, injectParameters } from './parameters.js';
import type { NotebookParameters } from './parameters.js';

/** Options of {@link notebookTask}: the notebook's own, then those of any task. */
export interface NotebookTaskOptions extends Pick<
  TaskOptions<NotebookRun>,
  | 'name'
  | 'description'
  | 'tags'
  | 'retries'
  | 'retryDelayMs'
  | 'retryJitterFactor'
  | 'retryCondition'
  | 'timeoutMs'
  | 'onCompletion'
  | 'onFailure'
  | 'onRetry'
  | 'version'
> {
  /** Default parameters; a call's parameters override them by name. */
  parameters?: NotebookParameters;
  /** The kernelspec to run on (default: the notebook's `metadata.kernelspec.name`). */
  kernel?: string;
  /** The kernel's working directory. @default the notebook's directory */
  cwd?: string;
  /**
   * Cache results on the notebook's content, the parameters, the kernel and `cwd`: `true`, or
   * cache options without `policy`/`key` (expiration, refresh, store). A cached call starts no
   * kernel.
   */
  cache?: true | Omit<CacheOptions, 'policy' | 'key'>;
  /** The Python that runs nbclient. @default '/usr/bin/python3' */
  python?: string;
  /**
   * A Jupyter prefix for the kernels tideflow installs (tslab): kernelspecs go to
   * `<jupyterDir>/share/jupyter/kernels`, never to the user's home.
   *
   * @default '.tideflow/jupyter' under the working directory
   */
  jupyterDir?: string;
}

/** What a notebook task returns (and caches). */
export interface NotebookRun {
  /** The notebook that ran (absolute path). */
  notebook: string;
  /** The kernel it ran on. */
  kernel: string;
  /** The parameters injected (defaults merged with the call's). */
  parameters: NotebookParameters;
  /** The executed notebook, with every cell's outputs. */
  executed: Notebook;
  /** What was stored in the flow run (empty outside a tracked flow run). */
  artifacts: NotebookArtifact[];
}

/** The cache policy of a notebook task: the notebook's bytes, its kernel, defaults and cwd. */
function notebookPolicy(
  file: string,
  kernel: string,
  defaults: NotebookParameters,
  cwd: string,
): CachePolicy {
  return {
    name: 'notebook',
    contribute(_ctx, key) {
      // Read at each call: editing the notebook makes the next call miss.
      const digest = createHash('sha256').update(readFileSync(file)).digest('hex');
      key.add('notebook', { digest, kernel, defaults, cwd });
      return true;
    },
  };
}

function readNotebook(file: string): Notebook {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new NotebookFormatError(
      file,
      `cannot be read (${(error as Error).message}).`,
      undefined,
      {
        cause: error,
      },
    );
  }
  return parseNotebook(text, file);
}

const SEGMENT = /[^A-Za-z0-9_.-]+/g;

/** Checks parameters for the kernel's language; a kernel of another language takes none. */
function checkKernelParameters(parameters: unknown, kernel: KernelChoice, file: string): void {
  if (kernel.language) {
    checkParameters(parameters, kernel.language);
    return;
  }
  checkParameters(parameters, 'python');
  if (Object.keys(parameters as object).length > 0) {
    throw new NotebookKernelError(
      file,
      kernel.name,
      'cannot write parameters for this kernel: tideflow writes them for python, typescript and javascript kernels.',
    );
  }
}

/**
 * Makes a task that runs a Jupyter notebook, as papermill does: each call copies the notebook,
 * injects a cell tagged `injected-parameters` after the cell tagged `parameters`, executes it
 * headlessly (nbclient, in a child process) and stores the executed notebook as an artifact of
 * the flow run, on failure too, with every image, table and display output. A failing cell
 * rejects with {@link NotebookCellError}; on timeout or cancellation the kernel's process tree is
 * killed. It is an ordinary task: retries, timeout, cache (`cache: true` keys on the notebook's
 * content and the parameters), `.submit`, `.map`.
 *
 * @throws NotebookFormatError, NotebookKernelError or NotebookParameterError at once when the
 *   notebook cannot be read, names no usable kernel, or the default parameters cannot be
 *   injected; InvalidOptionError for a bad option.
 *
 * @example
 * ```ts
 * const report = notebookTask('notebooks/report.ipynb', { parameters: { alpha: 0.5 }, cache: true, timeoutMs: 60_000 });
 * const myFlow = flow(async function nightly() {
 *   const run = await report({ alpha: 0.7 });
 *   return run.artifacts.map((a) => a.path);
 * });
 * ```
 */
export function notebookTask(
  path: string,
  options: NotebookTaskOptions = {},
): TaskCallable<[parameters?: NotebookParameters], Promise<NotebookRun>> {
  if (typeof path !== 'string' || path === '') {
    throw new InvalidOptionError('notebookTask: the path must be a non-empty string.');
  }
  const file = resolve(path);
  if (extname(file) !== '.ipynb') {
    throw new NotebookFormatError(
      file,
      'a notebook task runs an .ipynb file; convert a script first (`tideflow notebook convert`).',
    );
  }
  const {
    parameters: defaults = {},
    kernel: kernelOption,
    cwd: cwdOption,
    cache,
    python = DEFAULT_PYTHON,
    jupyterDir = join(process.cwd(), '.tideflow', 'jupyter'),
    ...taskOptions
  } = options;
  const stem = basename(file, '.ipynb');
  const name = stem.replace(SEGMENT, '_').replace(/^[.-]/, '_').slice(0, 60) || 'notebook';
  if (kernelOption !== undefined && (typeof kernelOption !== 'string' || kernelOption === '')) {
    throw new InvalidOptionError(`notebookTask(${path}): option kernel must be a kernelspec name.`);
  }
  const kernel: KernelChoice = chooseKernel(readNotebook(file), file, kernelOption);
  checkKernelParameters(defaults, kernel, file);
  const cwd = resolve(cwdOption ?? resolve(file, '..'));
  if (!existsSync(cwd) || !statSync(cwd).isDirectory()) {
    throw new InvalidOptionError(`notebookTask(${path}): option cwd ${cwd} is not a directory.`);
  }
  if (cache !== undefined && cache !== true) {
    for (const field of ['policy', 'key'] as const) {
      if (field in cache) {
        throw new InvalidOptionError(
          `notebookTask(${path}): the cache of a notebook task is keyed on the notebook and its parameters; drop cache.${field}.`,
        );
      }
    }
  }
  const policy = [inputs, notebookPolicy(file, kernel.name, defaults, cwd)];

  const run = async function notebook(parameters: NotebookParameters = {}): Promise<NotebookRun> {
    checkKernelParameters(parameters, kernel, file);
    const merged = { ...defaults, ...parameters };
    const notebook = readNotebook(file);
    const source = kernel.language ? injectParameters(notebook, merged, kernel.language) : notebook;
    const context = getRunContext();
    const jupyterPath = prepareKernel(kernel, jupyterDir, python, file);
    const { notebook: executed, result } = await executeNotebook({
      notebook: source,
      file,
      kernel: kernel.name,
      cwd,
      python,
      jupyterPath,
      signal: context?.signal,
    });
    const runKey = (context?.taskRunId ?? 'run').replace(SEGMENT, '_');
    const artifacts = await storeNotebookArtifacts(executed, name, runKey);
    if (result.status === 'error') {
      throw new NotebookCellError(
        file,
        result.cell_index ?? -1,
        result.ename,
        stripAnsi(result.evalue),
        result.traceback.map(stripAnsi),
      );
    }
    if (result.status === 'stopped') {
      throw context?.signal.reason ?? new Error(`${file}: the run was stopped.`);
    }
    return { notebook: file, kernel: kernel.name, parameters: merged, executed, artifacts };
  };
  return task(run, {
    name: `notebook:${stem}`,
    // Each notebook task is its own closure: a registry of its own lets a notebook be made into
    // several tasks (other options) under the same stable name, which scopes its cache entries.
    registry: new Registry(),
    ...taskOptions,
    ...(cache !== undefined && { cache: { ...(cache === true ? {} : cache), policy } }),
  });
}
