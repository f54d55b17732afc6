import { describe, expect, it } from 'vitest';
import {
  NotebookFormatError,
  combineInputsWithOutputs,
  notebookToPercent,
  parseNotebook,
  percentToNotebook,
  serializeNotebook,
} from '@tideflow/notebooks';
import type { Notebook } from '@tideflow/notebooks';

/** A script as jupytext writes one: header, markdown, metadata, an empty cell, magics, raw. */
const SCRIPT = `// ---
// jupyter:
//   jupytext:
//     text_representation:
//       extension: .ts
//       format_name: percent
//       format_version: '1.3'
//       jupytext_version: 1.16.4
//   kernelspec:
//     display_name: TypeScript
//     language: typescript
//     name: tslab
// ---

// %% [markdown]
// # Clusters
//
// Some *Markdown*, with a blank line.

// %% tags=["parameters"]
let samples = 300;

// %%

// %% Summary jupyter={"source_hidden": true}
// %time samples
const text = "a // not a comment";
console.log(text, samples);


// %% [raw]
// raw text

// %%
function twice(x: number): number {
  return 2 * x;
}
`;

describe('percent format', () => {
  it('reads cells, their types, metadata, titles, magics and blank lines as jupytext does', () => {
    const nb = percentToNotebook(SCRIPT, 'clusters.ts');
    expect(nb.metadata.kernelspec).toEqual({
      display_name: 'TypeScript',
      language: 'typescript',
      name: 'tslab',
    });
    expect(nb.cells.map((c) => c.cell_type)).toEqual([
      'markdown',
      'code',
      'code',
      'code',
      'raw',
      'code',
    ]);
    expect(nb.cells[0].source).toBe('# Clusters\n\nSome *Markdown*, with a blank line.');
    expect(nb.cells[1].metadata).toEqual({ tags: ['parameters'] });
    expect(nb.cells[2].source).toBe('');
    expect(nb.cells[3].metadata).toEqual({
      title: 'Summary',
      jupyter: { source_hidden: true },
      lines_to_next_cell: 2,
    });
    // The magic is uncommented in the notebook; the string's `//` is code, not a comment.
    expect(nb.cells[3].source).toBe(
      '%time samples\nconst text = "a // not a comment";\nconsole.log(text, samples);',
    );
    expect(nb.cells[4].source).toBe('raw text');
  });

  it('round-trips a script byte for byte through .ipynb', () => {
    const ipynb = serializeNotebook(percentToNotebook(SCRIPT, 'clusters.ts'));
    const back = notebookToPercent(parseNotebook(ipynb, 'clusters.ipynb'), 'clusters.ts');
    expect(back).toBe(SCRIPT);
  });

  it('round-trips a notebook byte for byte through the script', () => {
    const ipynb = serializeNotebook(percentToNotebook(SCRIPT, 'clusters.ts'));
    const script = notebookToPercent(parseNotebook(ipynb, 'x.ipynb'), 'x.ts');
    expect(serializeNotebook(percentToNotebook(script, 'x.ts'))).toBe(ipynb);
  });

  it('writes a notebook without a header as jupytext does, and reads it back', () => {
    const nb: Notebook = {
      cells: [
        { cell_type: 'markdown', metadata: {}, source: 'Title\n\n%not a magic in markdown' },
        {
          cell_type: 'code',
          metadata: { tags: ['a', 'b'], collapsed: true },
          source: '%%time\nconst x = 1;',
          outputs: [],
          execution_count: 3,
        },
      ],
      metadata: { kernelspec: { name: 'tslab', language: 'typescript', display_name: 'TS' } },
      nbformat: 4,
      nbformat_minor: 4,
    };
    const script = notebookToPercent(nb, 'x.ts', { textRepresentation: false });
    expect(script).toBe(
      [
        '// ---',
        '// jupyter:',
        '//   kernelspec:',
        '//     display_name: TS',
        '//     language: typescript',
        '//     name: tslab',
        '// ---',
        '',
        '// %% [markdown]',
        '// Title',
        '//',
        '// %not a magic in markdown',
        '',
        '// %% tags=["a", "b"]',
        '// %%time',
        'const x = 1;',
        '',
      ].join('\n'),
    );
    const back = percentToNotebook(script, 'x.ts');
    expect(back.cells.map((c) => c.source)).toEqual(nb.cells.map((c) => c.source));
    // `collapsed` stays out of the text (the paired .ipynb keeps it).
    expect(back.cells[1].metadata).toEqual({ tags: ['a', 'b'] });
  });

  it('keeps outputs, execution counts and filtered metadata when combining with the .ipynb', () => {
    const previous = percentToNotebook(SCRIPT, 'clusters.ts');
    previous.metadata.language_info = { name: 'typescript' };
    const cell = previous.cells[3];
    cell.execution_count = 7;
    cell.metadata.ExecuteTime = { end: 'then' };
    cell.outputs = [{ output_type: 'stream', name: 'stdout', text: 'a // not a comment 300\n' }];
    // The script gains a cell at the top and its parameters cell changes.
    const edited = SCRIPT.replace(
      '// %% [markdown]',
      '// %%\nconst first = 1;\n\n// %% [markdown]',
    ).replace('let samples = 300;', 'let samples = 500;');
    const merged = combineInputsWithOutputs(percentToNotebook(edited, 'clusters.ts'), previous);
    expect(merged.cells).toHaveLength(7);
    const kept = merged.cells[4];
    expect(kept.execution_count).toBe(7);
    expect(kept.outputs).toEqual(cell.outputs);
    expect(kept.metadata.ExecuteTime).toEqual({ end: 'then' });
    expect(merged.cells[0].outputs).toEqual([]);
    expect(merged.cells[2].source).toBe('let samples = 500;');
    expect(merged.metadata.language_info).toEqual({ name: 'typescript' });
  });
});

describe('.ipynb validation', () => {
  const valid = serializeNotebook(percentToNotebook(SCRIPT, 'clusters.ts'));

  it('re-serializes an nbformat notebook byte for byte', () => {
    expect(serializeNotebook(parseNotebook(valid, 'x.ipynb'))).toBe(valid);
  });

  it.each([
    ['not JSON', '{', /bad\.ipynb: not JSON/, undefined],
    [
      'nbformat 3',
      JSON.stringify({ nbformat: 3, nbformat_minor: 0, metadata: {}, cells: [] }),
      /nbformat 4/,
      undefined,
    ],
    [
      'a cell without source',
      JSON.stringify({
        nbformat: 4,
        nbformat_minor: 4,
        metadata: {},
        cells: [{ cell_type: 'code', metadata: {}, outputs: [] }],
      }),
      /bad\.ipynb, cell 0: "source"/,
      0,
    ],
    [
      'an unknown cell type',
      JSON.stringify({
        nbformat: 4,
        nbformat_minor: 4,
        metadata: {},
        cells: [
          { cell_type: 'markdown', metadata: {}, source: '' },
          { cell_type: 'widget', metadata: {}, source: '' },
        ],
      }),
      /cell 1: "cell_type"/,
      1,
    ],
  ])(
    'rejects %s with a typed error naming the file and cell',
    (_what, text, message, cellIndex) => {
      let error: unknown;
      try {
        parseNotebook(text, 'bad.ipynb');
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(NotebookFormatError);
      expect((error as NotebookFormatError).code).toBe('NOTEBOOK_FORMAT');
      expect((error as NotebookFormatError).message).toMatch(message);
      expect((error as NotebookFormatError).cellIndex).toBe(cellIndex);
    },
  );
});
