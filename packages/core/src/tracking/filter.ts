import { FilterSyntaxError } from './errors.js';

// A hand-written scanner and parser: MLflow's grammar (AND-joined comparisons, quoted and
// backquoted names) is small, and we need exact error positions, which generic SQL parsers for
// JS do not report for this dialect.

/** What a filter or order-by clause refers to. */
export type FilterEntity = 'metric' | 'param' | 'tag' | 'attribute' | 'dataset';

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
  | 'run_id'
  | 'run_name'
  | 'status'
  | 'experiment_id'
  | 'start_time'
  | 'end_time'
  | 'user_id'
  | 'artifact_uri';

/** A dataset field usable in filters: `datasets.name`, `datasets.digest`, `datasets.context`. */
export type DatasetField = 'name' | 'digest' | 'context';

/** One parsed filter clause. */
export interface FilterClause {
  /** What the clause refers to. */
  entity: FilterEntity;
  /** The metric/param/tag key, the {@link RunAttribute} or the {@link DatasetField}. */
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
  dataset: 'dataset',
  datasets: 'dataset',
};

// Attribute names are case-sensitive, as in MLflow; these are its aliases (`translate_key_alias`).
const ATTRIBUTE_ALIASES: Record<string, RunAttribute> = {
  run_id: 'run_id',
  run_name: 'run_name',
  'run name': 'run_name',
  'Run name': 'run_name',
  'Run Name': 'run_name',
  status: 'status',
  experiment_id: 'experiment_id',
  start_time: 'start_time',
  created: 'start_time',
  Created: 'start_time',
  end_time: 'end_time',
  user_id: 'user_id',
  artifact_uri: 'artifact_uri',
};

const DATASET_FIELDS = new Set<string>(['name', 'digest', 'context']);

