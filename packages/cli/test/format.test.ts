import { describe, expect, it } from 'vitest';
import { renderTable, truncate } from '../src/format/table.js';
import { formatBytes, formatDuration, formatNumber } from '../src/format/values.js';

describe('renderTable', () => {
  it('pads columns, right-aligns numbers and trims trailing space', () => {
    const out = renderTable(
      [{ header: 'NAME' }, { header: 'N', align: 'right' }],
      [
        ['a', '1'],
        ['bbb', '22'],
      ],
    );
    expect(out).toBe('NAME   N\na      1\nbbb   22\n');
  });

  it('shrinks the widest columns first, never below their minimum, to fit the width', () => {
    const long = 'x'.repeat(100);
    const out = renderTable(
      [{ header: 'ID', min: 8 }, { header: 'TEXT' }, { header: 'MORE' }],
      [['12345678', long, long]],
      40,
    );
    const [, row] = out.split('\n');
    expect([...row].length).toBe(40);
    expect(row.startsWith('12345678  ')).toBe(true);
    expect(row.endsWith('…')).toBe(true);
    expect(row.split('  ').map((c) => [...c].length)).toEqual([8, 14, 14]);
  });
});

describe('value formats', () => {
  it('truncates with an ellipsis', () => {
    expect(truncate('abcdef', 4)).toBe('abc…');
    expect(truncate('abc', 4)).toBe('abc');
    expect(truncate('abc', 1)).toBe('a');
  });

  it('formats durations, numbers and sizes', () => {
    expect([850, 12_340, 245_000, 7_380_000, null, -1].map(formatDuration)).toEqual([
      '850ms',
      '12.3s',
      '4m05s',
      '2h03m',
      '-',
      '-',
    ]);
    expect([0.123456789, 42, Number.NaN, -Infinity, 1e-9, undefined].map(formatNumber)).toEqual([
      '0.123457',
      '42',
      'NaN',
      '-Infinity',
      '1e-9',
      '-',
    ]);
    expect([512, 1536, 3 * 1024 * 1024].map(formatBytes)).toEqual(['512 B', '1.5 KiB', '3.0 MiB']);
  });
});
