import { NotebookFormatError } from './errors.js';

/** A JSON value, as notebook metadata holds them. */
export type JsonValue =
  string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** A JSON object. */
export type JsonObject = { [key: string]: JsonValue };

/** One output of a code cell (nbformat 4: `stream`, `display_data`, `execute_result`, `error`). */
export interface NotebookOutput {
  /** The kind of output. */
  output_type: 'stream' | 'display_data' | 'execute_result' | 'error';
  /** Any other field of the output (`text`, `data`, `ename`, ...), as nbformat defines them. */
  [field: string]: unknown;
}

/** One notebook cell, with its source as one string (nbformat also allows a list of lines). */
export interface NotebookCell {
  /** `code`, `markdown` or `raw`. */
  cell_type: 'code' | 'markdown' | 'raw';
  /** The cell's text. */
  source: string;
  /** The cell's metadata (`tags`, `jupyter`, ...). */
  metadata: JsonObject;
  /** A code cell's outputs. */
  outputs?: NotebookOutput[];
  /** A code cell's execution count, `null` when not run. */
  execution_count?: number | null;
  /** Any other field (`id`, `attachments`). */
  [field: string]: unknown;
}

/** An nbformat 4 notebook. */
export interface Notebook {
  /** The cells, in order. */
  cells: NotebookCell[];
  /** Notebook metadata (`kernelspec`, `language_info`, `jupytext`, ...). */
  metadata: JsonObject;
  /** Always 4. */
  nbformat: 4;
  /** The minor version, e.g. 5. */
  nbformat_minor: number;
}

const CELL_TYPES = new Set(['code', 'markdown', 'raw']);
const OUTPUT_TYPES = new Set(['stream', 'display_data', 'execute_result', 'error']);

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A multiline string field: a string or a list of strings (nbformat splits them into lines). */
function multiline(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (Array.isArray(value) && value.every((line) => typeof line === 'string'))
    return value.join('');
  return undefined;
}

/** Joins the split multiline fields of an output (its `text`, its text-like `data`). */
function joinOutput(output: Record<string, unknown>): NotebookOutput {
  const joined: Record<string, unknown> = { ...output };
  if (output.text !== undefined) joined.text = multiline(output.text) ?? output.text;
  if (isObject(output.data)) {
    const data: Record<string, unknown> = {};
    for (const [mime, value] of Object.entries(output.data)) {
      data[mime] = splitsMime(mime) ? (multiline(value) ?? value) : value;
    }
    joined.data = data;
  }
  return joined as NotebookOutput;
}

/**
 * Reads an `.ipynb` file's text as an nbformat 4 notebook, joining line lists into strings.
 *
 * @throws NotebookFormatError naming `file` (and the cell index) when the text is not JSON or
 *   not nbformat 4: no `cells` list, a cell without a known `cell_type` or a string `source`,
 *   a code cell whose `outputs` is not a list of outputs, metadata that is not an object.
 */
export function parseNotebook(text: string, file: string): Notebook {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new NotebookFormatError(file, `not JSON (${(error as Error).message}).`, undefined, {
      cause: error,
    });
  }
  if (!isObject(json)) throw new NotebookFormatError(file, 'a notebook is a JSON object.');
  if (json.nbformat !== 4) {
    throw new NotebookFormatError(
      file,
      `only nbformat 4 is supported, this file says nbformat ${JSON.stringify(json.nbformat) ?? 'nothing'}; ` +
        `upgrade it with \`jupyter nbconvert --to notebook --inplace\`.`,
    );
  }
  if (typeof json.nbformat_minor !== 'number' || !Number.isInteger(json.nbformat_minor)) {
    throw new NotebookFormatError(file, '"nbformat_minor" must be an integer.');
  }
  if (!isObject(json.metadata))
    throw new NotebookFormatError(file, '"metadata" must be an object.');
  if (!Array.isArray(json.cells)) throw new NotebookFormatError(file, '"cells" must be a list.');
  const cells = json.cells.map((raw: unknown, index: number): NotebookCell => {
    if (!isObject(raw)) throw new NotebookFormatError(file, 'a cell must be an object.', index);
    if (typeof raw.cell_type !== 'string' || !CELL_TYPES.has(raw.cell_type)) {
      throw new NotebookFormatError(
        file,
        `"cell_type" must be code, markdown or raw, got ${JSON.stringify(raw.cell_type) ?? 'nothing'}.`,
        index,
      );
    }
    const source = multiline(raw.source);
    if (source === undefined) {
      throw new NotebookFormatError(file, '"source" must be a string or a list of strings.', index);
    }
    if (!isObject(raw.metadata)) {
      throw new NotebookFormatError(file, '"metadata" must be an object.', index);
    }
    const cell = { ...raw, source } as NotebookCell;
    if (raw.cell_type === 'code') {
      if (!Array.isArray(raw.outputs)) {
        throw new NotebookFormatError(file, 'a code cell needs an "outputs" list.', index);
      }
      cell.outputs = raw.outputs.map((output: unknown) => {
        if (!isObject(output) || !OUTPUT_TYPES.has(output.output_type as string)) {
          throw new NotebookFormatError(
            file,
            `an output must be an object with output_type stream, display_data, execute_result or error.`,
            index,
          );
        }
        return joinOutput(output);
      });
      const count = raw.execution_count;
      if (count !== null && (typeof count !== 'number' || !Number.isInteger(count))) {
        throw new NotebookFormatError(file, '"execution_count" must be an integer or null.', index);
      }
    }
    return cell;
  });
  return { ...(json as object), cells, metadata: json.metadata as JsonObject } as Notebook;
}

