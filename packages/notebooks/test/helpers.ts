import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serializeNotebook } from '@tideflow/notebooks';
import type { Notebook, NotebookCell } from '@tideflow/notebooks';

/** A code cell with `source` (and tags). */
export function code(source: string, tags?: string[]): NotebookCell {
  return {
    cell_type: 'code',
    execution_count: null,
    metadata: tags ? { tags } : {},
    outputs: [],
    source,
  };
}

/** A Python 3 notebook of these cells. */
export function pythonNotebook(cells: NotebookCell[]): Notebook {
  return {
    cells,
    metadata: {
      kernelspec: { display_name: 'Python 3', language: 'python', name: 'python3' },
    },
    nbformat: 4,
    nbformat_minor: 4,
  };
}

/** Writes `notebook` as `<name>.ipynb` in a fresh temporary directory; returns its path. */
export function writeNotebook(notebook: Notebook, name = 'nb'): string {
  const dir = mkdtempSync(join(tmpdir(), 'tideflow-nb-test-'));
  const file = join(dir, `${name}.ipynb`);
  writeFileSync(file, serializeNotebook(notebook));
  return file;
}
