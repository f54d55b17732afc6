import { denseMatrix, type DenseMatrix } from '@tideflow/models/serving';
import { badInput } from './errors.js';
import type { InputSchema } from './input-schema.js';

/** The four JSON input forms of MLflow's scoring protocol. */
export const INPUT_FORMS = ['dataframe_split', 'dataframe_records', 'instances', 'inputs'] as const;

/** One of {@link INPUT_FORMS}. */
export type InputForm = (typeof INPUT_FORMS)[number];

/** Where a value sits, for error messages: `row 3 (line 5)` for CSV, `row 3` otherwise. */
type RowLabel = (row: number) => string;
const plainRow: RowLabel = (row) => `row ${row}`;

/**
 * Fills a matrix in model column order from rows given in some column order, checking every
 * value: the one place a value of any input form is checked.
 */
class MatrixBuilder {
  readonly cols: number;
  readonly data: Float64Array;
  private readonly names: readonly string[];
  private readonly integer: readonly boolean[];

  constructor(
    readonly rows: number,
    schema: InputSchema,
    given: readonly string[] | null,
    private readonly rowLabel: RowLabel = plainRow,
  ) {
    this.names = schema.names ?? given ?? [];
    this.cols = this.names.length;
    this.integer = schema.integer;
    this.data = new Float64Array(rows * this.cols);
  }

  /** Stores `value` at model position `col` of `row`, or throws a 400 naming both. */
  put(row: number, col: number, value: unknown): void {
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      throw badInput(
        `Column ${JSON.stringify(this.names[col])}, ${this.rowLabel(row)}: expected a finite number, got ${show(value)}.`,
      );
    }
    if (this.integer[col] && !Number.isInteger(value)) {
      throw badInput(
        `Column ${JSON.stringify(this.names[col])}, ${this.rowLabel(row)}: the signature types it as an integer, got ${value}.`,
      );
    }
    this.data[row * this.cols + col] = value;
  }

  matrix(): DenseMatrix {
    return denseMatrix(this.rows, this.cols, this.data);
  }
}

/** A value as a short JSON snippet for an error message. */
export function show(value: unknown): string {
  if (value === undefined) return 'nothing';
  const text = JSON.stringify(value) ?? typeof value;
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}

/**
 * For columns given by name, the model position of each; a duplicate, an unknown (extra) or a
 * missing column is a 400 naming it. Without named inputs in the signature, the given order is
 * the model's.
 */
export function matchColumns(
  schema: InputSchema,
  given: readonly string[],
  where: string,
): Int32Array {
  const seen = new Set<string>();
  for (const name of given) {
    if (seen.has(name)) throw badInput(`${where}: column ${JSON.stringify(name)} appears twice.`);
    seen.add(name);
  }
  if (schema.names === null) return Int32Array.from(given, (_, i) => i);
  const expected = schema.names.map((n) => JSON.stringify(n)).join(', ');
  const positions = Int32Array.from(given, (name) => {
    const at = schema.positions.get(name);
    if (at === undefined) {
      throw badInput(
        `${where}: unexpected column ${JSON.stringify(name)}; the model's signature has ${expected}.`,
      );
    }
    return at;
  });
  for (const name of schema.names) {
    if (!seen.has(name)) {
      throw badInput(
        `${where}: missing column ${JSON.stringify(name)}; the model's signature has ${expected}.`,
      );
    }
  }
  return positions;
}

/** Rows of values in the order of `columns` (dataframe_split, CSV). */
export function fromValueRows(
  schema: InputSchema,
  columns: readonly string[],
  rows: readonly unknown[],
  where: string,
  rowLabel: RowLabel = plainRow,
): DenseMatrix {
  const positions = matchColumns(schema, columns, where);
  const out = new MatrixBuilder(rows.length, schema, columns, rowLabel);
  for (let i = 0; i < rows.length; i++) {
    const values = rows[i];
    if (!Array.isArray(values)) {
      throw badInput(`${where}: ${rowLabel(i)} is ${show(values)}, not an array of values.`);
    }
    if (values.length !== positions.length) {
      throw badInput(
        `${where}: ${rowLabel(i)} has ${values.length} values for ${positions.length} columns.`,
      );
    }
    for (let j = 0; j < positions.length; j++) out.put(i, positions[j], values[j]);
  }
  return out.matrix();
}

