import {
  IGNORED_CELL_METADATA,
  markerTextToMetadata,
  metadataToMarkerText,
} from './cell-metadata.js';
import { NotebookFormatError } from './errors.js';
import {
  TEXT_NOTEBOOK_METADATA,
  commentLines,
  rawHeaderLines,
  readHeader,
  uncommentLine,
  writeHeader,
} from './header.js';
import { commentMagics, uncommentMagics } from './magics.js';
import { LINE_BREAK_SOURCE } from './nbformat.js';
import type { JsonObject, Notebook, NotebookCell } from './nbformat.js';

/**
 * The percent format (`// %%` cells) of jupytext, for TypeScript and JavaScript scripts: a code
 * cell starts at `// %%`, a Markdown cell at `// %% [markdown]` with `// `-commented text, cell
 * metadata sits on the marker line, and the notebook metadata in a commented YAML header.
 */

/** The script languages of the percent format, by file extension. */
export const PERCENT_LANGUAGES: Readonly<Record<string, { language: string; comment: string }>> = {
  '.ts': { language: 'typescript', comment: '//' },
  '.js': { language: 'javascript', comment: '//' },
};

/** The percent format's version, as jupytext records it in `text_representation`. */
export const PERCENT_FORMAT_VERSION = '1.3';

const BLANK = /^\s*$/;
const ENDS_WITH_BREAK = new RegExp(`(${LINE_BREAK_SOURCE})$`);

function languageOf(extension: string, file: string): { language: string; comment: string } {
  const spec = PERCENT_LANGUAGES[extension];
  if (!spec) {
    throw new NotebookFormatError(
      file,
      `no percent format for "${extension}" files; use one of ${Object.keys(PERCENT_LANGUAGES).join(', ')}.`,
    );
  }
  return spec;
}

/** Python's `str.splitlines()` (no line ends kept), as jupytext splits a script. */
function splitLines(text: string): string[] {
  const lines = text.split(new RegExp(LINE_BREAK_SOURCE));
  if (lines.length && lines[lines.length - 1] === '') lines.pop();
  return lines;
}

function isActive(extension: string, metadata: JsonObject, fallback = true): boolean {
  const runControl = metadata.run_control as JsonObject | undefined;
  if (runControl?.frozen === true) return extension === '.ipynb';
  const tags = Array.isArray(metadata.tags) ? metadata.tags : [];
  for (const tag of tags) {
    if (typeof tag === 'string' && tag.startsWith('active-')) {
      return tag.split('-').includes(extension.replace('.', ''));
    }
  }
  if (!('active' in metadata)) return fallback;
  return (typeof metadata.active === 'string' ? metadata.active : '')
    .split(/[.,]/)
    .includes(extension.replace('.', ''));
}

const lastTwoLinesBlank = (source: readonly string[]): boolean =>
  source.length >= 3 &&
  !BLANK.test(source[source.length - 3]) &&
  BLANK.test(source[source.length - 2]) &&
  BLANK.test(source[source.length - 1]);

/** Reads one cell from `lines`: the cell and the index of the next cell's first line. */
function readCell(
  lines: readonly string[],
  extension: string,
  comment: string,
  defaultLanguage: string,
): { cell: NotebookCell; next: number } {
  const c = comment.replace(/[/]/g, '\\/');
  const start = new RegExp(`^\\s*${c}\\s*%%(%*)\\s(.*)$`);
  const alternative = new RegExp(`^\\s*${c}\\s*(%%|<codecell>|In\\[[0-9 ]*\\]:?)\\s*$`);
  const isMarker = (line: string) => start.test(line) || alternative.test(line);

  let metadata: JsonObject = {};
  if (start.test(lines[0])) {
    const line = uncommentLine(lines[0], comment);
    metadata = markerTextToMetadata(line.slice(line.indexOf('%%') + 2));
  }
  let language: string | undefined;
  if (typeof metadata.language === 'string') {
    language = metadata.language;
    delete metadata.language;
  }
  let cellType: NotebookCell['cell_type'];
  if (typeof metadata.cell_type === 'string') {
    cellType = metadata.cell_type as NotebookCell['cell_type'];
    delete metadata.cell_type;
  } else if (!isActive('.ipynb', metadata)) {
    if (metadata.active === '') delete metadata.active;
    cellType = 'raw';
  } else cellType = 'code';

  let next = lines.length;
  for (let i = 1; i < lines.length; i++) {
    if (isMarker(lines[i])) {
      next = i;
      break;
    }
  }
  let end = next;
  if (lastTwoLinesBlank(lines.slice(0, next))) end = next - 2;
  else if (next > 0 && BLANK.test(lines[next - 1])) end = next - 1;

  const source = lines.slice(isMarker(lines[0]) ? 1 : 0, end);
  let content: string[];
  if (
    !isActive(extension, metadata) ||
    (!('active' in metadata) && language !== undefined && language !== defaultLanguage)
  ) {
    content = source.map((line) => uncommentLine(line, comment));
  } else {
    content = [...source];
    uncommentMagics(content, comment);
    content =
      cellType === 'code'
        ? unescapeCodeStart(content, comment)
        : content.map((line) => uncommentLine(line, comment));
  }
  const linesToNextCell = end < lines.length ? next - end + (next >= lines.length ? 1 : 0) : 1;
  if (linesToNextCell !== 1) metadata.lines_to_next_cell = linesToNextCell;
  if (language !== undefined) metadata.language = language;
  const cell: NotebookCell = { cell_type: cellType, metadata, source: content.join('\n') };
  if (cellType === 'code') Object.assign(cell, { execution_count: null, outputs: [] });
  return { cell, next };
}

