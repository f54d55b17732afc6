import type { DenseMatrix } from '@tideflow/models/serving';
import { badInput, ScoringRequestError } from './errors.js';
import { fromValueRows } from './input-frame.js';
import type { InputSchema } from './input-schema.js';

/** A decimal number as CSV writes it; `NaN`, `Infinity`, hex and blanks are not numbers here. */
const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/** One CSV record: its fields and the 1-based line it starts on. */
interface CsvRecord {
  fields: string[];
  line: number;
}

/**
 * Splits CSV text into records (RFC 4180: `,` separators, `"` quoting with `""` escapes, LF or
 * CRLF line ends). Blank lines are skipped.
 *
 * @throws {@link ScoringRequestError} (400 `MALFORMED_REQUEST`) for an unterminated quote or a
 *   quote inside an unquoted field, naming the line and column.
 */
export function splitCsv(text: string): CsvRecord[] {
  const records: CsvRecord[] = [];
  let fields: string[] = [];
  let field = '';
  let line = 1;
  let start = 1;
  let quoted = false;
  let wasQuoted = false;
  let column = 0;
  const malformed = (detail: string) =>
    new ScoringRequestError(
      400,
      'MALFORMED_REQUEST',
      `CSV line ${line}, column ${column}: ${detail}`,
    );
  const endRecord = () => {
    fields.push(field);
    if (!(fields.length === 1 && fields[0] === '' && !wasQuoted))
      records.push({ fields, line: start });
    fields = [];
    field = '';
    wasQuoted = false;
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    column++;
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else {
        if (c === '\n') {
          line++;
          column = 0;
        }
        field += c;
      }
    } else if (c === '"') {
      if (field !== '' || wasQuoted) throw malformed('a quote inside an unquoted field.');
      quoted = true;
      wasQuoted = true;
    } else if (c === ',') {
      fields.push(field);
      field = '';
      wasQuoted = false;
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      endRecord();
      line++;
      column = 0;
      start = line;
    } else if (wasQuoted) {
      throw malformed('text after a closing quote.');
    } else field += c;
  }
  if (quoted) throw malformed('a quoted field is not closed.');
  endRecord();
  return records;
}

/**
 * The matrix a `text/csv` scoring body holds: a header line naming the columns, then one line per
 * row of numbers, as pandas' `to_csv(index=False)` writes it (MLflow reads it with `read_csv`).
 *
 * @throws {@link ScoringRequestError} (400) naming the column, row and line that do not fit.
 */
export function readCsvInput(text: string, schema: InputSchema): DenseMatrix {
  const records = splitCsv(text);
  if (records.length === 0) throw badInput('CSV: the body is empty; send a header line and rows.');
  const [header, ...rows] = records;
  const columns = header.fields.map((f) => f.trim());
  const values = rows.map((r, i) => {
    if (r.fields.length !== columns.length) {
      throw badInput(
        `CSV: row ${i} (line ${r.line}) has ${r.fields.length} fields, the header has ${columns.length}.`,
      );
    }
    return r.fields.map((f) => {
      const t = f.trim();
      return NUMBER.test(t) ? Number(t) : t;
    });
  });
  return fromValueRows(schema, columns, values, 'CSV', (i) => `row ${i} (line ${rows[i].line})`);
}
