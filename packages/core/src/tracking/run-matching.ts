import { compareCodePoints } from './code-points.js';
import type {
  DatasetField,
  FilterClause,
  FilterEntity,
  OrderByClause,
  RunAttribute,
} from './filter.js';
import { TAG_USER } from './tracker.js';
import type { Run } from './tracker.js';

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

/** The dataset fields of one input of a run, as `datasets.*` clauses see them. */
export interface DatasetFields {
  /** The dataset's name. */
  name: string;
  /** Its digest. */
  digest: string;
  /** The context it was used in (`training`, `evaluation`, ...), or `null`. */
  context: string | null;
}

/** What a store supplies besides the {@link Run} object for matching and ordering. */
export interface RunSearchContext {
  /** The run's artifact URI, the value of `attributes.artifact_uri`. */
  artifactUri(runId: string): string;
  /** The run's dataset inputs, for `datasets.*` clauses. */
  datasets(runId: string): readonly DatasetFields[];
}

/**
 * The value a clause refers to in a run: a number, a string, or `undefined` when absent.
 * `datasets.*` has one value per input, so it is matched by {@link clauseMatchesRun} instead.
 */
export function runValue(
  run: Run,
  entity: Exclude<FilterEntity, 'dataset'>,
  key: string,
  context: RunSearchContext,
): number | string | undefined {
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
        case 'user_id':
          return run.data.tags[TAG_USER];
        case 'artifact_uri':
          return context.artifactUri(run.info.runId);
      }
  }
}

/**
 * Whether a value satisfies one clause. An absent value matches only `IS NULL`; NaN follows IEEE
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

/**
 * Whether a run satisfies one clause. A `datasets.*` clause holds when one of the run's inputs
 * satisfies it, as in MLflow.
 */
export function clauseMatchesRun(
  clause: FilterClause,
  run: Run,
  context: RunSearchContext,
): boolean {
  if (clause.entity === 'dataset') {
    const field = clause.key as DatasetField;
    return context
      .datasets(run.info.runId)
      .some((d) => clauseMatches(clause, d[field] ?? undefined));
  }
  return clauseMatches(clause, runValue(run, clause.entity, clause.key, context));
}

/** Whether a run satisfies every clause. */
export function runMatches(
  run: Run,
  clauses: readonly FilterClause[],
  context: RunSearchContext,
): boolean {
  for (const c of clauses) {
    if (!clauseMatchesRun(c, run, context)) return false;
  }
  return true;
}

/**
 * Compares two sort values as MLflow does: numbers in the asked direction, then NaN, then absent
 * values, in both directions; strings by code point.
 */
function compareValues(
  a: number | string | undefined,
  b: number | string | undefined,
  ascending: boolean,
): number {
  const ra = rank(a);
  const rb = rank(b);
  if (ra !== rb || ra !== 0) return ra - rb;
  let c: number;
  if (typeof a === 'number' && typeof b === 'number') c = a < b ? -1 : a > b ? 1 : 0;
  else c = compareCodePoints(String(a), String(b));
  return ascending ? c : -c;
}

/** 0 for a comparable value, 1 for NaN, 2 for an absent value. */
function rank(v: number | string | undefined): number {
  return v === undefined ? 2 : typeof v === 'number' && Number.isNaN(v) ? 1 : 0;
}

/**
 * A comparator for runs by order-by clauses, then newest `start_time` first, then `run_id`
 * ascending, so that pages are stable.
 */
export function runComparator(
  orderBy: readonly OrderByClause[],
  context: RunSearchContext,
): (a: Run, b: Run) => number {
  return (a, b) => {
    for (const o of orderBy) {
      if (o.entity === 'dataset') continue;
      const c = compareValues(
        runValue(a, o.entity, o.key, context),
        runValue(b, o.entity, o.key, context),
        o.ascending,
      );
      if (c !== 0) return c;
    }
    if (a.info.startTime !== b.info.startTime) return b.info.startTime - a.info.startTime;
    return compareCodePoints(a.info.runId, b.info.runId);
  };
}
