import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import { combineInputsWithOutputs } from './combine.js';
import { NotebookFormatError } from './errors.js';
import { parseNotebook, serializeNotebook } from './nbformat.js';
import type { Notebook } from './nbformat.js';
import { PERCENT_LANGUAGES, notebookToPercent, percentToNotebook } from './percent.js';

/** What {@link convertNotebookFile} and {@link syncNotebookFiles} wrote. */
export interface NotebookFileResult {
  /** The file read. */
  from: string;
  /** The file written. */
  to: string;
}

/** Reads a notebook from an `.ipynb` file or a percent-format script. */
export function readNotebookFile(file: string): Notebook {
  const text = readText(file);
  return extname(file) === '.ipynb' ? parseNotebook(text, file) : percentToNotebook(text, file);
}

function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
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
}

function checkExtension(file: string): void {
  const ext = extname(file);
  if (ext !== '.ipynb' && !(ext in PERCENT_LANGUAGES)) {
    throw new NotebookFormatError(
      file,
      `is neither an .ipynb notebook nor a percent-format script (${Object.keys(PERCENT_LANGUAGES).join(', ')}).`,
    );
  }
}

/** The paired file of `file`: `x.ipynb` for `x.ts`, and `x.ts` for `x.ipynb`. */
export function pairedFile(file: string, script = '.ts'): string {
  checkExtension(file);
  const ext = extname(file);
  const stem = join(dirname(file), basename(file, ext));
  return ext === '.ipynb' ? `${stem}${script}` : `${stem}.ipynb`;
}

/**
 * Converts `file` to the other form: a percent-format script to a new `.ipynb` (without
 * outputs), or an `.ipynb` to a script. `output` defaults to {@link pairedFile}. An existing
 * output file is replaced (use {@link syncNotebookFiles} to keep a notebook's outputs).
 *
 * @throws NotebookFormatError naming the file for an unknown extension, an unreadable file or an
 *   invalid notebook, before anything is written.
 */
export function convertNotebookFile(file: string, output = pairedFile(file)): NotebookFileResult {
  checkExtension(file);
  checkExtension(output);
  if (extname(file) === extname(output)) {
    throw new NotebookFormatError(output, `has the same format as ${file}; nothing to convert.`);
  }
  const notebook = readNotebookFile(file);
  writeFileSync(output, render(notebook, output));
  return { from: file, to: output };
}

function render(notebook: Notebook, file: string): string {
  return extname(file) === '.ipynb'
    ? serializeNotebook(notebook)
    : notebookToPercent(notebook, file);
}

/**
 * Brings a script and its paired `.ipynb` in step, as `jupytext --sync` does: the newer file
 * (the one named on a tie) is the source of the cells; the `.ipynb` keeps the outputs,
 * execution counts and metadata of the cells it already had (matched as jupytext matches them).
 * The other file is created when missing.
 *
 * @throws NotebookFormatError naming the file when either file is invalid, before anything is
 *   written.
 */
export function syncNotebookFiles(file: string): NotebookFileResult {
  const other = pairedFile(file);
  if (!existsSync(file) && !existsSync(other)) {
    throw new NotebookFormatError(file, `does not exist, nor does its pair ${other}.`);
  }
  let from = file;
  if (
    !existsSync(file) ||
    (existsSync(other) && statSync(other).mtimeMs > statSync(file).mtimeMs)
  ) {
    from = other;
  }
  const to = from === file ? other : file;
  const source = readNotebookFile(from);
  const ipynb = extname(to) === '.ipynb' ? to : from;
  const previous = existsSync(ipynb) ? parseNotebook(readText(ipynb), ipynb) : undefined;
  const merged = previous && from !== ipynb ? combineInputsWithOutputs(source, previous) : source;
  writeFileSync(to, render(merged, to));
  return { from, to };
}
