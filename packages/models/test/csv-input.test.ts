import { describe, expect, it } from 'vitest';
import { DataFormatError, parseCsv, readCsv } from '../src/index.js';

/** The DataFormatError message of parsing `text` as data.csv. */
function csvError(text: string, options: { label?: string; featureNames?: string[] } = {}): string {
  try {
    parseCsv(text, { source: 'data.csv', ...options });
  } catch (e) {
    expect(e).toBeInstanceOf(DataFormatError);
    expect((e as DataFormatError).code).toBe('DATA_FORMAT');
    return (e as Error).message;
  }
  throw new Error('no error');
}

describe('CSV loader: malformed files name the file, line and column', () => {
  it('refuses duplicate and unnamed column names', () => {
    expect(csvError('label,f1,label\n0,1,0\n')).toBe(
      'data.csv, line 1: duplicate column name "label"; every column needs its own name.',
    );
    expect(csvError('a,a,b,b,c\n1,2,3,4,0\n')).toMatch(/duplicate column names "a", "b"/);
    expect(csvError('a,,label\n1,2,0\n')).toMatch(/line 1: column 2 has no name/);
  });

  it('refuses empty label cells', () => {
    expect(csvError('x,y,label\n1,2,a\n3,4,\n5,6,b\n')).toBe(
      'data.csv, line 3, column "label": empty label; every row needs a class.',
    );
    expect(csvError('x,cls,y\n1, ,2\n', { label: 'cls' })).toMatch(
      /line 2, column "cls": empty label/,
    );
  });

  it('says when a file is not comma-separated', () => {
    expect(csvError('a;b;label\n1;2;0\n3;4;1\n')).toBe(
      'data.csv, line 1: the header has one column ("a;b;label"), so there are no feature columns; it looks ";"-separated, but CSV files must be comma-separated.',
    );
    expect(csvError('a\tb\tlabel\n1\t2\t0\n')).toMatch(/looks "\\t"-separated/);
    expect(csvError('label\n0\n1\n')).toMatch(
      /one column \("label"\), so there are no feature columns/,
    );
  });

  it('refuses header-only files and reads CR-only line endings', () => {
    expect(csvError('x,y,label\n')).toBe('data.csv: no data rows after the header (line 1).');
    expect(csvError('\n\nx,y,label\n\n')).toMatch(/no data rows after the header \(line 3\)/);
    expect(csvError('x,y,label\r')).toMatch(/no data rows/);
    const cr = parseCsv('x,y,label\r1,2,a\r3,4,b\r', { source: 'cr.csv' });
    expect(Array.from(cr.X.data)).toEqual([1, 2, 3, 4]);
    expect(cr.classNames).toEqual(['a', 'b']);
    const bom = parseCsv('\uFEFFx,label\n1,a\n');
    expect(bom.featureNames).toEqual(['x']);
  });

  it('reads only decimal numbers: 0x10, 0b1 and 0o7 are not 16, 1 and 7', () => {
    for (const cell of ['0x10', '0b1', '0o7', '1e999', 'Infinity', 'NaN']) {
      expect(csvError(`x,y,label\n1,${cell},0\n`)).toMatch(
        new RegExp(`line 2, column "y": "${cell}" is not a finite decimal number`),
      );
    }
    const ok = parseCsv('x,label\n-1.5e3,a\n+.25,b\n 7 ,a\n');
    expect(Array.from(ok.X.data)).toEqual([-1500, 0.25, 7]);
  });

  it('hints at the label option when a text column is read as a feature', () => {
    expect(csvError('species,a,b\nsetosa,1,2\n')).toBe(
      'data.csv, line 2, column "species": "setosa" is not a finite decimal number; if "species" is the label column, name it (label option, --label species).',
    );
    expect(csvError('species,a,b\nsetosa,1,2\n', { label: 'b' })).toBe(
      'data.csv, line 2, column "species": "setosa" is not a finite decimal number.',
    );
  });

  it('names a missing file instead of a raw ENOENT', async () => {
    const error = await readCsv('/nonexistent/nope.csv').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DataFormatError);
    expect((error as Error).message).toBe(
      '/nonexistent/nope.csv: cannot read the data file: no such file.',
    );
  });
});

describe('CSV loader: feature columns matched by header name', () => {
  const train = 'a,b,c,label\n1,2,3,x\n4,5,6,y\n';
  it('reorders the columns of a file to the given feature names', () => {
    const swapped = parseCsv('c,label,a,b\n3,x,1,2\n6,y,4,5\n', { featureNames: ['a', 'b', 'c'] });
    const same = parseCsv(train);
    expect(swapped.featureNames).toEqual(['a', 'b', 'c']);
    expect(Array.from(swapped.X.data)).toEqual(Array.from(same.X.data));
    expect(Array.from(swapped.y)).toEqual(Array.from(same.y));
  });

  it('names missing and extra columns', () => {
    const names = ['a', 'b', 'c'];
    expect(csvError('a,b,label\n1,2,x\n', { featureNames: names })).toBe(
      'data.csv: the feature columns do not match the training data\'s "a", "b", "c": missing "c".',
    );
    expect(csvError('a,b,c,d,label\n1,2,3,4,x\n', { featureNames: names })).toMatch(
      /do not match the training data's "a", "b", "c": extra "d"\.$/,
    );
    expect(csvError('a,b,e,label\n1,2,3,x\n', { featureNames: names })).toMatch(
      /missing "c", extra "e"\.$/,
    );
  });
});
