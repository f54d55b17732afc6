import { readFile, writeFile } from 'node:fs/promises';
import { DataFormatError } from '../errors.js';
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
  /** Name of the source used in error messages (the file path for `readCsv`). */
  source?: string;
}

/**
 * Parses CSV text with a header row into a {@link Dataset}: every column except the label column
 * is a numeric feature; labels become class indices with their names kept in `classNames`.
 *
 * Throws `DataFormatError` naming the line and column for ragged rows, non-numeric or empty
 * feature cells, and a missing label column.
 */
export function parseCsv(text: string, options: ReadCsvOptions = {}): Dataset {
  const source = options.source ?? 'CSV';
  const lines = text.split('\n');
  let li = 0;
  while (li < lines.length && lines[li].trim() === '') li++;
  if (li >= lines.length)
    throw new DataFormatError(`${source}: empty file, expected a header row.`);
  const header = splitLine(lines[li], source, li + 1).map((h) => h.trim());
  const nCols = header.length;
  const labelName = options.label ?? header[nCols - 1];
  const labelCol = header.indexOf(labelName);
  if (labelCol < 0) {
    throw new DataFormatError(
      `${source}: no label column "${labelName}"; the columns are ${header.map((h) => `"${h}"`).join(', ')}.`,
    );
  }
  const featureCols: number[] = [];
  for (let j = 0; j < nCols; j++) if (j !== labelCol) featureCols.push(j);
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
      const v = cell.trim() === '' ? NaN : Number(cell);
      if (!Number.isFinite(v)) {
        throw new DataFormatError(
          `${source}, line ${l + 1}, column "${header[featureCols[f]]}": ${JSON.stringify(cell)} is not a finite number.`,
        );
      }
      values[n * d + f] = v;
    }
    labels.push(cells[labelCol].trim());
    n++;
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
    featureNames: featureCols.map((j) => header[j]),
    classNames,
  };
}

/** Reads a CSV file (see {@link parseCsv}); errors name the file. */
export async function readCsv(path: string | URL, options: ReadCsvOptions = {}): Promise<Dataset> {
  const text = await readFile(path, 'utf8');
  return parseCsv(text, { source: String(path), ...options });
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