/** Rows given positionally, in the model's column order (instances / inputs as arrays). */
function fromPositionalRows(schema: InputSchema, rows: readonly unknown[], where: string) {
  const first = rows[0];
  const width = schema.names?.length ?? (Array.isArray(first) ? first.length : 0);
  const columns = schema.names ?? Array.from({ length: width }, (_, i) => `${i}`);
  const positional: InputSchema = {
    names: columns,
    positions: new Map(columns.map((n, i) => [n, i])),
    integer: schema.integer,
  };
  return fromValueRows(positional, columns, rows, where);
}

/** Rows as objects of column → value (dataframe_records, instances as objects). */
function fromRecords(schema: InputSchema, records: readonly unknown[], where: string) {
  const first = records[0];
  const given = schema.names ?? (isRecord(first) ? Object.keys(first) : []);
  const positions = schema.names === null ? matchColumns(schema, given, where) : null;
  const fixed: InputSchema =
    schema.names === null
      ? { names: given, positions: new Map(given.map((n, i) => [n, positions![i]])), integer: [] }
      : schema;
  const names = fixed.names!;
  const out = new MatrixBuilder(records.length, fixed, given);
  for (let i = 0; i < records.length; i++) {
    const record = records[i];
    if (!isRecord(record)) {
      throw badInput(`${where}: row ${i} is ${show(record)}, not an object of column → value.`);
    }
    const keys = Object.keys(record);
    for (const key of keys) {
      const at = fixed.positions.get(key);
      if (at === undefined) {
        throw badInput(
          `${where}: unexpected column ${JSON.stringify(key)} in row ${i}; the model's signature has ${names.map((n) => JSON.stringify(n)).join(', ')}.`,
        );
      }
      out.put(i, at, record[key]);
    }
    if (keys.length !== names.length) {
      const missing = names.find((n) => !Object.hasOwn(record, n));
      throw badInput(`${where}: missing column ${JSON.stringify(missing)} in row ${i}.`);
    }
  }
  return out.matrix();
}

/** Columns as arrays of values (inputs as an object). */
function fromColumns(schema: InputSchema, columns: Record<string, unknown>, where: string) {
  const names = Object.keys(columns);
  const positions = matchColumns(schema, names, where);
  const lengths = names.map((n) => {
    const values = columns[n];
    if (!Array.isArray(values)) {
      throw badInput(`${where}: column ${JSON.stringify(n)} is ${show(values)}, not an array.`);
    }
    return values.length;
  });
  const rows = lengths[0] ?? 0;
  const out = new MatrixBuilder(rows, schema, names);
  names.forEach((name, j) => {
    if (lengths[j] !== rows) {
      throw badInput(
        `${where}: column ${JSON.stringify(name)} has ${lengths[j]} values, column ${JSON.stringify(names[0])} has ${rows}.`,
      );
    }
    const values = columns[name] as unknown[];
    for (let i = 0; i < rows; i++) out.put(i, positions[j], values[i]);
  });
  return out.matrix();
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Rows as a list: arrays (positional) or objects (by name), not mixed. */
function fromRowList(schema: InputSchema, rows: readonly unknown[], where: string) {
  return isRecord(rows[0])
    ? fromRecords(schema, rows, where)
    : fromPositionalRows(schema, rows, where);
}

/**
 * The matrix a JSON scoring body holds, in model column order. The body has passed the request
 * schema (an object with the known keys, each of the right JSON type); this checks that exactly
 * one input form is given and every column and value against the signature.
 *
 * @throws {@link ScoringRequestError} (400) naming the form, column and row that do not fit.
 */
export function readJsonInput(body: Record<string, unknown>, schema: InputSchema): DenseMatrix {
  const forms = INPUT_FORMS.filter((f) => body[f] !== undefined);
  if (forms.length !== 1) {
    throw badInput(
      forms.length === 0
        ? `The body holds no input: give one of ${INPUT_FORMS.join(', ')}.`
        : `The body holds ${forms.join(' and ')}: give exactly one input form.`,
    );
  }
  const form = forms[0];
  const value = body[form];
  switch (form) {
    case 'dataframe_split': {
      const split = value as { columns?: string[]; data: unknown[] };
      if (split.columns === undefined) {
        if (schema.names !== null) {
          throw badInput(
            `dataframe_split: give "columns" (the model's signature has ${schema.names.map((n) => JSON.stringify(n)).join(', ')}).`,
          );
        }
        return fromPositionalRows(schema, split.data, form);
      }
      return fromValueRows(schema, split.columns, split.data, form);
    }
    case 'dataframe_records':
      return fromRecords(schema, value as unknown[], form);
    case 'instances':
      return fromRowList(schema, value as unknown[], form);
    case 'inputs':
      return Array.isArray(value)
        ? fromRowList(schema, value, form)
        : fromColumns(schema, value as Record<string, unknown>, form);
  }
}
