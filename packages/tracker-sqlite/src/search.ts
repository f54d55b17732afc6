import type {
  FilterClause,
  OrderByClause,
  ParsedSearch,
  RunAttribute,
  RunScope,
} from '@tideflow/core/store';

/** A compiled statement: SQL text and its positional bindings, in text order. */
export interface CompiledQuery {
  /** The SQL. */
  sql: string;
  /** The bindings. */
  params: unknown[];
}

const ATTRIBUTE_COLUMNS: Record<RunAttribute, string> = {
  run_id: 'r.run_uuid',
  run_name: 'r.name',
  status: 'r.status',
  // Compared as text, as the memory store compares experiment ids (strings).
  experiment_id: 'CAST(r.experiment_id AS TEXT)',
  start_time: 'r.start_time',
  end_time: 'r.end_time',
};

/** `tf_like(pattern, value, caseInsensitive)` is registered by the tracker on each connection. */
function comparison(column: string, c: FilterClause, params: unknown[]): string {
  switch (c.op) {
    case 'LIKE':
    case 'ILIKE':
      params.push(c.value, c.op === 'ILIKE' ? 1 : 0);
      return `tf_like(?, ${column}, ?)`;
    case 'IN':
    case 'NOT IN': {
      const list = c.value as string[];
      params.push(...list);
      return `${column} ${c.op} (${list.map(() => '?').join(', ')})`;
    }
    case 'IS NULL':
    case 'IS NOT NULL':
      return `${column} ${c.op}`;
    default:
      params.push(c.value);
      return `${column} ${c.op} ?`;
  }
}

function clauseSql(c: FilterClause, params: unknown[]): string {
  if (c.entity === 'attribute')
    return comparison(ATTRIBUTE_COLUMNS[c.key as RunAttribute], c, params);
  const table = c.entity === 'metric' ? 'latest_metrics' : c.entity === 'param' ? 'params' : 'tags';
  // Each clause is an EXISTS on the (run_id, key) primary key: one index probe per candidate run.
  if (c.op === 'IS NULL' || c.op === 'IS NOT NULL') {
    params.push(c.key);
    return `${c.op === 'IS NULL' ? 'NOT ' : ''}EXISTS (SELECT 1 FROM ${table} x WHERE x.run_id = r.id AND x.key = ?)`;
  }
  params.push(c.key);
  let cond: string;
  if (c.entity === 'metric' && c.op === '!=') {
    // NaN is stored as NULL; IEEE says NaN != x holds.
    params.push(c.value);
    cond = '(x.value != ? OR x.is_nan = 1)';
  } else {
    cond = comparison('x.value', c, params);
  }
  return `EXISTS (SELECT 1 FROM ${table} x WHERE x.run_id = r.id AND x.key = ? AND ${cond})`;
}

function orderSql(o: OrderByClause, i: number, joins: string[], joinParams: unknown[]): string[] {
  const dir = o.ascending ? 'ASC' : 'DESC';
  if (o.entity === 'attribute') {
    const col = ATTRIBUTE_COLUMNS[o.key as RunAttribute];
    return [`(${col} IS NULL)`, `${col} ${dir}`];
  }
  const table = o.entity === 'metric' ? 'latest_metrics' : o.entity === 'param' ? 'params' : 'tags';
  const alias = `o${i}`;
  joins.push(`LEFT JOIN ${table} ${alias} ON ${alias}.run_id = r.id AND ${alias}.key = ?`);
  joinParams.push(o.key);
  // Absent values last in both directions; NaN above every number.
  return o.entity === 'metric'
    ? [`(${alias}.run_id IS NULL)`, `${alias}.is_nan ${dir}`, `${alias}.value ${dir}`]
    : [`(${alias}.run_id IS NULL)`, `${alias}.value ${dir}`];
}

/** The conditions on `runs r` that select a search's scope: deletion and experiments. */
function scopeConditions(scope: RunScope): { where: string[]; whereParams: unknown[] } {
  const where: string[] = [];
  const whereParams: unknown[] = [];
  if (scope.runViewType !== 'ALL') {
    where.push('r.lifecycle_stage = ?');
    whereParams.push(scope.runViewType === 'ACTIVE_ONLY' ? 'active' : 'deleted');
  }
  if (scope.experimentIds !== undefined) {
    const ids = scope.experimentIds.map((id) => (/^\d+$/.test(id) ? Number(id) : -1));
    where.push(ids.length ? `r.experiment_id IN (${ids.map(() => '?').join(', ')})` : '0');
    whereParams.push(...ids);
  }
  return { where, whereParams };
}

/** One SELECT of the internal ids of every run in a scope, in insertion order. */
export function compileScope(scope: RunScope): CompiledQuery {
  const { where, whereParams } = scopeConditions(scope);
  return {
    sql: `SELECT r.id FROM runs r${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY r.id`,
    params: whereParams,
  };
}

/**
 * Compiles a parsed search to one SELECT of internal run ids, with the filter pushed into SQL.
 * It asks for one row more than the page so the caller knows whether a next page exists.
 */
export function compileSearch(q: ParsedSearch): CompiledQuery {
  const { where, whereParams } = scopeConditions(q);
  for (const c of q.clauses) where.push(clauseSql(c, whereParams));
  const joins: string[] = [];
  const joinParams: unknown[] = [];
  const order = q.orderBy.flatMap((o, i) => orderSql(o, i, joins, joinParams));
  order.push('r.start_time DESC', 'r.run_uuid ASC');
  const sql =
    `SELECT r.id FROM runs r ${joins.join(' ')}` +
    (where.length ? ` WHERE ${where.join(' AND ')}` : '') +
    ` ORDER BY ${order.join(', ')} LIMIT ? OFFSET ?`;
  return { sql, params: [...joinParams, ...whereParams, q.maxResults + 1, q.offset] };
}
