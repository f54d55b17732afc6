import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  MemoryTracker,
  Registry,
  TaskTimeoutError,
  configure,
  createMemoryCacheStore,
  flow,
  silentLogger,
  track,
} from '@tideflow/core';
import {
  NotebookCellError,
  NotebookKernelError,
  NotebookParameterError,
  notebookTask,
  parseNotebook,
} from '@tideflow/notebooks';
import type { NotebookRun } from '@tideflow/notebooks';
import { isAlive } from '../src/process-tree.js';
import { code, pythonNotebook, writeNotebook } from './helpers.js';

// Python kernels (Debian's python3-ipykernel), each start about 1-2 s: few runs, bounded.
let tracker: MemoryTracker;
beforeEach(() => {
  tracker = new MemoryTracker();
  configure({ tracker, logger: silentLogger, cacheStore: createMemoryCacheStore() });
});

/** Runs `body` in a tracked flow run; returns its result (or error) and the run's artifacts. */
async function inFlow<T>(body: () => Promise<T>) {
  let runId: string | undefined;
  const run = flow(
    async function notebookFlow() {
      runId = track.runId();
      return body();
    },
    { registry: new Registry() },
  );
  const outcome = await run().then(
    (value) => ({ value, error: undefined }),
    (error: unknown) => ({ value: undefined, error }),
  );
  const artifacts = await tracker.listArtifacts(runId!);
  return { ...outcome, runId: runId!, artifacts: artifacts.map((a) => a.path) };
}

const text = (run: NotebookRun) =>
  run.executed.cells
    .flatMap((c) => (c.outputs ?? []).map((o) => (typeof o.text === 'string' ? o.text : '')))
    .join('');

