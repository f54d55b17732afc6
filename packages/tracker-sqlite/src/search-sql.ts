import { TAG_USER } from '@tideflow/core';
import type {
  FilterClause,
  OrderByClause,
  ParsedSearch,
  RunAttribute,
  RunScope,
} from '@tideflow/core/store';
import { experimentRowId } from './experiment-id.js';

/** A compiled statement: SQL text and its positional bindings, in text order. */
export interface CompiledQuery {
  /** The SQL. */
  sql: string;
  /** The bindings. */
  params: unknown[];
}

/** What the compiled search needs to know of the store. */
export interface SearchStoreInfo {
  /** The URI of the artifact root, with a trailing `/`: a run's artifact URI is this + its id. */
  artifactUriPrefix: string;
}

const ATTRIBUTE_COLUMNS: Record<Exclude<RunAttribute, 'artifact_uri'>, string> = {
  run_id: 'r.run_uuid',
  run_name: 'r.name',
  status: 'r.status',
  // Compared as text, as the memory store compares experiment ids (strings).
  experiment_id: 'CAST(r.experiment_id AS TEXT)',
  start_time: 'r.start_time',
  end_time: 'r.end_time',
  user_id: `(SELECT u.value FROM tags u WHERE u.run_id = r.id AND u.key = '${TAG_USER}')`,
};

/** The SQL of an attribute's value and its bindings; `artifact_uri` binds the store's prefix. */
function attributeSql(key: RunAttribute, store: SearchStoreInfo): [string, unknown[]] {
  if (key !== 'artifact_uri') return [ATTRIBUTE_COLUMNS[key], []];
  return ['(? || r.run_uuid)', [store.artifactUriPrefix]];
}

/**
 * A comparison of a column (an expression with its own bindings) and pushes the bindings in text
 * order. `tf_like(pattern, value, caseInsensitive)` is registered by the tracker on each connection.
 */
function comparison(
  [column, columnParams]: [string, unknown[]],
  c: FilterClause,
  params: unknown[],
): string {
  if (c.op === 'LIKE' || c.op === 'ILIKE') {
    params.push(c.value, ...columnParams, c.op === 'ILIKE' ? 1 : 0);
    return `tf_like(?, ${column}, ?)`;
  }
  params.push(...columnParams);
  switch (c.op) {
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

function clauseSql(c: FilterClause, store: SearchStoreInfo, params: unknown[]): string {
  if (c.entity === 'attribute')
    return comparison(attributeSql(c.key as RunAttribute, store), c, params);
  if (c.entity === 'dataset') {
    // MLflow's semantics: the run has an input that satisfies the clause. An uncorrelated IN
    // subquery is evaluated once, through the dataset indexes.
    const column = c.key === 'context' ? 'i.context' : c.key === 'name' ? 'd.name' : 'd.digest';
    return `r.id IN (SELECT i.run_id FROM inputs i JOIN datasets d ON d.dataset_id = i.dataset_id WHERE ${comparison([column, []], c, params)})`;
  }
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
    cond = comparison(['x.value', []], c, params);
  }
  return `EXISTS (SELECT 1 FROM ${table} x WHERE x.run_id = r.id AND x.key = ? AND ${cond})`;
}

function orderSql(o: OrderByClause, i: number, joins: string[], joinParams: unknown[]): string[] {
  const dir = o.ascending ? 'ASC' : 'DESC';
  if (o.entity === 'attribute') {
    // A constant prefix before the run id: ordering by artifact_uri is ordering by run id.
    const col =
      o.key === 'artifact_uri'
        ? 'r.run_uuid'
        : ATTRIBUTE_COLUMNS[o.key as Exclude<RunAttribute, 'artifact_uri'>];
    return [`(${col} IS NULL)`, `${col} ${dir}`];
  }
  const table = o.entity === 'metric' ? 'latest_metrics' : o.entity === 'param' ? 'params' : 'tags';
  const alias = `o${i}`;
  joins.push(`LEFT JOIN ${table} ${alias} ON ${alias}.run_id = r.id AND ${alias}.key = ?`);
  joinParams.push(o.key);
  // MLflow's order: values in the asked direction, then NaN, then absent values, both directions.
  return o.entity === 'metric'
    ? [
        `(CASE WHEN ${alias}.run_id IS NULL THEN 2 WHEN ${alias}.is_nan = 1 THEN 1 ELSE 0 END)`,
        `${alias}.value ${dir}`,
      ]
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
    const ids = scope.experimentIds.map(experimentRowId);
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
export function compileSearch(q: ParsedSearch, store: SearchStoreInfo): CompiledQuery {
  const { where, whereParams } = scopeConditions(q);
  for (const c of q.clauses) where.push(clauseSql(c, store, whereParams));
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