/** jupytext's escape of light-format markers (`// +`) inside code: a doubly commented one loses a level. */
function unescapeCodeStart(lines: string[], comment: string): string[] {
  const c = comment.replace(/[/]/g, '\\/');
  const escaped = new RegExp(`^(${c} |${c})*(${c}|${c} )\\+`);
  return lines.map((line) => {
    if (!escaped.test(line)) return line;
    const once = uncommentLine(line.trimStart(), comment);
    const unescaped = line.slice(0, line.length - line.trimStart().length) + once;
    return escaped.test(unescaped) ? unescaped : line;
  });
}

/**
 * Reads a percent-format script into a notebook (no outputs): the header's metadata, then one
 * cell per marker. `file` names the script in errors; its extension picks the language.
 *
 * @throws NotebookFormatError for an unknown extension, a header that is not YAML or a
 *   non-utf-8 encoding line.
 */
export function percentToNotebook(text: string, file: string): Notebook {
  const extension = extensionOf(file);
  const { language: extLanguage, comment } = languageOf(extension, file);
  const all = splitLines(text);
  const header = readHeader(all, comment, file);
  const metadata = header.metadata;
  const defaultLanguage = defaultLanguageOf(metadata, extLanguage);
  const cells: NotebookCell[] = header.cell ? [header.cell] : [];
  let lines = all.slice(header.next);
  while (lines.length) {
    const { cell, next } = readCell(lines, extension, comment, defaultLanguage);
    cells.push(cell);
    lines = lines.slice(next);
  }
  const kernelspec = metadata.kernelspec as JsonObject | undefined;
  if (kernelspec?.language === undefined && cells.length) {
    const jupytext: JsonObject = { ...(metadata.jupytext as JsonObject | undefined) };
    jupytext.main_language ??= defaultLanguage;
    metadata.jupytext = jupytext;
  }
  // Minor version 4: cells need no `id`, so the same script always gives the same notebook.
  return { cells, metadata, nbformat: 4, nbformat_minor: 4 };
}

function extensionOf(file: string): string {
  const dot = file.lastIndexOf('.');
  return dot < 0 ? '' : file.slice(dot);
}

function defaultLanguageOf(metadata: JsonObject, extLanguage: string): string {
  const jupytext = metadata.jupytext as JsonObject | undefined;
  const kernelspec = metadata.kernelspec as JsonObject | undefined;
  const language =
    (jupytext?.main_language as string | undefined) ??
    (kernelspec?.language as string | undefined) ??
    extLanguage;
  return language.toLowerCase();
}

/** A cell's source as jupytext's lines: `''` is one empty line, a final newline adds one. */
function cellLines(source: string): string[] {
  if (source === '') return [''];
  const lines = splitLines(source);
  return ENDS_WITH_BREAK.test(source) ? [...lines, ''] : lines;
}

/** Options of {@link notebookToPercent}. */
export interface PercentOptions {
  /**
   * Record the format in the header's `jupyter.jupytext.text_representation` (extension, format
   * name and version), as jupytext does.
   *
   * @default true
   */
  textRepresentation?: boolean;
}