describe('notebookTask', () => {
  it('injects parameters after the parameters cell, runs, and stores the executed notebook and displays', async () => {
    const file = writeNotebook(
      pythonNotebook([
        code('alpha = 1\nlabel = "default"\nsizes = []', ['parameters']),
        code('print("alpha", alpha, "label", label, "sizes", sizes)'),
        code(
          'from IPython.display import display, Markdown, SVG\n' +
            'display(Markdown("| k | v |\\n|---|---|\\n| alpha | %s |" % alpha))\n' +
            'display(SVG(\'<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"/>\'))',
        ),
      ]),
    );
    const nb = notebookTask(file, { parameters: { alpha: 2, label: 'from options' } });
    const { value, artifacts, error } = await inFlow(() =>
      nb({ label: 'it\'s "quoted"\nand two lines', sizes: [1, 2.5, null, true] }),
    );
    expect(error).toBeUndefined();
    const run = value!;
    expect(run.executed.cells[1].metadata.tags).toEqual(['injected-parameters']);
    expect(run.executed.cells[1].source).toBe(
      '# Parameters\nalpha = 2\nlabel = "it\'s \\"quoted\\"\\nand two lines"\nsizes = [1, 2.5, None, True]\n',
    );
    expect(text(run)).toBe(
      'alpha 2 label it\'s "quoted"\nand two lines sizes [1, 2.5, None, True]\n',
    );
    expect(run.parameters).toEqual({
      alpha: 2,
      label: 'it\'s "quoted"\nand two lines',
      sizes: [1, 2.5, null, true],
    });
    expect(artifacts).toHaveLength(3);
    expect(artifacts).toContain('markdown/nb-cell-3-0/v1.md');
    expect(artifacts).toContain('image/nb-cell-3-1/v1.svg');
    const executed = artifacts.find((p) => p.endsWith('/nb.ipynb'))!;
    expect(executed).toMatch(/^notebooks\/.+\/nb\.ipynb$/);
    expect(run.artifacts.map((a) => a.path).sort()).toEqual([...artifacts].sort());
  });

  it('rejects a failing cell with its index, error and traceback, and still stores the executed notebook', async () => {
    const file = writeNotebook(
      pythonNotebook([
        code('print("before")'),
        code('def fail():\n    raise ValueError("bad input 42")\nfail()'),
        code('print("never")'),
      ]),
      'failing',
    );
    const { error, artifacts, runId } = await inFlow(() => notebookTask(file)());
    expect(error).toBeInstanceOf(NotebookCellError);
    const cellError = error as NotebookCellError;
    expect(cellError.code).toBe('NOTEBOOK_CELL');
    expect(cellError.cellIndex).toBe(1);
    expect(cellError.ename).toBe('ValueError');
    expect(cellError.evalue).toBe('bad input 42');
    expect(cellError.traceback.join('\n')).toMatch(/fail\(\)/);
    expect(cellError.traceback.join('\n')).not.toContain(String.fromCharCode(27));
    expect(cellError.message).toMatch(/failing\.ipynb: cell 1 raised ValueError: bad input 42/);
    const path = artifacts.find((p) => p.endsWith('/failing.ipynb'))!;
    expect(path).toBeDefined();
    const stored = parseNotebook(
      Buffer.from(await tracker.readArtifact(runId, path)).toString('utf8'),
      path,
    );
    expect(stored.cells[0].outputs?.[0].text).toBe('before\n');
    expect(stored.cells[1].outputs?.find((o) => o.output_type === 'error')?.ename).toBe(
      'ValueError',
    );
    expect(stored.cells[2].outputs).toEqual([]);
  });

  it('serves a cached rerun without starting a kernel, and runs again for other parameters', async () => {
    const file = writeNotebook(
      pythonNotebook([
        code('n = 1', ['parameters']),
        // A side effect outside the notebook counts the kernel runs.
        code('with open("runs.log", "a") as f:\n    f.write("ran %d\\n" % n)'),
      ]),
    );
    const log = join(dirname(file), 'runs.log');
    const nb = notebookTask(file, { cache: true });
    const { value, error } = await inFlow(async () => {
      const first = await nb({ n: 1 });
      const second = await nb({ n: 1 });
      return [first, second];
    });
    expect(error).toBeUndefined();
    expect(readFileSync(log, 'utf8')).toBe('ran 1\n');
    expect(value![1].executed).toEqual(value![0].executed);
    await inFlow(() => nb({ n: 2 }));
    expect(readFileSync(log, 'utf8')).toBe('ran 1\nran 2\n');
  });

  it('shuts the kernel down when it hangs past timeoutMs', async () => {
    const file = writeNotebook(
      pythonNotebook([
        code('import os\nwith open("kernel.pid", "w") as f:\n    f.write(str(os.getpid()))'),
        code('import time\ntime.sleep(600)'),
      ]),
      'hangs',
    );
    const pidFile = join(dirname(file), 'kernel.pid');
    const started = Date.now();
    const { error } = await inFlow(() => notebookTask(file, { timeoutMs: 5_000 })());
    expect(error).toBeInstanceOf(TaskTimeoutError);
    expect(Date.now() - started).toBeLessThan(12_000);
    expect(existsSync(pidFile)).toBe(true);
    const pid = Number(readFileSync(pidFile, 'utf8'));
    const deadline = Date.now() + 5_000;
    while (isAlive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(isAlive(pid)).toBe(false);
  });

  it('reports a kernel that is not installed, and a notebook that names none', async () => {
    const file = writeNotebook(pythonNotebook([code('1')]), 'nokernel');
    const error = await notebookTask(file, { kernel: 'no-such-kernel' })().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotebookKernelError);
    expect((error as NotebookKernelError).message).toMatch(
      /nokernel\.ipynb \(kernel "no-such-kernel"\): .*no-such-kernel/,
    );
    const bare = writeNotebook({ ...pythonNotebook([code('1')]), metadata: {} }, 'bare');
    expect(() => notebookTask(bare)).toThrow(/names no kernel .*pass the `kernel` option/);
  });

  it('rejects bad parameters with a typed error before any kernel starts', () => {
    const file = writeNotebook(pythonNotebook([code('x = 1', ['parameters'])]));
    expect(() => notebookTask(file, { parameters: { 'not-a-name': 1 } })).toThrow(
      NotebookParameterError,
    );
    expect(() => notebookTask(file, { parameters: { lambda: 1 } })).toThrow(/reserved word/);
    expect(() => notebookTask(file, { parameters: { when: new Date() as never } })).toThrow(
      /"when": a Date cannot be written/,
    );
  });
});
