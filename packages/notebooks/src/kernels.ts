import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { NotebookKernelError } from './errors.js';
import type { JsonObject, Notebook } from './nbformat.js';
import type { ParameterLanguage } from './parameters.js';

/** The Python that runs nbclient: Debian's, where `python3-nbclient` installs it. */
export const DEFAULT_PYTHON = '/usr/bin/python3';

/** The kernels tideflow installs itself (into a project-local Jupyter path). */
const TSLAB_KERNELS = new Set(['tslab', 'jslab']);

/** The kernel a notebook runs on and the language its parameters are written in. */
export interface KernelChoice {
  /** The kernelspec name, e.g. `python3` or `tslab`. */
  name: string;
  /** The language of the kernel, when tideflow can write parameters in it. */
  language?: ParameterLanguage;
}

/**
 * The kernel of a notebook: `kernel` when given, else the notebook's `kernelspec.name`; its
 * language from the kernel name (`tslab` is TypeScript, `jslab` JavaScript) or the notebook's
 * `kernelspec.language` (none for other languages: such notebooks run without parameters).
 *
 * @throws NotebookKernelError when no kernel is named.
 */
export function chooseKernel(notebook: Notebook, file: string, kernel?: string): KernelChoice {
  const spec = (notebook.metadata.kernelspec ?? {}) as JsonObject;
  const name = kernel ?? (typeof spec.name === 'string' ? spec.name : undefined);
  if (!name) {
    throw new NotebookKernelError(
      file,
      '(none)',
      'the notebook names no kernel (metadata.kernelspec.name); pass the `kernel` option.',
    );
  }
  const named =
    name === 'tslab'
      ? 'typescript'
      : name === 'jslab'
        ? 'javascript'
        : /^python/.test(name)
          ? 'python'
          : undefined;
  const declared =
    typeof spec.language === 'string' && name === spec.name
      ? spec.language.toLowerCase()
      : undefined;
  const language = named ?? declared;
  return language === 'python' || language === 'typescript' || language === 'javascript'
    ? { name, language }
    : { name };
}

/** The `tslab` command of the installed tslab package, if any. */
function tslabBinary(): string | undefined {
  try {
    const manifest = createRequire(import.meta.url).resolve('tslab/package.json');
    return join(dirname(manifest), 'bin', 'tslab');
  } catch {
    return undefined;
  }
}

const installed = new Set<string>();

/**
 * Makes sure the kernels that tideflow provides are registered under `jupyterDir` (a prefix:
 * kernelspecs go to `<jupyterDir>/share/jupyter/kernels`), and returns the directory to put on
 * `JUPYTER_PATH`. For `tslab`/`jslab` this runs `tslab install --prefix` once, with the
 * absolute path of the tslab package's command, so that neither the user's home nor `PATH`
 * matters. Other kernels must already be installed (Debian's `python3-ipykernel` provides
 * `python3`).
 *
 * @throws NotebookKernelError when a tslab kernel is asked for but the `tslab` package is not
 *   installed, or `tslab install` fails.
 */
export function prepareKernel(
  kernel: KernelChoice,
  jupyterDir: string,
  python: string,
  file: string,
): string {
  const prefix = resolve(jupyterDir);
  const path = join(prefix, 'share', 'jupyter');
  if (!TSLAB_KERNELS.has(kernel.name)) return path;
  const binary = tslabBinary();
  if (!binary) {
    throw new NotebookKernelError(
      file,
      kernel.name,
      'the tslab package is not installed; `npm install tslab@1.0.22` to run TypeScript notebooks.',
    );
  }
  const spec = join(path, 'kernels', kernel.name, 'kernel.json');
  const key = `${spec}\0${binary}`;
  if (installed.has(key)) return path;
  const current = existsSync(spec) ? readFileSync(spec, 'utf8') : '';
  if (!current.includes(JSON.stringify(binary))) {
    try {
      execFileSync(
        process.execPath,
        [binary, 'install', `--python=${python}`, `--binary=${binary}`, `--prefix=${prefix}`],
        { stdio: 'pipe' },
      );
    } catch (error) {
      const stderr = (error as { stderr?: Buffer }).stderr?.toString() ?? '';
      throw new NotebookKernelError(file, kernel.name, '`tslab install` failed.', stderr);
    }
  }
  installed.add(key);
  return path;
}
