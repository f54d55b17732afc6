import { FilterSyntaxError } from './errors.js';
import type { Run } from './tracker.js';

// A hand-written scanner and parser: MLflow's grammar (AND-joined comparisons, quoted and
// backquoted names) is small, and we need exact error positions, which generic SQL parsers for
// JS do not report for this dialect.

/** What a filter or order-by clause refers to. */
export type FilterEntity = 'metric' | 'param' | 'tag' | 'attribute';

/** A comparison operator of a filter clause. */
export type FilterOperator =
  | '='
  | '!='
  | '>'
  | '>='
  | '<'
  | '<='
  | 'LIKE'
  | 'ILIKE'
  | 'IN'
  | 'NOT IN'
  | 'IS NULL'
  | 'IS NOT NULL';

/** A run attribute usable in filters and order-by clauses. */
export type RunAttribute =
  'run_id' | 'run_name' | 'status' | 'experiment_id' | 'start_time' | 'end_time';

/** One parsed filter clause. */
export interface FilterClause {
  /** What the clause refers to. */
  entity: FilterEntity;
  /** The metric/param/tag key, or the {@link RunAttribute}. */
  key: string;
  /** The operator. */
  op: FilterOperator;
  /** The value: a number for metrics and time attributes, a string, a list for `IN`, `null` for `IS NULL`. */
  value: number | string | string[] | null;
}

/** One parsed order-by clause. */
export interface OrderByClause {
  /** What the clause sorts on. */
  entity: FilterEntity;
  /** The metric/param/tag key, or the {@link RunAttribute}. */
  key: string;
  /** `true` for ASC (the default), `false` for DESC. */
  ascending: boolean;
}

const ENTITY_ALIASES: Record<string, FilterEntity> = {
  metric: 'metric',
  metrics: 'metric',
  param: 'param',
  params: 'param',
  parameter: 'param',
  parameters: 'param',
  tag: 'tag',
  tags: 'tag',
  attribute: 'attribute',
  attributes: 'attribute',
  attr: 'attribute',
  run: 'attribute',
};

const ATTRIBUTE_ALIASES: Record<string, RunAttribute> = {
  run_id: 'run_id',
  run_name: 'run_name',
  status: 'status',
  experiment_id: 'experiment_id',
  start_time: 'start_time',
  created: 'start_time',
  end_time: 'end_time',
};

/** Attributes compared as numbers; the others are strings. */
const NUMERIC_ATTRIBUTES = new Set<string>(['start_time', 'end_time']);

type TokenKind =
  | 'ident'
  | 'quoted'
  | 'backquoted'
  | 'number'
  | 'op'
  | 'dot'
  | 'lparen'
  | 'rparen'
  | 'comma'
  | 'end';

interface Token {
  kind: TokenKind;
  text: string;
  pos: number;
}

const IDENT_CHAR = /[A-Za-z0-9_\-/:]/;

function tokenize(input: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < input.length) {
    const c = input[i];
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const start = i;
    if (c === "'" || c === '"' || c === '`') {
      // Quotes are escaped by doubling, as in SQL: 'it''s'.
      let text = '';
      i++;
      for (;;) {
        if (i >= input.length)
          throw new FilterSyntaxError(input, start, 'unterminated quoted text');
        if (input[i] === c) {
          if (input[i + 1] === c) {
            text += c;
            i += 2;
            continue;
          }
          i++;
          break;
        }
        text += input[i++];
      }
      tokens.push({ kind: c === '`' ? 'backquoted' : 'quoted', text, pos: start });
      continue;
    }
    const two = input.slice(i, i + 2);
    if (two === '!=' || two === '>=' || two === '<=' || two === '<>') {
      tokens.push({ kind: 'op', text: two === '<>' ? '!=' : two, pos: start });
      i += 2;
      continue;
    }
    if (c === '=' || c === '>' || c === '<') {
      tokens.push({ kind: 'op', text: c, pos: start });
      i++;
      continue;
    }
    const prev = tokens.at(-1);
    const adjacent = prev !== undefined && prev.pos + prev.text.length === i;
    if (c === '.' && adjacent && prev.kind === 'ident') {
      tokens.push({ kind: 'dot', text: '.', pos: start });
      i++;
      continue;
    }
    if (adjacent && prev.kind === 'dot' && IDENT_CHAR.test(c)) {
      // Right after "name." comes a key, which may start with a digit: "metrics.1st".
      while (i < input.length && IDENT_CHAR.test(input[i])) i++;
      tokens.push({ kind: 'ident', text: input.slice(start, i), pos: start });
      continue;
    }
    if (c === '(' || c === ')' || c === ',') {
      tokens.push({
        kind: c === '(' ? 'lparen' : c === ')' ? 'rparen' : 'comma',
        text: c,
        pos: start,
      });
      i++;
      continue;
    }
    const num = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/.exec(input.slice(i));
    if (num && (c !== '+' && c !== '-' ? true : tokens.at(-1)?.kind === 'op')) {
      tokens.push({ kind: 'number', text: num[0], pos: start });
      i += num[0].length;
      continue;
    }
    if (IDENT_CHAR.test(c)) {
      while (i < input.length && IDENT_CHAR.test(input[i])) i++;
      tokens.push({ kind: 'ident', text: input.slice(start, i), pos: start });
      continue;
    }
    throw new FilterSyntaxError(input, start, `unexpected character ${JSON.stringify(c)}`);
  }
  tokens.push({ kind: 'end', text: '', pos: input.length });
  return tokens;
}