/** Attributes whose `IN` / `NOT IN` lists are accepted. */
const IN_ATTRIBUTES = new Set<string>(['run_id', 'run_name', 'status', 'experiment_id']);

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
  /** Index of the first character in the input. */
  pos: number;
  /** Index just past the last character (quotes included). */
  end: number;
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
      tokens.push({ kind: c === '`' ? 'backquoted' : 'quoted', text, pos: start, end: i });
      continue;
    }
    const two = input.slice(i, i + 2);
    if (two === '!=' || two === '>=' || two === '<=' || two === '<>') {
      // `<>` is scanned so that the parser can name it: MLflow refuses it as a comparator.
      tokens.push({ kind: 'op', text: two, pos: start, end: i + 2 });
      i += 2;
      continue;
    }
    if (c === '=' || c === '>' || c === '<') {
      tokens.push({ kind: 'op', text: c, pos: start, end: i + 1 });
      i++;
      continue;
    }
    const prev = tokens.at(-1);
    const adjacent = prev !== undefined && prev.end === i;
    if (c === '.' && adjacent && (prev.kind === 'ident' || prev.kind === 'backquoted')) {
      tokens.push({ kind: 'dot', text: '.', pos: start, end: i + 1 });
      i++;
      continue;
    }
    if (adjacent && prev.kind === 'dot' && IDENT_CHAR.test(c)) {
      // Right after "name." comes a key, which may start with a digit: "metrics.1st".
      while (i < input.length && IDENT_CHAR.test(input[i])) i++;
      tokens.push({ kind: 'ident', text: input.slice(start, i), pos: start, end: i });
      continue;
    }
    if (c === '(' || c === ')' || c === ',') {
      tokens.push({
        kind: c === '(' ? 'lparen' : c === ')' ? 'rparen' : 'comma',
        text: c,
        pos: start,
        end: i + 1,
      });
      i++;
      continue;
    }
    const num = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/.exec(input.slice(i));
    if (num && (c !== '+' && c !== '-' ? true : tokens.at(-1)?.kind === 'op')) {
      tokens.push({ kind: 'number', text: num[0], pos: start, end: i + num[0].length });
      i += num[0].length;
      continue;
    }
    if (IDENT_CHAR.test(c)) {
      while (i < input.length && IDENT_CHAR.test(input[i])) i++;
      tokens.push({ kind: 'ident', text: input.slice(start, i), pos: start, end: i });
      continue;
    }
    throw new FilterSyntaxError(input, start, `unexpected character ${JSON.stringify(c)}`);
  }
  tokens.push({ kind: 'end', text: '', pos: input.length, end: input.length });
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

  /**
   * `entity.key`, where the entity may be backquoted and the key bare (may contain dots),
   * backquoted or double-quoted; or a bare or backquoted attribute name (`run_name`,
   * `` `Run name` ``), as MLflow reads a name without a prefix.
   */
  identifier(): { entity: FilterEntity; key: string; pos: number } {
    const head = this.next();
    if (head.kind !== 'ident' && head.kind !== 'backquoted')
      this.fail(
        head,
        'expected a name like metrics.<key>, params.<key>, tags.<key> or attributes.<name>',
      );
    // A bare head may already hold the dotted key ("tags.a.b" scans as one identifier).
    const dot = head.kind === 'ident' ? head.text.indexOf('.') : -1;
    const prefixed = dot >= 0 || this.peek().kind === 'dot';
    if (!prefixed) {
      if (head.kind === 'ident' && ENTITY_ALIASES[head.text.toLowerCase()])
        this.fail(this.peek(), `expected "." after "${head.text}"`);
      return { entity: 'attribute', key: this.attribute(head, head.text), pos: head.pos };
    }
    const entityWord = dot < 0 ? head.text : head.text.slice(0, dot);
    const entity = ENTITY_ALIASES[entityWord.toLowerCase()];
    if (!entity) {
      this.fail(
        head,
        `unknown entity "${entityWord}"; use metrics, params, tags, attributes or datasets`,
      );
    }
    let key: string;
    if (dot >= 0) {
      key = head.text.slice(dot + 1);
    } else {
      this.next();
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
    if (entity === 'attribute') key = this.attribute(head, key);
    if (entity === 'dataset' && !DATASET_FIELDS.has(key))
      this.fail(head, `unknown dataset field "${key}"; use datasets.name, digest or context`);
    return { entity, key, pos: head.pos };
  }

  /** Resolves an attribute name (case-sensitive) or one of MLflow's aliases. */
  private attribute(at: Token, name: string): RunAttribute {
    const attribute = ATTRIBUTE_ALIASES[name];
    if (!attribute) {
      const names = [...new Set(Object.values(ATTRIBUTE_ALIASES))].join(', ');
      this.fail(at, `unknown attribute "${name}" (names are case-sensitive); use one of ${names}`);
    }
    return attribute;
  }

  clause(): FilterClause {
    const { entity, key } = this.identifier();
    const opToken = this.next();
    let op: FilterOperator;
    if (opToken.kind === 'op') {
      if (opToken.text === '<>') this.fail(opToken, 'invalid comparator "<>"; use !=');
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
      if (
        entity === 'dataset' ||
        (entity !== 'tag' && entity !== 'param' && entity !== 'metric' && key !== 'end_time')
      ) {
        this.fail(opToken, `IS NULL is not supported for ${describe(entity, key)}`);
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
      if (entity !== 'dataset' && (entity !== 'attribute' || !IN_ATTRIBUTES.has(key))) {
        this.fail(
          opToken,
          `${op} is only supported for datasets.* and attributes run_id, run_name, status, experiment_id`,
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
      prev.end === t.pos &&
      t.end === raw[k + 1].pos
    ) {
      prev.text += '.' + raw[k + 1].text;
      prev.end = raw[k + 1].end;
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

/**
 * Parses one order-by clause (`metrics.acc DESC`). Throws `FilterSyntaxError` if malformed,
 * including leading or trailing whitespace (`"params.p "`), which MLflow refuses too.
 */
export function parseOrderBy(clause: string): OrderByClause {
  if (clause.trim() === '') throw new FilterSyntaxError(clause, 0, 'empty order-by clause');
  const lead = clause.length - clause.trimStart().length;
  if (lead > 0) throw new FilterSyntaxError(clause, 0, 'whitespace before the order-by clause');
  const trimmed = clause.trimEnd().length;
  if (trimmed < clause.length)
    throw new FilterSyntaxError(clause, trimmed, 'whitespace after the order-by clause');
  const parsed = new Parser(clause, tokenizeWithDottedNames(clause)).orderBy();
  if (parsed.entity === 'dataset')
    throw new FilterSyntaxError(clause, 0, 'runs cannot be ordered by datasets.*');
  return parsed;
}

/**
 * Parses a list of order-by clauses; a field named twice (in either direction) is a
 * `FilterSyntaxError`, as MLflow's "`order_by` contains duplicate fields".
 */
export function parseOrderByList(clauses: readonly string[]): OrderByClause[] {
  const seen = new Set<string>();
  return clauses.map((clause) => {
    const o = parseOrderBy(clause);
    const id = `${o.entity}\0${o.key}`;
    if (seen.has(id)) {
      throw new FilterSyntaxError(
        clause,
        0,
        `\`order_by\` contains duplicate fields: ${describe(o.entity, o.key)} appears twice in ${JSON.stringify(clauses)}`,
      );
    }
    seen.add(id);
    return o;
  });
}
