import { likeToRegExp } from '@tideflow/core/store';
import { ApiError } from '../api-error.js';

/** One clause of a registry search filter, as a test of a field's value. */
type Test = (value: string) => boolean;

/** A parsed registry filter: every clause must hold. */
export interface RegistryFilter {
  /** Whether every clause holds for a record's fields (a field it lacks counts as `''`). */
  (fields: Readonly<Record<string, string>>): boolean;
  /**
   * Whether the clauses on `field` hold for `value`, whatever the other fields are: `false`
   * rules out every record with that value, so a search need not read them.
   */
  allows(field: string, value: string): boolean;
}

const TOKEN =
  /\s*(?:(?<str>'(?:[^']|'')*'|"(?:[^"]|"")*")|(?<op>!=|=|\(|\)|,)|(?<word>[A-Za-z_][A-Za-z0-9_.]*))/y;

/**
 * Parses MLflow's registry filter (`search_registered_models`, `search_model_versions`): clauses
 * `<field> = | != | LIKE | ILIKE '<text>'` and `<field> IN ('a', 'b')`, joined by `AND`, over the
 * given fields. An empty filter matches everything.
 *
 * @throws ApiError 400 `INVALID_PARAMETER_VALUE` naming the position and what was expected.
 */
export function parseRegistryFilter(text: string, fields: readonly string[]): RegistryFilter {
  const tokens: { kind: 'str' | 'op' | 'word'; text: string; at: number }[] = [];
  let i = 0;
  while (i < text.length) {
    if (/^\s*$/.test(text.slice(i))) break;
    TOKEN.lastIndex = i;
    const m = TOKEN.exec(text);
    if (!m?.groups) fail(text, i, 'a field, an operator or a quoted value');
    const kind = m.groups.str !== undefined ? 'str' : m.groups.op !== undefined ? 'op' : 'word';
    const raw = m.groups[kind];
    tokens.push({ kind, text: raw, at: TOKEN.lastIndex - raw.length });
    i = TOKEN.lastIndex;
  }
  let p = 0;
  const next = () => tokens[p++];
  const at = () => tokens[p]?.at ?? text.length;
  const str = (): string => {
    const t = next();
    if (t?.kind !== 'str') fail(text, t?.at ?? text.length, 'a quoted value');
    const q = t.text[0];
    return t.text.slice(1, -1).replaceAll(q + q, q);
  };
  const clauses: [string, Test][] = [];
  while (p < tokens.length) {
    if (clauses.length > 0) {
      const and = next();
      if (and.kind !== 'word' || and.text.toUpperCase() !== 'AND') fail(text, and.at, '"AND"');
    }
    const field = next();
    if (field?.kind !== 'word' || !fields.includes(field.text))
      fail(text, field?.at ?? text.length, `a field (${fields.join(', ')})`);
    const op = next();
    const name = op?.text.toUpperCase();
    if (name === '=' || name === '!=') {
      const v = str();
      clauses.push([field.text, name === '=' ? (x) => x === v : (x) => x !== v]);
    } else if (name === 'LIKE' || name === 'ILIKE') {
      const re = likeToRegExp(str(), name === 'ILIKE');
      clauses.push([field.text, (x) => re.test(x)]);
    } else if (name === 'IN') {
      if (next()?.text !== '(') fail(text, at(), '"("');
      const values = new Set([str()]);
      while (tokens[p]?.text === ',') {
        p++;
        values.add(str());
      }
      if (next()?.text !== ')') fail(text, at(), '")"');
      clauses.push([field.text, (x) => values.has(x)]);
    } else fail(text, op?.at ?? text.length, 'an operator (=, !=, LIKE, ILIKE, IN)');
  }
  const matches = (values: Readonly<Record<string, string>>) =>
    clauses.every(([f, test]) => test(values[f] ?? ''));
  const allows = (field: string, value: string) =>
    clauses.every(([f, test]) => f !== field || test(value));
  return Object.assign(matches, { allows });
}

function fail(text: string, at: number, expected: string): never {
  throw new ApiError(
    400,
    'INVALID_PARAMETER_VALUE',
    `Invalid filter ${JSON.stringify(text)}: expected ${expected} at position ${at}.`,
  );
}