class Parser {
  private i = 0;
  constructor(
    private readonly input: string,
    private readonly tokens: Token[],
  ) {}

  peek(): Token {
    return this.tokens[this.i];
  }

  next(): Token {
    return this.tokens[this.i++];
  }

  fail(token: Token, detail: string): never {
    throw new FilterSyntaxError(this.input, token.pos, detail);
  }

  isWord(token: Token, word: string): boolean {
    return token.kind === 'ident' && token.text.toUpperCase() === word;
  }

  /** `entity.key`, where key is bare (may contain dots), backquoted or double-quoted. */
  identifier(): { entity: FilterEntity; key: string; pos: number } {
    const head = this.next();
    if (head.kind !== 'ident')
      this.fail(
        head,
        'expected a name like metrics.<key>, params.<key>, tags.<key> or attributes.<name>',
      );
    // A bare head may already hold the dotted key ("tags.a.b" scans as one identifier).
    const dot = head.text.indexOf('.');
    const entityWord = dot < 0 ? head.text : head.text.slice(0, dot);
    const entity = ENTITY_ALIASES[entityWord.toLowerCase()];
    if (!entity) {
      this.fail(head, `unknown entity "${entityWord}"; use metrics, params, tags or attributes`);
    }
    let key: string;
    if (dot >= 0) {
      key = head.text.slice(dot + 1);
    } else {
      const sep = this.next();
      if (sep.kind !== 'dot') this.fail(sep, `expected "." after "${entityWord}"`);
      const k = this.next();
      if (
        k.kind === 'ident' ||
        k.kind === 'backquoted' ||
        (k.kind === 'quoted' && this.input[k.pos] === '"')
      ) {
        key = k.text;
      } else {
        this.fail(
          k,
          'expected a key name (backquote names with spaces or symbols: metrics.`my key`)',
        );
      }
    }
    if (key === '') this.fail(head, 'empty key name');
    if (entity === 'attribute') {
      const attribute = ATTRIBUTE_ALIASES[key.toLowerCase()];
      if (!attribute) {
        this.fail(
          head,
          `unknown attribute "${key}"; use one of ${Object.keys(ATTRIBUTE_ALIASES).join(', ')}`,
        );
      }
      key = attribute;
    }
    return { entity, key, pos: head.pos };
  }

