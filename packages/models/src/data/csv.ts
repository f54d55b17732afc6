import { closeSync, openSync, readSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { DataFormatError } from '../errors.js';
import { resolveColumns } from './csv-header.js';
import type { Dataset } from './dataset.js';
import { denseMatrix } from './matrix.js';

/** Options of {@link parseCsv} and {@link readCsv}. */
export interface ReadCsvOptions {
  /** Name of the label column. Default: the last column. */
  label?: string;
  /**
   * The class names to map labels to, in index order (e.g. the training set's `classNames` when
   * reading its test set, so that both use the same indices). A label not in the list is an error.
   * Default: the distinct labels, sorted numerically when all are numbers, else as strings.
   */
  classNames?: readonly string[];
  /**
   * The feature columns to read, by header name and in this order (e.g. the training set's
   * `featureNames` when reading its test set, whose columns may come in another order). A missing
   * or extra feature column is an error naming both. Default: every column but the label, in file
   * order.
   */
  featureNames?: readonly string[];
  /** Name of the source used in error messages (the file path for `readCsv`). */
  source?: string;
}

/** Cells `Number()` reads but a CSV number must not be: hexadecimal, binary and octal literals. */
const NOT_DECIMAL = /[xXbBoO]/;

/**
 * Parses CSV text with a header row into a {@link Dataset}: every column except the label column
 * is a numeric feature (decimal notation); labels become class indices with their names kept in
 * `classNames`. Lines may end in LF, CRLF or CR.
 *
 * Throws `DataFormatError` naming the source, line and column for: an empty or header-only file,
 * unnamed or duplicate column names, a missing label column, no feature column (a `;`-separated
 * file), ragged rows, non-numeric or empty feature cells and empty label cells.
 */
export function parseCsv(text: string, options: ReadCsvOptions = {}): Dataset {
  const source = options.source ?? 'CSV';
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const lines = body.split(!body.includes('\n') && body.includes('\r') ? '\r' : '\n');
  let li = 0;
  while (li < lines.length && lines[li].trim() === '') li++;
  if (li >= lines.length)
    throw new DataFormatError(`${source}: empty file, expected a header row.`);
  const header = headerCells(lines[li], source, li + 1);
  const nCols = header.length;
  const { labelCol, featureCols, featureNames } = resolveColumns(header, source, options);
  const labelName = header[labelCol];
  const d = featureCols.length;

  let values = new Float64Array(Math.max(16, (lines.length - li) * d));
  const labels: string[] = [];
  let n = 0;
  for (let l = li + 1; l < lines.length; l++) {
    const line = lines[l];
    if (line.trim() === '') continue;
    const cells = splitLine(line, source, l + 1);
    if (cells.length !== nCols) {
      throw new DataFormatError(
        `${source}, line ${l + 1}: expected ${nCols} cells as in the header, got ${cells.length}.`,
      );
    }
    if ((n + 1) * d > values.length) {
      const grown = new Float64Array(values.length * 2);
      grown.set(values);
      values = grown;
    }
    for (let f = 0; f < d; f++) {
      const cell = cells[featureCols[f]];
      const v = Number(cell);
      if (!Number.isFinite(v) || cell.trim() === '' || NOT_DECIMAL.test(cell)) {
        throw new DataFormatError(
          `${source}, line ${l + 1}, column "${featureNames[f]}": ${JSON.stringify(cell)} is not a finite decimal number` +
            (options.label === undefined && Number.isNaN(v) && cell.trim() !== ''
              ? `; if "${featureNames[f]}" is the label column, name it (label option, --label ${featureNames[f]}).`
              : '.'),
        );
      }
      values[n * d + f] = v;
    }
    const label = cells[labelCol].trim();
    if (label === '') {
      throw new DataFormatError(
        `${source}, line ${l + 1}, column "${labelName}": empty label; every row needs a class.`,
      );
    }
    labels.push(label);
    n++;
  }
  if (n === 0) {
    throw new DataFormatError(`${source}: no data rows after the header (line ${li + 1}).`);
  }

  const classNames = options.classNames ? [...options.classNames] : sortedDistinct(labels);
  const index = new Map<string, number>();
  classNames.forEach((name, i) => index.set(name, i));
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const c = index.get(labels[i]);
    if (c === undefined) {
      throw new DataFormatError(
        `${source}: label ${JSON.stringify(labels[i])} (data row ${i + 1}) is not one of the given classNames ${JSON.stringify(classNames)}.`,
      );
    }
    y[i] = c;
  }
  return {
    X: denseMatrix(n, d, values.slice(0, n * d)),
    y,
    featureNames: [...featureNames],
    classNames,
  };
}

