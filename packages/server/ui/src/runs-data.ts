import { postJson } from './api.js';
import { TAG_PARENT_RUN_ID } from './types.js';
import type { KeyValue, MlflowRun, RunRow } from './types.js';

const record = (list: readonly KeyValue[] | undefined): Record<string, string> => {
  const out: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const { key, value } of list ?? []) out[key] = value;
  return out;
};

/** An MLflow run as a row of the runs table. */
export function toRow(run: MlflowRun): RunRow {
  const metrics: Record<string, number> = Object.create(null) as Record<string, number>;
  for (const { key, value } of run.data.metrics ?? []) metrics[key] = value;
  const tags = record(run.data.tags);
  return {
    id: run.info.run_id,
    name: run.info.run_name,
    status: run.info.status,
    startTime: run.info.start_time,
    endTime: run.info.end_time ?? null,
    parentId: tags[TAG_PARENT_RUN_ID] ?? tags['mlflow.parentRunId'] ?? null,
    params: record(run.data.params),
    metrics,
    tags,
  };
}

/** What {@link loadRuns} searches. */
export interface RunQuery {
  experimentIds: string[];
  filter: string;
  orderBy: string[];
}

/** The first page is small so that the table paints at once; the rest follows in larger ones. */
const FIRST_PAGE = 500;
const NEXT_PAGES = 5000;

/**
 * Searches runs with MLflow's `runs/search`, page after page, handing each page's rows to
 * `onRows` (all rows so far) until the last page or until `signal` aborts.
 */
export async function loadRuns(
  query: RunQuery,
  onRows: (rows: RunRow[], done: boolean) => void,
  signal: AbortSignal,
): Promise<void> {
  const rows: RunRow[] = [];
  let pageToken: string | undefined;
  do {
    const page = await postJson<{ runs?: MlflowRun[]; next_page_token?: string }>(
      '/api/2.0/mlflow/runs/search',
      {
        experiment_ids: query.experimentIds,
        ...(query.filter.trim() === '' ? {} : { filter: query.filter }),
        ...(query.orderBy.length ? { order_by: query.orderBy } : {}),
        max_results: rows.length === 0 ? FIRST_PAGE : NEXT_PAGES,
        ...(pageToken === undefined ? {} : { page_token: pageToken }),
      },
      signal,
    );
    if (signal.aborted) return;
    for (const r of page.runs ?? []) rows.push(toRow(r));
    pageToken = page.next_page_token;
    onRows(rows.slice(), pageToken === undefined);
  } while (pageToken !== undefined && !signal.aborted);
}

/** A run table column beyond the fixed ones: a param, a metric or a tag. */
export interface Column {
  kind: 'metric' | 'param' | 'tag';
  key: string;
}

/** The id of a column, e.g. `metrics.accuracy`. */
export const columnId = (c: Column): string => `${c.kind}s.${c.key}`;

/** Every param, metric and tag key the rows hold, sorted within each kind. */
export function columnsOf(rows: readonly RunRow[]): Column[] {
  const seen = { metric: new Set<string>(), param: new Set<string>(), tag: new Set<string>() };
  for (const r of rows) {
    for (const k in r.metrics) seen.metric.add(k);
    for (const k in r.params) seen.param.add(k);
    for (const k in r.tags) seen.tag.add(k);
  }
  return (['metric', 'param', 'tag'] as const).flatMap((kind) =>
    [...seen[kind]].sort().map((key) => ({ kind, key })),
  );
}

/** The cell of a row in a column. */
export function cellOf(row: RunRow, c: Column): string | number | undefined {
  return c.kind === 'metric'
    ? row.metrics[c.key]
    : c.kind === 'param'
      ? row.params[c.key]
      : row.tags[c.key];
}

/** A row in display order, with its depth under its parent and how many children it hides. */
export interface ShownRow {
  row: RunRow;
  depth: number;
  children: number;
}

/**
 * Rows in the order the server sorted them, each nested run right under its parent (when the
 * parent is among the rows) and shown only while its parent is expanded.
 */
export function nestRows(rows: readonly RunRow[], expanded: ReadonlySet<string>): ShownRow[] {
  const ids = new Set(rows.map((r) => r.id));
  const children = new Map<string, RunRow[]>();
  const roots: RunRow[] = [];
  for (const r of rows) {
    if (r.parentId !== null && ids.has(r.parentId) && r.parentId !== r.id) {
      const list = children.get(r.parentId);
      if (list) list.push(r);
      else children.set(r.parentId, [r]);
    } else roots.push(r);
  }
  const out: ShownRow[] = [];
  const visit = (row: RunRow, depth: number) => {
    const kids = children.get(row.id) ?? [];
    out.push({ row, depth, children: kids.length });
    if (depth < 20 && expanded.has(row.id)) for (const k of kids) visit(k, depth + 1);
  };
  for (const r of roots) visit(r, 0);
  return out;
}