/** The mime types whose values nbformat writes as lists of lines. */
function splitsMime(mime: string): boolean {
  return mime.startsWith('text/') || mime === 'application/javascript' || mime === 'image/svg+xml';
}

/**
 * The line boundaries of Python's `str.splitlines`, which nbformat and jupytext split on (the
 * information separators U+001C to U+001E included).
 */
export const LINE_BREAK_SOURCE = `\\r\\n|[\\n\\r\\v\\f${String.fromCharCode(0x1c, 0x1d, 0x1e)}\\x85\\u2028\\u2029]`;

/** Python's `str.splitlines(keepends=True)`, the way nbformat splits multiline strings. */
export function splitLinesKeepEnds(text: string): string[] {
  const lines: string[] = [];
  const boundary = new RegExp(LINE_BREAK_SOURCE, 'g');
  let start = 0;
  for (let m = boundary.exec(text); m; m = boundary.exec(text)) {
    lines.push(text.slice(start, m.index + m[0].length));
    start = m.index + m[0].length;
  }
  if (start < text.length) lines.push(text.slice(start));
  return lines;
}

function splitOutput(output: NotebookOutput): JsonObject {
  const split: JsonObject = {};
  for (const [key, value] of Object.entries(output)) {
    if (value === undefined) continue;
    if (key === 'text' && output.output_type === 'stream' && typeof value === 'string') {
      split[key] = splitLinesKeepEnds(value);
    } else if (key === 'data' && isObject(value)) {
      const data: JsonObject = {};
      for (const [mime, v] of Object.entries(value)) {
        data[mime] =
          splitsMime(mime) && typeof v === 'string' ? splitLinesKeepEnds(v) : (v as JsonValue);
      }
      split[key] = data;
    } else split[key] = value as JsonValue;
  }
  return split;
}

function sortKeys(value: JsonValue): JsonValue {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (!isObject(value)) return value;
  const sorted: JsonObject = {};
  for (const key of Object.keys(value).sort()) sorted[key] = sortKeys(value[key]);
  return sorted;
}

/**
 * The text of a notebook as nbformat writes it (`json.dumps(nb, sort_keys=True, indent=1,
 * ensure_ascii=False)` plus a newline, multiline strings split into lines), so that a notebook
 * read and written again is unchanged byte for byte.
 */
export function serializeNotebook(notebook: Notebook): string {
  const cells = notebook.cells.map((cell) => {
    const out: JsonObject = {};
    for (const [key, value] of Object.entries(cell)) {
      if (value === undefined) continue;
      if (key === 'source') out.source = splitLinesKeepEnds(cell.source);
      else if (key === 'outputs') out.outputs = (cell.outputs ?? []).map(splitOutput);
      else out[key] = value as JsonValue;
    }
    return out;
  });
  const json: JsonObject = { ...(notebook as unknown as JsonObject), cells };
  return `${JSON.stringify(sortKeys(json), null, 1)}\n`;
}

/** A deep copy of a notebook (plain JSON data). */
export function cloneNotebook(notebook: Notebook): Notebook {
  return structuredClone(notebook);
}