/** The trimmed cells of a header line. */
function headerCells(line: string, source: string, lineNo: number): string[] {
  return splitLine(line, source, lineNo).map((h) => h.trim());
}

/**
 * Reads only the header of a CSV file (its first non-empty line, from the first 1 MiB) and
 * resolves its columns as {@link parseCsv} would, so that a wrong label, duplicate columns or test
 * columns that do not match the training features are found before the whole file is read.
 *
 * @returns The names of the feature columns, in the order `parseCsv` reads them.
 * @throws DataFormatError naming the file (and line and column where it applies).
 */
export function checkCsvHeader(
  path: string,
  options: Pick<ReadCsvOptions, 'label' | 'featureNames'> = {},
): readonly string[] {
  let head: string;
  try {
    const fd = openSync(path, 'r');
    try {
      const buffer = Buffer.alloc(1 << 20);
      head = buffer.toString('utf8', 0, readSync(fd, buffer, 0, buffer.length, 0));
    } finally {
      closeSync(fd);
    }
  } catch (error) {
    throw unreadable(path, error);
  }
  const body = head.charCodeAt(0) === 0xfeff ? head.slice(1) : head;
  const lines = body.split(/\r\n|\r|\n/);
  const li = lines.findIndex((line) => line.trim() !== '');
  if (li < 0) throw new DataFormatError(`${path}: empty file, expected a header row.`);
  return resolveColumns(headerCells(lines[li], path, li + 1), path, options).featureNames;
}

/**
 * Reads a text file, turning a missing or unreadable file into a `DataFormatError` that names it
 * (instead of a bare `ENOENT`).
 */
export async function readDataFile(path: string | URL): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    throw unreadable(path, error);
  }
}

/** The `DataFormatError` for a file that cannot be read. */
export function unreadable(path: string | URL, error: unknown): DataFormatError {
  const code = (error as NodeJS.ErrnoException).code;
  const why =
    code === 'ENOENT'
      ? 'no such file'
      : code === 'EISDIR'
        ? 'it is a directory, not a file'
        : code === 'EACCES'
          ? 'permission denied'
          : (error as Error).message;
  return new DataFormatError(`${String(path)}: cannot read the data file: ${why}.`);
}

/** Reads a CSV file (see {@link parseCsv}); errors name the file. */
export async function readCsv(path: string | URL, options: ReadCsvOptions = {}): Promise<Dataset> {
  return parseCsv(await readDataFile(path), { source: String(path), ...options });
}

/** Options of {@link formatCsv} and {@link writeCsv}. */
export interface WriteCsvOptions {
  /** Header of the label column. Default `label`. */
  label?: string;
}

/** Formats a data set as CSV text: feature columns, then the label column holding class names. */
export function formatCsv(data: Dataset, options: WriteCsvOptions = {}): string {
  const { X, y, featureNames, classNames } = data;
  const out: string[] = [[...featureNames, options.label ?? 'label'].map(quote).join(',')];
  const names = classNames.map(quote);
  for (let i = 0; i < X.rows; i++) {
    const cells: string[] = [];
    // String(number) is the shortest text that parses back to the same double.
    for (let j = 0; j < X.cols; j++) cells.push(String(X.data[i * X.cols + j]));
    cells.push(names[y[i]] ?? String(y[i]));
    out.push(cells.join(','));
  }
  return out.join('\n') + '\n';
}

/** Writes a data set as CSV (see {@link formatCsv}). */
export async function writeCsv(
  path: string | URL,
  data: Dataset,
  options: WriteCsvOptions = {},
): Promise<void> {
  await writeFile(path, formatCsv(data, options), 'utf8');
}

function sortedDistinct(labels: string[]): string[] {
  const distinct = [...new Set(labels)];
  const numeric = distinct.every((s) => s !== '' && Number.isFinite(Number(s)));
  return numeric
    ? distinct.sort((a, b) => Number(a) - Number(b))
    : distinct.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

function quote(cell: string): string {
  return /[",\n\r]/.test(cell) || cell !== cell.trim() ? `"${cell.replace(/"/g, '""')}"` : cell;
}

/** Splits one CSV line; the fast path has no quotes, otherwise RFC 4180 quoting within the line. */
function splitLine(raw: string, source: string, lineNo: number): string[] {
  const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
  if (!line.includes('"')) return line.split(',');
  const cells: string[] = [];
  let cell = '';
  let inQuotes = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (inQuotes) {
      if (ch === '"' && line[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') inQuotes = false;
      else cell += ch;
    } else if (ch === '"') inQuotes = true;
    else if (ch === ',') {
      cells.push(cell);
      cell = '';
    } else cell += ch;
  }
  if (inQuotes) throw new DataFormatError(`${source}, line ${lineNo}: unterminated quoted cell.`);
  cells.push(cell);
  return cells;
}
