import { track } from '@tideflow/core';
import type { ArtifactInfo } from '@tideflow/core';
import type { Notebook } from './nbformat.js';
import { serializeNotebook } from './nbformat.js';

/** One display output of an executed notebook, as it was stored. */
export interface NotebookArtifact {
  /** The artifact's path in the run, e.g. `image/report-cell-3-0/v1.svg`. */
  path: string;
  /** The cell that produced it (0-based), or `undefined` for the executed notebook itself. */
  cellIndex?: number;
  /** The output's mime type (`application/x-ipynb+json` for the executed notebook). */
  mime: string;
}

/** File artifacts, by mime type, in the order a display bundle is searched. */
const FILE_MIMES: readonly [mime: string, extension: string][] = [
  ['text/html', 'html'],
  ['text/latex', 'tex'],
  ['application/json', 'json'],
];

function text(value: unknown): string {
  return Array.isArray(value) ? value.join('') : String(value);
}

/**
 * Stores an executed notebook in the current flow run: the notebook itself under
 * `notebooks/<runKey>/<name>.ipynb`, and each display output (`display_data`,
 * `execute_result`) of cell `i` as an artifact keyed `<name>-cell-<i>-<n>`: PNG and SVG images as
 * image artifacts, Markdown as a Markdown artifact, JPEG, HTML (e.g. a table), LaTeX and JSON as
 * files under `notebooks/<runKey>/`. Outside a tracked flow run nothing is stored.
 */
export async function storeNotebookArtifacts(
  notebook: Notebook,
  name: string,
  runKey: string,
): Promise<NotebookArtifact[]> {
  const stored: NotebookArtifact[] = [];
  const keep = async (
    write: Promise<ArtifactInfo | undefined>,
    artifact: NotebookArtifact,
  ): Promise<void> => {
    const info = await write;
    if (info) stored.push({ ...artifact, path: info.path });
  };
  const folder = `notebooks/${runKey}`;
  const executed = `${folder}/${name}.ipynb`;
  await keep(track.artifact(executed, serializeNotebook(notebook)), {
    path: executed,
    mime: 'application/x-ipynb+json',
  });
  for (const [cellIndex, cell] of notebook.cells.entries()) {
    let n = 0;
    for (const output of cell.outputs ?? []) {
      if (output.output_type !== 'display_data' && output.output_type !== 'execute_result')
        continue;
      const data = (output.data ?? {}) as Record<string, unknown>;
      const key = `${name}-cell-${cellIndex}-${n++}`;
      const description = `${name}.ipynb, cell ${cellIndex}`;
      if (data['image/png'] !== undefined || data['image/jpeg'] !== undefined) {
        const mime = data['image/png'] !== undefined ? 'image/png' : 'image/jpeg';
        const bytes = Buffer.from(text(data[mime]).replace(/\s/g, ''), 'base64');
        // Image artifacts are PNG or SVG: a JPEG is kept as a file.
        await keep(
          mime === 'image/png'
            ? track.image(new Uint8Array(bytes), { key, description, format: 'png' })
            : track.artifact(`${folder}/${key}.jpg`, new Uint8Array(bytes)),
          { path: mime === 'image/png' ? key : `${folder}/${key}.jpg`, cellIndex, mime },
        );
      } else if (data['image/svg+xml'] !== undefined) {
        await keep(track.image(text(data['image/svg+xml']), { key, description, format: 'svg' }), {
          path: key,
          cellIndex,
          mime: 'image/svg+xml',
        });
      } else if (data['text/markdown'] !== undefined) {
        await keep(track.markdown(text(data['text/markdown']), { key, description }), {
          path: key,
          cellIndex,
          mime: 'text/markdown',
        });
      } else {
        const file = FILE_MIMES.find(([mime]) => data[mime] !== undefined);
        if (!file) continue;
        const [mime, extension] = file;
        const value = data[mime];
        const body = mime === 'application/json' ? JSON.stringify(value, null, 1) : text(value);
        await keep(track.artifact(`${folder}/${key}.${extension}`, body), {
          path: `${folder}/${key}.${extension}`,
          cellIndex,
          mime,
        });
      }
    }
  }
  return stored;
}