  clause(): FilterClause {
    const { entity, key } = this.identifier();
    const opToken = this.next();
    let op: FilterOperator;
    if (opToken.kind === 'op') {
      op = opToken.text as FilterOperator;
    } else if (
      this.isWord(opToken, 'LIKE') ||
      this.isWord(opToken, 'ILIKE') ||
      this.isWord(opToken, 'IN')
    ) {
      op = opToken.text.toUpperCase() as FilterOperator;
    } else if (this.isWord(opToken, 'NOT')) {
      const inToken = this.next();
      if (!this.isWord(inToken, 'IN')) this.fail(inToken, 'expected IN after NOT');
      op = 'NOT IN';
    } else if (this.isWord(opToken, 'IS')) {
      const t = this.next();
      if (this.isWord(t, 'NULL')) op = 'IS NULL';
      else if (this.isWord(t, 'NOT') && this.isWord(this.peek(), 'NULL')) {
        this.next();
        op = 'IS NOT NULL';
      } else this.fail(t, 'expected NULL or NOT NULL after IS');
    } else {
      this.fail(
        opToken,
        'expected a comparison operator (=, !=, >, >=, <, <=, LIKE, ILIKE, IN, NOT IN, IS NULL)',
      );
    }
    const numeric = entity === 'metric' || (entity === 'attribute' && NUMERIC_ATTRIBUTES.has(key));
    if (op === 'IS NULL' || op === 'IS NOT NULL') {
      if (entity !== 'tag' && entity !== 'param' && entity !== 'metric' && key !== 'end_time') {
        this.fail(opToken, `IS NULL is not supported for attributes.${key}`);
      }
      return { entity, key, op, value: null };
    }
    if (numeric) {
      if (!['=', '!=', '>', '>=', '<', '<='].includes(op)) {
        this.fail(
          opToken,
          `${op} is not supported for ${describe(entity, key)}; use = != > >= < <=`,
        );
      }
      const v = this.next();
      if (v.kind !== 'number')
        this.fail(v, `expected a number to compare ${describe(entity, key)} with`);
      return { entity, key, op, value: Number(v.text) };
    }
    if (['>', '>=', '<', '<='].includes(op)) {
      this.fail(
        opToken,
        `${op} is not supported for ${describe(entity, key)}; use = != LIKE ILIKE`,
      );
    }
    if (op === 'IN' || op === 'NOT IN') {
      if (
        entity !== 'attribute' ||
        (key !== 'run_id' && key !== 'status' && key !== 'experiment_id' && key !== 'run_name')
      ) {
        this.fail(
          opToken,
          `${op} is only supported for attributes run_id, run_name, status, experiment_id`,
        );
      }
      const open = this.next();
      if (open.kind !== 'lparen') this.fail(open, `expected "(" after ${op}`);
      const values: string[] = [];
      for (;;) {
        const v = this.next();
        if (v.kind !== 'quoted') this.fail(v, 'expected a quoted string in the IN list');
        values.push(v.text);
        const sep = this.next();
        if (sep.kind === 'rparen') break;
        if (sep.kind !== 'comma') this.fail(sep, 'expected "," or ")" in the IN list');
      }
      return { entity, key, op, value: values };
    }
    const v = this.next();
    if (v.kind !== 'quoted') {
      this.fail(
        v,
        `expected a quoted string to compare ${describe(entity, key)} with, e.g. 'value'`,
      );
    }
    return { entity, key, op, value: v.text };
  }

  filter(): FilterClause[] {
    if (this.peek().kind === 'end') return [];
    const clauses = [this.clause()];
    for (;;) {
      const t = this.next();
      if (t.kind === 'end') return clauses;
      if (this.isWord(t, 'OR')) this.fail(t, 'OR is not supported; combine clauses with AND only');
      if (!this.isWord(t, 'AND')) this.fail(t, 'expected AND between clauses');
      clauses.push(this.clause());
    }
  }

  orderBy(): OrderByClause {
    const { entity, key } = this.identifier();
    let ascending = true;
    const t = this.next();
    if (this.isWord(t, 'DESC')) ascending = false;
    else if (!this.isWord(t, 'ASC') && t.kind !== 'end') this.fail(t, 'expected ASC or DESC');
    if (t.kind !== 'end' && this.peek().kind !== 'end')
      this.fail(this.peek(), 'unexpected text after the order direction');
    return { entity, key, ascending };
  }
}

function describe(entity: FilterEntity, key: string): string {
  return `${entity === 'attribute' ? 'attributes' : entity + 's'}.${key}`;
}

/** Re-scans bare identifiers so that `tags.tideflow.runName` is one name with a dotted key. */
function tokenizeWithDottedNames(input: string): Token[] {
  const raw = tokenize(input);
  const out: Token[] = [];
  for (let k = 0; k < raw.length; k++) {
    const t = raw[k];
    const prev = out.at(-1);
    // Glue "ident . ident . ident" without spaces into one identifier: the key may contain dots.
    if (
      prev &&
      prev.kind === 'ident' &&
      t.kind === 'dot' &&
      raw[k + 1]?.kind === 'ident' &&
      prev.pos + prev.text.length === t.pos &&
      t.pos + 1 === raw[k + 1].pos
    ) {
      prev.text += '.' + raw[k + 1].text;
      k++;
      continue;
    }
    out.push({ ...t });
  }
  return out;
}

/**
 * Parses an MLflow search filter (`metrics.acc > 0.9 and params.model = 'svm'`) into clauses.
 * An empty or blank filter yields `[]`. Throws `FilterSyntaxError` with the position of the problem.
 */
export function parseSearchFilter(filter: string | undefined): FilterClause[] {
  if (filter === undefined || filter.trim() === '') return [];
  return new Parser(filter, tokenizeWithDottedNames(filter)).filter();
}

