import { parse, stringify } from 'yaml';
import { NotebookFormatError } from './errors.js';
import type { JsonObject, NotebookCell } from './nbformat.js';

/**
 * The YAML header of a percent-format script, as jupytext writes it: commented lines between
 * `---` markers, whose `jupyter:` section holds the notebook metadata. Other top-level YAML keys
 * become a raw cell at the top of the notebook.
 */

/** The notebook metadata jupytext keeps in the text (the rest stays in the `.ipynb`). */
export const TEXT_NOTEBOOK_METADATA: readonly string[] = [
  'jupytext',
  'kernelspec',
  'kernel_info',
  'orphan',
  'tocdepth',
];

const HEADER_MARK = /^---\s*$/;
const BLANK = /^\s*$/;
const JUPYTER_KEY = /^jupyter\s*:\s*$/;
const ENCODING = (comment: string) =>
  new RegExp(`^[ \\t\\f]*${comment.replace(/[/]/g, '\\/')}.*?coding[:=][ \\t]*([-_.a-zA-Z0-9]+)`);

/** Removes `comment` and one space from the start of `line`, when present. */
export function uncommentLine(line: string, comment: string): string {
  if (line.startsWith(`${comment} `)) return line.slice(comment.length + 1);
  if (line.startsWith(comment)) return line.slice(comment.length);
  return line;
}

/** Comments lines as jupytext does: `// text`, and a bare `//` for an empty line. */
export function commentLines(lines: readonly string[], comment: string): string[] {
  return lines.map((line) => (line ? `${comment} ${line}` : comment));
}

/** What {@link readHeader} found. */
export interface ParsedHeader {
  /** The notebook metadata of the `jupyter:` section (with `jupytext.encoding` when present). */
  metadata: JsonObject;
  /** A raw cell holding the non-`jupyter` YAML keys, when there are any. */
  cell?: NotebookCell;
  /** The index of the first line after the header (and its blank line). */
  next: number;
}

/** Reads the header of a script's lines. */
export function readHeader(lines: readonly string[], comment: string, file: string): ParsedHeader {
  const metadata: JsonObject = {};
  const encoding = ENCODING(comment);
  const header: string[] = [];
  const jupyter: string[] = [];
  let inJupyter = false;
  let started = false;
  let ended = false;
  let start = 0;
  let i = -1;
  for (i = 0; i < lines.length; i++) {
    const raw = lines[i];
    if (i === 0 || (i === 1 && !encoding.test(lines[0]))) {
      if (encoding.exec(raw)) {
        const name = encoding.exec(raw)![1];
        if (name !== 'utf-8') {
          throw new NotebookFormatError(file, `encoding ${name} is not supported; use utf-8.`);
        }
        metadata.jupytext = { encoding: raw };
        start = i + 1;
        continue;
      }
    }
    if (!raw.startsWith(comment)) break;
    const line = uncommentLine(raw, comment);
    if (HEADER_MARK.test(line)) {
      if (!started) {
        started = true;
        continue;
      }
      ended = true;
      break;
    }
    if (!started && line.trim()) break;
    if (JUPYTER_KEY.test(line)) inJupyter = true;
    else if (line && !/^\s/.test(line)) inJupyter = false;
    (inJupyter ? jupyter : header).push(line);
  }
  if (!ended) return { metadata, next: start };
  if (jupyter.length) {
    let parsed: unknown;
    try {
      parsed = parse(jupyter.join('\n'));
    } catch (error) {
      throw new NotebookFormatError(
        file,
        `the header's jupyter section is not YAML: ${(error as Error).message}`,
        undefined,
        { cause: error },
      );
    }
    const section = (parsed as { jupyter?: unknown } | null)?.jupyter;
    if (section !== null && section !== undefined) {
      if (typeof section !== 'object' || Array.isArray(section)) {
        throw new NotebookFormatError(file, "the header's jupyter section must be a mapping.");
      }
      const extra = metadata.jupytext as JsonObject | undefined;
      Object.assign(metadata, section as JsonObject);
      if (extra) {
        metadata.jupytext = { ...(metadata.jupytext as JsonObject | undefined), ...extra };
      }
    }
  }
  let linesToNextCell = 1;
  if (lines.length > i + 1) {
    if (!BLANK.test(uncommentLine(lines[i + 1], comment))) linesToNextCell = 0;
    else i++;
  } else linesToNextCell = 0;
  const cell: NotebookCell | undefined = header.length
    ? {
        cell_type: 'raw',
        source: ['---', ...header, '---'].join('\n'),
        metadata: linesToNextCell === 1 ? {} : { lines_to_next_cell: linesToNextCell },
      }
    : undefined;
  return { metadata, ...(cell && { cell }), next: i + 1 };
}

/**
 * The header lines (commented, without the blank line after them) for notebook metadata already
 * filtered to {@link TEXT_NOTEBOOK_METADATA}, and the extra YAML of a leading raw header cell.
 */
export function writeHeader(
  metadata: JsonObject,
  rawHeader: readonly string[],
  comment: string,
): string[] {
  const yaml: string[] = [...rawHeader];
  if (Object.keys(metadata).length) {
    const text = stringify(
      { jupyter: metadata },
      { sortMapEntries: true, indentSeq: false, singleQuote: true, lineWidth: 0 },
    );
    yaml.push(...text.replace(/\n$/, '').split('\n'));
  }
  return yaml.length ? commentLines(['---', ...yaml, '---'], comment) : [];
}

/** The lines between the `---` markers of a leading raw cell that holds a YAML header, if any. */
export function rawHeaderLines(cell: NotebookCell | undefined): string[] | undefined {
  if (!cell || cell.cell_type !== 'raw') return undefined;
  const lines = cell.source.replace(/^[\n\t ]+|[\n\t ]+$/g, '').split(/\r\n|\r|\n/);
  if (
    lines.length >= 2 &&
    HEADER_MARK.test(lines[0]) &&
    HEADER_MARK.test(lines[lines.length - 1])
  ) {
    return lines.slice(1, -1);
  }
  return undefined;
}
