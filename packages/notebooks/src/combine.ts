import { randomBytes } from 'node:crypto';
import { IGNORED_CELL_METADATA } from './cell-metadata.js';
import { TEXT_NOTEBOOK_METADATA } from './header.js';
import type { JsonObject, Notebook, NotebookCell } from './nbformat.js';

/**
 * Merges a notebook read from text (inputs) into the notebook it is paired with (outputs), as
 * jupytext's `combine_inputs_with_outputs` does: each input cell is matched to an earlier cell
 * and keeps that cell's outputs, execution count and the metadata the text does not hold.
 */

/** Characters a code formatter may change; cells equal but for them are the same cell. */
function formatInvariant(text: string): string {
  return text.replace(/[ \t\n,'"()\\]/g, '');
}

function sameContent(ref: string, test: string, endsWith = false): boolean {
  const a = formatInvariant(ref);
  const b = formatInvariant(test);
  return endsWith && b ? a.endsWith(b) : a === b;
}

/** For each input cell, the index of the output cell it takes its outputs from (or undefined). */
export function matchCells(
  inputs: readonly NotebookCell[],
  outputs: readonly NotebookCell[],
): (number | undefined)[] {
  const map: (number | undefined)[] = new Array<number | undefined>(inputs.length).fill(undefined);
  // 1. Same type and content, in increasing order within each cell type.
  const firstUnmatched = new Map<string, number>();
  inputs.forEach((input, i) => {
    for (let j = firstUnmatched.get(input.cell_type) ?? 0; j < outputs.length; j++) {
      if (
        input.cell_type === outputs[j].cell_type &&
        sameContent(input.source, outputs[j].source)
      ) {
        map[i] = j;
        firstUnmatched.set(input.cell_type, j + 1);
        break;
      }
    }
  });
  // 2. Same content anywhere; 3. the input is the end of an output cell.
  const unused = new Set(outputs.keys());
  for (const j of map) if (j !== undefined) unused.delete(j);
  for (const endsWith of [false, true]) {
    if (!unused.size) return map;
    inputs.forEach((input, i) => {
      if (map[i] !== undefined) return;
      for (const j of unused) {
        if (
          input.cell_type === outputs[j].cell_type &&
          sameContent(outputs[j].source, input.source, endsWith)
        ) {
          map[i] = j;
          unused.delete(j);
          break;
        }
      }
    });
  }
  // 4. By position: the cell after the previous match, of the same type, when not empty.
  if (!unused.size) return map;
  let prev = -1;
  inputs.forEach((input, i) => {
    const matched = map[i];
    if (matched !== undefined) {
      prev = matched;
      return;
    }
    const j = prev + 1;
    if (!unused.has(j)) return;
    if (input.cell_type === outputs[j].cell_type && input.source.trim() !== '') {
      map[i] = j;
      unused.delete(j);
      prev = j;
    }
  });
  return map;
}

/** `filtered` plus the keys of `unfiltered` that the text leaves out (layout keys excepted). */
function restoreMetadata(
  filtered: JsonObject,
  unfiltered: JsonObject,
  leftOut: (key: string) => boolean,
): JsonObject {
  const metadata = { ...filtered };
  for (const [key, value] of Object.entries(unfiltered)) {
    if (leftOut(key) && !LAYOUT.has(key)) metadata[key] = value;
  }
  return metadata;
}

const LAYOUT = new Set([
  'skipline',
  'noskipline',
  'cell_marker',
  'lines_to_next_cell',
  'lines_to_end_of_cell_marker',
]);

/**
 * The notebook of `inputs`' cells and text metadata with `outputs`' outputs, execution counts,
 * cell ids and the metadata that text leaves out (`language_info`, `ExecuteTime`, ...).
 */
export function combineInputsWithOutputs(inputs: Notebook, outputs: Notebook): Notebook {
  const textKeys = new Set(TEXT_NOTEBOOK_METADATA);
  const metadata = restoreMetadata(inputs.metadata, outputs.metadata, (key) => !textKeys.has(key));
  const jupytext = metadata.jupytext as JsonObject | undefined;
  if (jupytext && Object.keys(jupytext).length === 0) delete metadata.jupytext;
  const map = matchCells(inputs.cells, outputs.cells);
  const cells = inputs.cells.map((input, i): NotebookCell => {
    const j = map[i];
    // nbformat 4.5 requires cell ids: a new cell gets one as nbformat makes them.
    if (j === undefined) {
      return outputs.nbformat_minor >= 5 && input.id === undefined
        ? { ...input, id: randomBytes(4).toString('hex') }
        : input;
    }
    const output = outputs.cells[j];
    return {
      ...output,
      source: input.source,
      metadata: restoreMetadata(input.metadata, output.metadata, (key) =>
        IGNORED_CELL_METADATA.has(key),
      ),
    };
  });
  return { ...outputs, cells, metadata };
}
