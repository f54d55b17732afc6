import { DataFormatError } from '../errors.js';

/** Which columns of a CSV file hold the label and the features, in the order they are read. */
export interface CsvColumns {
  /** Index of the label column in the file. */
  readonly labelCol: number;
  /** Index in the file of each feature, in feature order. */
  readonly featureCols: readonly number[];
  /** The features' names, in feature order. */
  readonly featureNames: readonly string[];
}

const list = (names: readonly string[]): string => names.map((h) => `"${h}"`).join(', ');

/** The separator a one-column header seems to use instead of commas, if any. */
function otherSeparator(header: string): string | undefined {
  return [';', '\t', '|'].find((sep) => header.includes(sep));
}

/**
 * Resolves the label and feature columns of a CSV header, or throws a `DataFormatError` naming the
 * file: unnamed or duplicate columns, a missing label column, no feature column (with a hint when
 * the header looks `;`- or tab-separated) and, when `featureNames` is given, missing or extra
 * feature columns. Without `label`, the label is the last column, or with `featureNames` the one
 * column that is not a feature.
 */
export function resolveColumns(
  header: readonly string[],
  source: string,
  options: { label?: string; featureNames?: readonly string[] },
): CsvColumns {
  const unnamed = header.findIndex((h) => h === '');
  if (unnamed >= 0) {
    throw new DataFormatError(
      `${source}, line 1: column ${unnamed + 1} has no name; the header must name every column.`,
    );
  }
  const duplicates = [...new Set(header.filter((h, i) => header.indexOf(h) !== i))];
  if (duplicates.length) {
    throw new DataFormatError(
      `${source}, line 1: duplicate column name${duplicates.length > 1 ? 's' : ''} ${list(duplicates)}; every column needs its own name.`,
    );
  }
  if (header.length < 2) {
    const sep = otherSeparator(header[0] ?? '');
    throw new DataFormatError(
      `${source}, line 1: the header has one column (${list(header)}), so there are no feature columns` +
        (sep
          ? `; it looks ${JSON.stringify(sep)}-separated, but CSV files must be comma-separated.`
          : '; expected feature columns and a label column, separated by commas.'),
    );
  }
  // A file read against known features (a test file) has one other column: that is the label.
  const others = options.featureNames && header.filter((h) => !options.featureNames!.includes(h));
  const labelName = options.label ?? (others?.length === 1 ? others[0] : header[header.length - 1]);
  const labelCol = header.indexOf(labelName);
  if (labelCol < 0) {
    throw new DataFormatError(
      `${source}: no label column "${labelName}"; the columns are ${list(header)}.`,
    );
  }
  const present = header.filter((_, j) => j !== labelCol);
  const wanted = options.featureNames;
  if (!wanted) {
    const featureCols = header.map((_, j) => j).filter((j) => j !== labelCol);
    return { labelCol, featureCols, featureNames: present };
  }
  const missing = wanted.filter((name) => !present.includes(name));
  const extra = present.filter((name) => !wanted.includes(name));
  if (missing.length || extra.length) {
    throw new DataFormatError(
      `${source}: the feature columns do not match the training data's ${list(wanted)}:` +
        (missing.length ? ` missing ${list(missing)}` : '') +
        (missing.length && extra.length ? ',' : '') +
        (extra.length ? ` extra ${list(extra)}` : '') +
        '.',
    );
  }
  return {
    labelCol,
    featureCols: wanted.map((name) => header.indexOf(name)),
    featureNames: wanted,
  };
}
