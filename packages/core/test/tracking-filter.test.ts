import { describe, expect, it } from 'vitest';
import { FilterSyntaxError, parseOrderBy, parseSearchFilter, TideflowError } from '@tideflow/core';
import { codePointLength, compareCodePoints } from '../src/tracking/code-points.js';
import { parseOrderByList } from '../src/tracking/filter.js';
import { likeToRegExp } from '../src/tracking/run-matching.js';

function syntaxError(filter: string): FilterSyntaxError {
  try {
    parseSearchFilter(filter);
  } catch (e) {
    if (e instanceof FilterSyntaxError) return e;
    throw e;
  }
  throw new Error(`"${filter}" parsed without error`);
}

describe('parseSearchFilter', () => {
  it('parses the MLflow example into four clauses', () => {
    expect(
      parseSearchFilter(
        "metrics.acc > 0.9 and params.model = 'svm' and tags.x LIKE 'a%' and attributes.status = 'FINISHED'",
      ),
    ).toEqual([
      { entity: 'metric', key: 'acc', op: '>', value: 0.9 },
      { entity: 'param', key: 'model', op: '=', value: 'svm' },
      { entity: 'tag', key: 'x', op: 'LIKE', value: 'a%' },
      { entity: 'attribute', key: 'status', op: '=', value: 'FINISHED' },
    ]);
  });

  it('reads backquoted and double-quoted names, dotted keys, aliases and number forms', () => {
    expect(parseSearchFilter('metrics.`val loss` <= -1.5e-3')).toEqual([
      { entity: 'metric', key: 'val loss', op: '<=', value: -0.0015 },
    ]);
    expect(parseSearchFilter('metric."a b" != .5')).toEqual([
      { entity: 'metric', key: 'a b', op: '!=', value: 0.5 },
    ]);
    expect(parseSearchFilter("tags.tideflow.runName = 'x'")[0].key).toBe('tideflow.runName');
    expect(parseSearchFilter('metrics.layer.1 > 0')[0].key).toBe('layer.1');
    expect(parseSearchFilter('metrics.1st > 0')[0].key).toBe('1st');
    expect(parseSearchFilter('attr.created >= 5')[0]).toEqual({
      entity: 'attribute',
      key: 'start_time',
      op: '>=',
      value: 5,
    });
    expect(parseSearchFilter("run.run_id IN ('a','b')")[0]).toEqual({
      entity: 'attribute',
      key: 'run_id',
      op: 'IN',
      value: ['a', 'b'],
    });
    expect(parseSearchFilter("params.q = 'it''s'")[0].value).toBe("it's");
    expect(parseSearchFilter('  ')).toEqual([]);
    expect(parseSearchFilter(undefined)).toEqual([]);
  });

  it('points at the offending position in its message', () => {
    const e = syntaxError("metrics.acc > 0.9 OR params.a = 'x'");
    expect(e).toBeInstanceOf(TideflowError);
    expect(e.code).toBe('FILTER_SYNTAX');
    expect(e.position).toBe(18);
    expect(e.message).toContain('OR is not supported');
    expect(e.message.split('\n')[2]).toBe(' '.repeat(2 + 18) + '^');
  });

  it('rejects each kind of malformed filter', () => {
    const cases: [string, number, RegExp][] = [
      ['metrics', 7, /expected "\."/],
      ['metrics. = 1', 9, /expected a key name/],
      ['metrics.a ~ 1', 10, /unexpected character/],
      ['metrics.a 1', 10, /comparison operator/],
      ['metrics.a NOT LIKE 1', 14, /expected IN after NOT/],
      ['tags.a IS 1', 10, /NULL or NOT NULL/],
      ['attributes.status IS NULL', 18, /not supported/],
      ["params.a > 'x'", 9, /not supported for params\.a/],
      ["params.a IN ('x')", 9, /only supported for datasets\.\* and attributes/],
      ["attributes.run_id IN 'x'", 21, /expected "\("/],
      ['attributes.run_id IN (1)', 22, /quoted string in the IN list/],
      ["attributes.run_id IN ('a' 'b')", 26, /"," or "\)"/],
      ['metrics.acc > 1 and', 19, /expected a name/],
      ['metrics.`` > 1', 0, /empty key/],
    ];
    for (const [filter, position, message] of cases) {
      const e = syntaxError(filter);
      expect({ filter, position: e.position }).toEqual({ filter, position });
      expect(e.message).toMatch(message);
    }
  });
});

