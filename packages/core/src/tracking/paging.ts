import { TrackingInputError } from './errors.js';
import { parseOrderByList, parseSearchFilter } from './filter.js';
import { runComparator, runMatches } from './run-matching.js';
import type { RunSearchContext } from './run-matching.js';
import type { FilterClause, OrderByClause } from './filter.js';
import type { Run, RunViewType, SearchRunsOptions, SearchRunsResult } from './tracker.js';

/** Default page size of `searchRuns`. */
export const DEFAULT_MAX_RESULTS = 1000;
/** Largest page size of `searchRuns`. */
export const MAX_RESULTS_LIMIT = 50_000;

/** A search, checked and parsed, as both stores execute it. */
export interface ParsedSearch {
  /** Experiment ids, or `undefined` for all. */
  experimentIds: readonly string[] | undefined;
  /** Filter clauses (AND). */
  clauses: FilterClause[];
  /** Order-by clauses. */
  orderBy: OrderByClause[];
  /** Page size; 0 asks for an empty page, as in MLflow. */
  maxResults: number;
  /** Rows to skip. */
  offset: number;
  /** Deleted runs or not. */
  runViewType: RunViewType;
}

/** The opaque token of the page that starts at `offset`. */
export function encodePageToken(offset: number): string {
  return Buffer.from(JSON.stringify({ offset })).toString('base64url');
}

function decodePageToken(token: string): number {
  try {
    const { offset } = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as {
      offset: unknown;
    };
    if (typeof offset === 'number' && Number.isSafeInteger(offset) && offset >= 0) return offset;
  } catch {
    // fall through to the error below
  }
  throw new TrackingInputError(
    `Invalid page token ${JSON.stringify(token)}; pass a nextPageToken from searchRuns.`,
  );
}

/** Checks and parses search options; throws `FilterSyntaxError` or `TrackingInputError`. */
export function parseSearch(options: SearchRunsOptions = {}): ParsedSearch {
  const maxResults = options.maxResults ?? DEFAULT_MAX_RESULTS;
  if (!Number.isSafeInteger(maxResults) || maxResults < 0 || maxResults > MAX_RESULTS_LIMIT) {
    throw new TrackingInputError(
      `maxResults must be an integer from 0 to ${MAX_RESULTS_LIMIT}, got ${maxResults}.`,
    );
  }
  const runViewType = options.runViewType ?? 'ACTIVE_ONLY';
  if (!['ACTIVE_ONLY', 'DELETED_ONLY', 'ALL'].includes(runViewType)) {
    throw new TrackingInputError(
      `Invalid runViewType ${JSON.stringify(runViewType)}; use ACTIVE_ONLY, DELETED_ONLY or ALL.`,
    );
  }
  return {
    experimentIds: options.experimentIds,
    clauses: parseSearchFilter(options.filter),
    orderBy: parseOrderByList(options.orderBy ?? []),
    maxResults,
    offset: options.pageToken === undefined ? 0 : decodePageToken(options.pageToken),
    runViewType,
  };
}

/**
 * One page of a search over every run of its scope: the filter, the order (ties: newest start,
 * then run id) and the page, for stores without a search of their own.
 */
export function pageOfRuns(
  runs: readonly Run[],
  q: ParsedSearch,
  context: RunSearchContext,
): SearchRunsResult {
  const matches = runs
    .filter((run) => runMatches(run, q.clauses, context))
    .sort(runComparator(q.orderBy, context));
  const end = q.offset + q.maxResults;
  const page = matches.slice(q.offset, end);
  return end < matches.length
    ? { runs: page, nextPageToken: encodePageToken(end) }
    : { runs: page };
}
