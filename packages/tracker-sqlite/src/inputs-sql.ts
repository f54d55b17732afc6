import type { DatasetColumn, DatasetInput } from '@tideflow/core';
import type { SqliteStore } from './store.js';

/** `TrackerStore.putInputs`: datasets are shared by (experiment, name, digest), inputs deduplicated by a unique index. */
export function putInputs(
  store: SqliteStore,
  runId: string,
  inputs: readonly DatasetInput[],
): Promise<void> {
  return store.write(() => {
    const run = store.writableRun(runId);
    const experimentId = store
      .stmt('SELECT experiment_id FROM runs WHERE id = ?')
      .pluck()
      .get(run.id);
    const dataset = store.stmt(
      `INSERT INTO datasets (experiment_id, name, digest, source_type, source, schema, num_rows)
       VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (experiment_id, name, digest) DO NOTHING`,
    );
    const datasetId = store
      .stmt('SELECT dataset_id FROM datasets WHERE experiment_id = ? AND name = ? AND digest = ?')
      .pluck();
    const link = store.stmt(
      'INSERT OR IGNORE INTO inputs (run_id, dataset_id, context) VALUES (?, ?, ?)',
    );
    for (const { dataset: d, context } of inputs) {
      dataset.run(
        experimentId,
        d.name,
        d.digest,
        d.sourceType,
        d.source,
        d.schema && JSON.stringify(d.schema),
        d.numRows,
      );
      link.run(run.id, datasetId.get(experimentId, d.name, d.digest), context);
    }
  });
}

/** `TrackerStore.listInputs`. */
export function listInputs(store: SqliteStore, runId: string): DatasetInput[] {
  return store.read(() => {
    const run = store.run(runId);
    const rows = store
      .stmt(
        `SELECT d.name, d.digest, d.source_type, d.source, d.schema, d.num_rows, i.context
         FROM inputs i JOIN datasets d ON d.dataset_id = i.dataset_id WHERE i.run_id = ? ORDER BY i.id`,
      )
      .all(run.id) as {
      name: string;
      digest: string;
      source_type: string;
      source: string;
      schema: string | null;
      num_rows: number | null;
      context: string | null;
    }[];
    return rows.map((r) => ({
      dataset: {
        name: r.name,
        digest: r.digest,
        sourceType: r.source_type,
        source: r.source,
        schema: r.schema === null ? null : (JSON.parse(r.schema) as DatasetColumn[]),
        numRows: r.num_rows,
      },
      context: r.context,
    }));
  });
}