describe('MLflow names', () => {
  it('reads datasets.* clauses, bare and back-quoted attribute names', () => {
    expect(
      parseSearchFilter("datasets.digest = 'ab12' and datasets.context IN ('training', 'eval')"),
    ).toEqual([
      { entity: 'dataset', key: 'digest', op: '=', value: 'ab12' },
      { entity: 'dataset', key: 'context', op: 'IN', value: ['training', 'eval'] },
    ]);
    expect(parseSearchFilter("`run name` = 'x'")[0]).toMatchObject({ key: 'run_name' });
    expect(parseSearchFilter("`attributes`.`Run name` = 'x'")[0]).toMatchObject({
      entity: 'attribute',
      key: 'run_name',
    });
    expect(parseSearchFilter('end_time IS NULL')[0]).toMatchObject({ key: 'end_time' });
    expect(syntaxError("datasets.size = '1'").message).toMatch(/unknown dataset field "size"/);
    expect(syntaxError('datasets.digest IS NULL').message).toMatch(/not supported/);
  });

  it('refuses ordering by datasets and a field named twice', () => {
    expect(() => parseOrderBy('datasets.name')).toThrow(/cannot be ordered by datasets/);
    expect(() => parseOrderByList(['metrics.a', 'metric.a DESC'])).toThrow(/duplicate fields/);
    expect(parseOrderByList(['metrics.a', 'params.a'])).toHaveLength(2);
  });
});

describe('code points', () => {
  it('compares by code point and counts surrogate pairs once', () => {
    expect(compareCodePoints('\uFF21', '\u{1F600}')).toBeLessThan(0);
    expect('\uFF21' < '\u{1F600}').toBe(false);
    expect(compareCodePoints('a', 'ab')).toBeLessThan(0);
    expect(compareCodePoints('\u{1F600}x', '\u{1F600}x')).toBe(0);
    expect(compareCodePoints('\u{1F601}', '\u{1F600}')).toBeGreaterThan(0);
    expect(codePointLength('\u{1F600}'.repeat(3) + 'ab')).toBe(5);
    expect(codePointLength('\uD83D')).toBe(1);
  });
});

describe('parseOrderBy', () => {
  it('parses a direction, defaulting to ascending', () => {
    expect(parseOrderBy('metrics.acc DESC')).toEqual({
      entity: 'metric',
      key: 'acc',
      ascending: false,
    });
    expect(parseOrderBy('params.`learning rate` asc')).toEqual({
      entity: 'param',
      key: 'learning rate',
      ascending: true,
    });
    expect(parseOrderBy('attributes.start_time')).toEqual({
      entity: 'attribute',
      key: 'start_time',
      ascending: true,
    });
  });

  it('rejects junk after the direction and empty clauses', () => {
    expect(() => parseOrderBy('metrics.acc DESC extra')).toThrow(FilterSyntaxError);
    expect(() => parseOrderBy(' ')).toThrow(/empty order-by/);
  });
});

describe('likeToRegExp', () => {
  it('treats % and _ as wildcards and every other character literally', () => {
    expect(likeToRegExp('a.c%', false).test('a.cdef')).toBe(true);
    expect(likeToRegExp('a.c%', false).test('abcdef')).toBe(false);
    expect(likeToRegExp('a_c', false).test('abc')).toBe(true);
    expect(likeToRegExp('a_c', false).test('ac')).toBe(false);
    expect(likeToRegExp('(x)*', false).test('(x)*')).toBe(true);
    expect(likeToRegExp('ABC', true).test('abc')).toBe(true);
    expect(likeToRegExp('ABC', false).test('abc')).toBe(false);
    expect(likeToRegExp('%\n%', false).test('a\nb')).toBe(true);
  });
});