function cellToText(
  cell: NotebookCell,
  extension: string,
  comment: string,
  defaultLanguage: string,
): string[] {
  const metadata: JsonObject = {};
  for (const [key, value] of Object.entries(cell.metadata)) {
    if (!IGNORED_CELL_METADATA.has(key)) metadata[key] = value;
  }
  const language = (cell.metadata.language as string | undefined) ?? defaultLanguage;
  if (cell.cell_type === 'raw' && !('active' in metadata)) {
    const tags = Array.isArray(metadata.tags) ? metadata.tags : [];
    if (!tags.some((t) => typeof t === 'string' && t.startsWith('active-'))) metadata.active = '';
  }
  const active = isActive(extension, metadata, language.toLowerCase() === defaultLanguage);
  if (cell.cell_type === 'raw' && metadata.active === '') delete metadata.active;
  const tags = Array.isArray(metadata.tags) ? metadata.tags : [];
  const isCode =
    cell.cell_type === 'code' ||
    (cell.cell_type === 'raw' &&
      ('active' in metadata || tags.some((t) => typeof t === 'string' && t.startsWith('active-'))));
  if (!isCode) metadata.cell_type = cell.cell_type;
  const options = metadataToMarkerText(metadata);
  const source = cellLines(cell.source);
  let indent = '';
  if (isCode && active && source[0].trim()) indent = /^(\s*)/.exec(source[0])![1];
  const marker = options.startsWith('%') || !options ? `%%${options}` : `%% ${options}`;
  const lines = commentLines([marker], indent + comment);
  if (isCode && active) {
    const code = [...source];
    commentMagics(code, comment);
    return code.length === 1 && code[0] === '' ? lines : [...lines, ...code];
  }
  return [...lines, ...commentLines(source, comment)];
}

/**
 * Writes a notebook as a percent-format script for `file`'s extension (`.ts`, `.js`). Outputs,
 * execution counts and the metadata jupytext keeps out of text (`language_info`, `ExecuteTime`,
 * `collapsed`, ...) are left out; {@link percentToNotebook} reads the result back to the same
 * cells, and writing that again gives the same bytes.
 */
export function notebookToPercent(
  notebook: Notebook,
  file: string,
  options: PercentOptions = {},
): string {
  const extension = extensionOf(file);
  const { language: extLanguage, comment } = languageOf(extension, file);
  const metadata = structuredClone(notebook.metadata);
  const jupytext = { ...((metadata.jupytext as JsonObject | undefined) ?? {}) };
  const kernelspec = metadata.kernelspec as JsonObject | undefined;
  const defaultLanguage = defaultLanguageOf(metadata, extLanguage);
  const kernelLanguage = (
    (kernelspec?.language as string | undefined) ?? extLanguage
  ).toLowerCase();
  if (jupytext.main_language !== undefined && jupytext.main_language === kernelLanguage) {
    delete jupytext.main_language;
  }
  let cells = notebook.cells;

  const header: string[] = [];
  if (typeof jupytext.encoding === 'string') {
    header.push(jupytext.encoding);
    delete jupytext.encoding;
  } else if (defaultLanguage !== 'python' && cells.some((c) => /[\u0080-\uffff]/.test(c.source))) {
    header.push(`${comment} -*- coding: utf-8 -*-`);
  }
  let headerLinesToNext = 1;
  const raw = rawHeaderLines(cells[0]);
  if (raw) {
    const next = cells[0].metadata.lines_to_next_cell;
    if (typeof next === 'number') headerLinesToNext = next;
    cells = cells.slice(1);
  }
  if (options.textRepresentation ?? true) {
    const previous = (jupytext.text_representation as JsonObject | undefined) ?? {};
    jupytext.text_representation = {
      extension,
      format_name: 'percent',
      format_version: PERCENT_FORMAT_VERSION,
      ...(previous.jupytext_version !== undefined && {
        jupytext_version: previous.jupytext_version,
      }),
    };
  }
  if (Object.keys(jupytext).length) metadata.jupytext = jupytext;
  else delete metadata.jupytext;
  const kept: JsonObject = {};
  for (const key of TEXT_NOTEBOOK_METADATA) if (key in metadata) kept[key] = metadata[key];
  header.push(...writeHeader(kept, raw ?? [], comment));

  const lines: string[] = [];
  for (const cell of cells) {
    const text = cellToText(cell, extension, comment, defaultLanguage);
    const next = cell.metadata.lines_to_next_cell;
    lines.push(...text, ...new Array<string>(typeof next === 'number' ? next : 1).fill(''));
  }
  if (header.length) header.push(...new Array<string>(headerLinesToNext).fill(''));
  return [...header, ...lines].join('\n');
}
