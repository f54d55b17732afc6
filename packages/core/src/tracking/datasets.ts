/**
 * Dataset inputs of runs, as MLflow's `log_inputs`: which data a run used (name, digest, source,
 * schema, row count) and in which context (`training`, `evaluation`, ...). The checks and limits
 * are MLflow's (`_validate_dataset_inputs`), counted in characters (code points).
 */
import { codePointLength } from './code-points.js';
import { InvalidDatasetInputError } from './errors.js';
import type { DatasetFields } from './run-matching.js';

/** Longest dataset name, as MLflow's `MAX_DATASET_NAME_SIZE`. */
export const MAX_DATASET_NAME_LENGTH = 500;
/** Longest dataset digest, as MLflow's `MAX_DATASET_DIGEST_SIZE`. */
export const MAX_DATASET_DIGEST_LENGTH = 36;
/** Longest dataset source, as MLflow's `MAX_DATASET_SOURCE_SIZE`. */
export const MAX_DATASET_SOURCE_LENGTH = 65_535;
/** Longest source type (MLflow's column is 36 characters wide). */
export const MAX_DATASET_SOURCE_TYPE_LENGTH = 36;
/** Longest schema as JSON, as MLflow's `MAX_DATASET_SCHEMA_SIZE`. */
export const MAX_DATASET_SCHEMA_LENGTH = 1_048_575;
/** Longest context, as MLflow's `MAX_INPUT_TAG_VALUE_SIZE` (the context is an input tag there). */
export const MAX_DATASET_CONTEXT_LENGTH = 500;
/** Most inputs in one `logInputs` call, as MLflow's `MAX_DATASETS_PER_BATCH`. */
export const MAX_INPUTS_PER_BATCH = 1000;

/** One column of a dataset's schema. */
export interface DatasetColumn {
  /** The column name. */
  name: string;
  /** Its data type, e.g. `double`, `long`, `string`. */
  type: string;
}

/** A dataset as stored: MLflow's `Dataset` entity, with the schema and row count unpacked. */
export interface DatasetInfo {
  /** The name, e.g. the file name. */
  name: string;
  /** A short content hash that tells versions of the data apart. */
  digest: string;
  /** What kind of source it came from, e.g. `local`, `generated`, `http`. */
  sourceType: string;
  /** Where it came from: a path, a URL or a description of the generator. */
  source: string;
  /** Its columns, or `null` when not given. */
  schema: DatasetColumn[] | null;
  /** How many rows it has, or `null` when not given. */
  numRows: number | null;
}

/** One input of a run: a dataset and the context it was used in (MLflow's `DatasetInput`). */
export interface DatasetInput {
  /** The dataset. */
  dataset: DatasetInfo;
  /** The context (`training`, `evaluation`, ...; MLflow's `mlflow.data.context` tag), or `null`. */
  context: string | null;
}

/** A dataset to log: the required name, digest and source, and what else is known. */
export interface DatasetSpec {
  /** The name (1 to 500 characters), e.g. the file name. */
  name: string;
  /** A content hash (1 to 36 characters), e.g. a prefix of a SHA-256 in hex. */
  digest: string;
  /** Where it came from (at most 65,535 characters): a path, a URL or the generator's call. */
  source: string;
  /**
   * What kind of source it is (1 to 36 characters).
   * @default 'local'
   */
  sourceType?: string;
  /** Its columns; at most 1,048,575 characters as JSON. */
  schema?: readonly DatasetColumn[];
  /** How many rows it has (a non-negative integer). */
  numRows?: number;
}

/** One input to log with `Tracker.logInputs`. */
export interface DatasetInputSpec {
  /** The dataset. */
  dataset: DatasetSpec;
  /** The context it was used in, 1 to 500 characters (e.g. `training`, `evaluation`). */
  context?: string;
}

function fail(where: string, field: string, detail: string): never {
  throw new InvalidDatasetInputError(where, field, detail);
}

function checkString(where: string, field: string, value: unknown, max: number, empty = false) {
  if (typeof value !== 'string') fail(where, field, `must be a string, got ${typeof value}`);
  if (!empty && value.length === 0) fail(where, field, 'must not be empty');
  if (value.length > max && codePointLength(value) > max)
    fail(where, field, `has ${codePointLength(value)} characters; the limit is ${max}`);
  return value;
}

