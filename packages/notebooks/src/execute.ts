import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { NotebookKernelError } from './errors.js';
import { parseNotebook, serializeNotebook } from './nbformat.js';
import type { Notebook } from './nbformat.js';
import { descendants, isAlive, signalAll } from './process-tree.js';

/** The nbclient driver shipped with the package (`python/driver.py`, beside `dist/`). */
export const DRIVER = fileURLToPath(new URL('../python/driver.py', import.meta.url));

/** How long a stopped executor has to save the notebook and stop its kernel before it is killed. */
const STOP_GRACE_MS = 1_500;

/** What the driver reports. */
export type DriverResult =
  | { status: 'ok' }
  | {
      status: 'error';
      cell_index: number | null;
      ename: string;
      evalue: string;
      traceback: string[];
    }
  | { status: 'stopped' }
  | { status: 'failed'; message: string };

/** One headless execution of a notebook. */
export interface Execution {
  /** The executed notebook: every cell that ran has its outputs (on failure, up to the failing cell). */
  notebook: Notebook;
  /** How the run ended. */
  result: DriverResult;
}

/** What {@link executeNotebook} needs. */
export interface ExecuteRequest {
  /** The notebook to run (parameters already injected). */
  notebook: Notebook;
  /** The notebook's file, for messages. */
  file: string;
  /** The kernelspec name. */
  kernel: string;
  /** The working directory of the kernel. */
  cwd: string;
  /** The Python that runs nbclient. */
  python: string;
  /** Extra directories for `JUPYTER_PATH`. */
  jupyterPath: string;
  /** Aborting it stops the run: the executor and the kernel's whole process tree are shut down. */
  signal?: AbortSignal;
  /** Called with the executor's process id once it started (tests watch it). */
  onSpawn?: (pid: number) => void;
}

const ANSI = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*[A-Za-z]`, 'g');

/** Removes terminal colour codes (IPython colours its tracebacks). */
export function stripAnsi(text: string): string {
  return text.replace(ANSI, '');
}

/**
 * Runs a notebook with nbclient in a child process (`python driver.py`). Resolves with the
 * executed notebook and how it ended, also when a cell failed or the signal stopped it; rejects
 * with NotebookKernelError when nothing could run (no Python, no nbclient, no such kernel).
 */
export async function executeNotebook(request: ExecuteRequest): Promise<Execution> {
  const dir = mkdtempSync(join(tmpdir(), 'tideflow-notebook-'));
  const input = join(dir, 'input.ipynb');
  const output = join(dir, 'output.ipynb');
  const resultFile = join(dir, 'result.json');
  try {
    writeFileSync(input, serializeNotebook(request.notebook));
    const { stderr, code } = await runDriver(request, [input, output, resultFile]);
    if (!existsSync(resultFile)) {
      if (request.signal?.aborted) {
        return { notebook: readOutput(output, request.notebook), result: { status: 'stopped' } };
      }
      throw new NotebookKernelError(
        request.file,
        request.kernel,
        `the executor ${request.python} ${DRIVER} exited with ${code} and no result.`,
        stderr,
      );
    }
    const result = JSON.parse(readFileSync(resultFile, 'utf8')) as DriverResult;
    if (result.status === 'failed') {
      throw new NotebookKernelError(request.file, request.kernel, result.message, stderr);
    }
    return { notebook: readOutput(output, request.notebook), result };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function readOutput(output: string, fallback: Notebook): Notebook {
  return existsSync(output) ? parseNotebook(readFileSync(output, 'utf8'), output) : fallback;
}

function runDriver(
  request: ExecuteRequest,
  args: readonly string[],
): Promise<{ stderr: string; code: number | string | null }> {
  const env = {
    ...process.env,
    JUPYTER_PATH: [request.jupyterPath, process.env.JUPYTER_PATH].filter(Boolean).join(delimiter),
    // The kernel runs `node` from PATH (tslab's command): the one running tideflow comes first.
    PATH: [dirname(process.execPath), process.env.PATH].filter(Boolean).join(delimiter),
    JUPYTER_PLATFORM_DIRS: '1',
    PYDEVD_DISABLE_FILE_VALIDATION: '1',
  };
  return new Promise((resolve, reject) => {
    if (request.signal?.aborted) {
      resolve({ stderr: '', code: null });
      return;
    }
    const child = spawn(
      request.python,
      [DRIVER, ...args.slice(0, 3), request.kernel, request.cwd],
      { cwd: request.cwd, env, detached: true, stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let stderr = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      stderr = (stderr + chunk).slice(-8_000);
    });
    let killTimer: NodeJS.Timeout | undefined;
    let tree: number[] = [];
    const stop = (): void => {
      // The kernel is a grandchild in its own session: note the tree before the driver exits.
      tree = [child.pid!, ...descendants(child.pid!)];
      signalAll([child.pid!], 'SIGTERM');
      killTimer = setTimeout(() => signalAll(tree.filter(isAlive), 'SIGKILL'), STOP_GRACE_MS);
    };
    request.signal?.addEventListener('abort', stop, { once: true });
    child.once('spawn', () => request.onSpawn?.(child.pid!));
    child.once('error', (error) => {
      request.signal?.removeEventListener('abort', stop);
      reject(
        new NotebookKernelError(
          request.file,
          request.kernel,
          `cannot start ${request.python} (${error.message}); install Debian's python3-nbclient and python3-ipykernel.`,
        ),
      );
    });
    child.once('close', (code, signal) => {
      request.signal?.removeEventListener('abort', stop);
      if (killTimer) {
        // The driver is gone; whatever it started and left running goes too.
        clearTimeout(killTimer);
        signalAll(tree.slice(1).filter(isAlive), 'SIGKILL');
      }
      resolve({ stderr, code: code ?? signal });
    });
  });
}
