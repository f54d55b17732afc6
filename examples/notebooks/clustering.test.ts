import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  MemoryTracker,
  Registry,
  configure,
  createMemoryCacheStore,
  flow,
  silentLogger,
  track,
} from '@tideflow/core';
import { notebookToPercent, notebookTask, parseNotebook } from '@tideflow/notebooks';

const notebook = fileURLToPath(new URL('./clustering.ipynb', import.meta.url));
const script = fileURLToPath(new URL('./clustering.ts', import.meta.url));

describe('examples/notebooks/clustering', () => {
  it('is one notebook in two files: the .ipynb converts to the .ts byte for byte', () => {
    const ipynb = parseNotebook(readFileSync(notebook, 'utf8'), notebook);
    expect(notebookToPercent(ipynb, script)).toBe(readFileSync(script, 'utf8'));
    // The committed notebook shows its outputs: the summary table and two charts.
    const mimes = ipynb.cells.flatMap((c) =>
      (c.outputs ?? []).flatMap((o) => Object.keys(o.data ?? {})),
    );
    expect(mimes.filter((m) => m === 'text/markdown')).toHaveLength(1);
    expect(mimes.filter((m) => m === 'image/svg+xml')).toHaveLength(2);
  });

  it('runs on the TypeScript kernel as a notebook task, its executed copy and charts stored', async () => {
    const tracker = new MemoryTracker();
    configure({ tracker, logger: silentLogger, cacheStore: createMemoryCacheStore() });
    let runId: string | undefined;
    const nb = notebookTask(notebook, { timeoutMs: 120_000 });
    const run = await flow(
      async function clusteringNotebook() {
        runId = track.runId();
        return nb({ samples: 450, clusters: 4 });
      },
      { registry: new Registry() },
    )();
    expect(run.kernel).toBe('tslab');
    const injected = run.executed.cells.find((c) =>
      (c.metadata.tags as string[] | undefined)?.includes('injected-parameters'),
    )!;
    expect(injected.source).toBe('// Parameters\nlet samples = 450;\nlet clusters = 4;\n');
    const summary = run.executed.cells
      .flatMap((c) => c.outputs ?? [])
      .map((o) => (o.data as Record<string, unknown> | undefined)?.['text/markdown'])
      .find((m) => typeof m === 'string')!;
    expect(summary).toMatch(/^450 samples in 4 clusters, 3-fold cross-validation\./);
    expect(summary).toMatch(/\| \*\*selected: .+\*\* \| 0\.\d{4} \| 0\.\d{4} \| \d\.\d{4} \|$/);
    const stored = (await tracker.listArtifacts(runId!)).map((a) => a.path).sort();
    expect(stored.filter((p) => p.startsWith('image/clustering-cell-'))).toHaveLength(2);
    expect(stored.filter((p) => p.startsWith('markdown/clustering-cell-'))).toHaveLength(1);
    const executed = stored.find((p) => /^notebooks\/.+\/clustering\.ipynb$/.test(p))!;
    const copy = parseNotebook(
      Buffer.from(await tracker.readArtifact(runId!, executed)).toString('utf8'),
      executed,
    );
    expect(copy.cells.every((c) => c.cell_type !== 'code' || c.execution_count !== null)).toBe(
      true,
    );
  }, 150_000);
});