/** Parses one order-by clause (`metrics.acc DESC`). Throws `FilterSyntaxError` if malformed. */
export function parseOrderBy(clause: string): OrderByClause {
  if (clause.trim() === '') throw new FilterSyntaxError(clause, 0, 'empty order-by clause');
  return new Parser(clause, tokenizeWithDottedNames(clause)).orderBy();
}

const likeCache = new Map<string, RegExp>();

/**
 * Compiles a SQL LIKE pattern (`%` any run, `_` one character, no escape) to a RegExp.
 * `caseInsensitive` gives ILIKE. Both stores use this one matcher so they agree exactly.
 */
export function likeToRegExp(pattern: string, caseInsensitive: boolean): RegExp {
  const cacheKey = (caseInsensitive ? 'i:' : 's:') + pattern;
  let re = likeCache.get(cacheKey);
  if (!re) {
    let src = '';
    for (const ch of pattern) {
      if (ch === '%') src += '[\\s\\S]*';
      else if (ch === '_') src += '[\\s\\S]';
      else src += ch.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
    }
    re = new RegExp(`^${src}$`, caseInsensitive ? 'iu' : 'u');
    if (likeCache.size > 1000) likeCache.clear();
    likeCache.set(cacheKey, re);
  }
  return re;
}

/** The value a clause refers to in a run: a number, a string, or `undefined` when absent. */
export function runValue(run: Run, entity: FilterEntity, key: string): number | string | undefined {
  switch (entity) {
    case 'metric':
      return run.data.metrics[key];
    case 'param':
      return run.data.params[key];
    case 'tag':
      return run.data.tags[key];
    case 'attribute':
      switch (key as RunAttribute) {
        case 'run_id':
          return run.info.runId;
        case 'run_name':
          return run.info.name;
        case 'status':
          return run.info.status;
        case 'experiment_id':
          return run.info.experimentId;
        case 'start_time':
          return run.info.startTime;
        case 'end_time':
          return run.info.endTime ?? undefined;
      }
  }
}

/**
 * Whether a run satisfies one clause. An absent value matches only `IS NULL`; NaN follows IEEE
 * rules (only `!=` holds).
 */
export function clauseMatches(clause: FilterClause, actual: number | string | undefined): boolean {
  const { op, value } = clause;
  if (op === 'IS NULL') return actual === undefined;
  if (op === 'IS NOT NULL') return actual !== undefined;
  if (actual === undefined) return false;
  switch (op) {
    case '=':
      return actual === value;
    case '!=':
      return actual !== value;
    case '>':
      return (actual as number) > (value as number);
    case '>=':
      return (actual as number) >= (value as number);
    case '<':
      return (actual as number) < (value as number);
    case '<=':
      return (actual as number) <= (value as number);
    case 'LIKE':
      return likeToRegExp(value as string, false).test(actual as string);
    case 'ILIKE':
      return likeToRegExp(value as string, true).test(actual as string);
    case 'IN':
      return (value as string[]).includes(actual as string);
    case 'NOT IN':
      return !(value as string[]).includes(actual as string);
  }
}

/** Whether a run satisfies every clause. */
export function runMatches(run: Run, clauses: readonly FilterClause[]): boolean {
  for (const c of clauses) {
    if (!clauseMatches(c, runValue(run, c.entity, c.key))) return false;
  }
  return true;
}

/**
 * Compares two sort values: absent values sort last in both directions; NaN sorts above every
 * number (last ascending, first descending).
 */
function compareValues(
  a: number | string | undefined,
  b: number | string | undefined,
  ascending: boolean,
): number {
  if (a === undefined || b === undefined) return a === b ? 0 : a === undefined ? 1 : -1;
  let c: number;
  if (typeof a === 'number' && typeof b === 'number') {
    const an = Number.isNaN(a);
    const bn = Number.isNaN(b);
    c = an || bn ? (an === bn ? 0 : an ? 1 : -1) : a < b ? -1 : a > b ? 1 : 0;
  } else {
    c = a < b ? -1 : a > b ? 1 : 0;
  }
  return ascending ? c : -c;
}

/**
 * A comparator for runs by order-by clauses, then newest `start_time` first, then `run_id`
 * ascending, so that pages are stable.
 */
export function runComparator(orderBy: readonly OrderByClause[]): (a: Run, b: Run) => number {
  return (a, b) => {
    for (const o of orderBy) {
      const c = compareValues(
        runValue(a, o.entity, o.key),
        runValue(b, o.entity, o.key),
        o.ascending,
      );
      if (c !== 0) return c;
    }
    if (a.info.startTime !== b.info.startTime) return b.info.startTime - a.info.startTime;
    return a.info.runId < b.info.runId ? -1 : a.info.runId > b.info.runId ? 1 : 0;
  };
}