function checkSchema(where: string, schema: unknown): DatasetColumn[] {
  if (!Array.isArray(schema)) fail(where, 'schema', 'must be an array of { name, type } columns');
  const columns = schema.map((c: unknown, i): DatasetColumn => {
    const column = c as Partial<DatasetColumn> | null;
    if (typeof column !== 'object' || column === null)
      fail(where, `schema[${i}]`, 'must be a { name, type } object');
    return {
      name: checkString(where, `schema[${i}].name`, column.name, MAX_DATASET_NAME_LENGTH),
      type: checkString(where, `schema[${i}].type`, column.type, MAX_DATASET_SOURCE_TYPE_LENGTH),
    };
  });
  const json = JSON.stringify(columns);
  if (json.length > MAX_DATASET_SCHEMA_LENGTH && codePointLength(json) > MAX_DATASET_SCHEMA_LENGTH)
    fail(
      where,
      'schema',
      `is ${codePointLength(json)} characters as JSON; the limit is ${MAX_DATASET_SCHEMA_LENGTH}`,
    );
  return columns;
}

/** Checks one input and completes it; `where` names it in errors (e.g. `input 2 ("iris")`). */
export function toDatasetInput(spec: DatasetInputSpec, where: string): DatasetInput {
  if (typeof spec !== 'object' || spec === null) fail(where, 'input', 'must be an object');
  const d = spec.dataset as DatasetSpec | undefined;
  if (typeof d !== 'object' || d === null) fail(where, 'dataset', 'must be an object');
  const name = checkString(where, 'name', d.name, MAX_DATASET_NAME_LENGTH);
  const at = `${where} ("${name.slice(0, 60)}")`;
  const numRows = d.numRows ?? null;
  if (numRows !== null && (!Number.isSafeInteger(numRows) || numRows < 0))
    fail(at, 'numRows', `must be a non-negative integer, got ${String(numRows)}`);
  return {
    dataset: {
      name,
      digest: checkString(at, 'digest', d.digest, MAX_DATASET_DIGEST_LENGTH),
      sourceType: checkString(
        at,
        'sourceType',
        d.sourceType ?? 'local',
        MAX_DATASET_SOURCE_TYPE_LENGTH,
      ),
      source: checkString(at, 'source', d.source, MAX_DATASET_SOURCE_LENGTH, true),
      schema: d.schema === undefined ? null : checkSchema(at, d.schema),
      numRows,
    },
    context:
      spec.context === undefined
        ? null
        : checkString(at, 'context', spec.context, MAX_DATASET_CONTEXT_LENGTH),
  };
}

/** The fields of an input that `datasets.*` search clauses see. */
export function datasetFields(input: DatasetInput): DatasetFields {
  return { name: input.dataset.name, digest: input.dataset.digest, context: input.context };
}

/** The identity of an input within a run: its dataset's name and digest, and its context. */
export function inputIdentity(input: DatasetInput): string {
  return JSON.stringify([input.dataset.name, input.dataset.digest, input.context]);
}

/**
 * Checks a `logInputs` batch (at most {@link MAX_INPUTS_PER_BATCH}) and drops repeats within it,
 * keeping the first of each identity.
 *
 * @throws InvalidDatasetInputError naming the input and the field.
 */
export function prepareDatasetInputs(specs: readonly DatasetInputSpec[]): DatasetInput[] {
  const given: unknown = specs;
  if (!Array.isArray(given)) fail('logInputs', 'inputs', 'must be an array');
  if (specs.length > MAX_INPUTS_PER_BATCH)
    fail(
      'logInputs',
      'inputs',
      `has ${specs.length} inputs; the limit is ${MAX_INPUTS_PER_BATCH} per call`,
    );
  const seen = new Set<string>();
  const out: DatasetInput[] = [];
  specs.forEach((spec, i) => {
    const input = toDatasetInput(spec, `input ${i}`);
    const id = inputIdentity(input);
    if (!seen.has(id)) out.push(input);
    seen.add(id);
  });
  return out;
}
