import { readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseNotebook, serializeNotebook } from '@tideflow/notebooks';
import { cli, workspace } from './helpers.js';

const SCRIPT = `// ---
// jupyter:
//   jupytext:
//     text_representation:
//       extension: .ts
//       format_name: percent
//       format_version: '1.3'
//   kernelspec:
//     display_name: TypeScript
//     language: typescript
//     name: tslab
// ---

// %% [markdown]
// # Report

// %% tags=["parameters"]
let n = 3;

// %%
console.log(n * 2);
`;

describe('tideflow notebook', () => {
  it('converts a script to .ipynb and back to the same bytes', async () => {
    const ws = workspace();
    writeFileSync(join(ws.cwd, 'report.ts'), SCRIPT);
    const toIpynb = await cli(ws, 'notebook', 'convert', 'report.ts');
    expect(toIpynb).toMatchObject({ code: 0, stdout: 'report.ts → report.ipynb\n' });
    const nb = parseNotebook(readFileSync(join(ws.cwd, 'report.ipynb'), 'utf8'), 'report.ipynb');
    expect(nb.cells.map((c) => c.cell_type)).toEqual(['markdown', 'code', 'code']);
    const back = await cli(ws, 'notebook', 'convert', 'report.ipynb', '-o', 'again.ts');
    expect(back).toMatchObject({ code: 0, stdout: 'report.ipynb → again.ts\n' });
    expect(readFileSync(join(ws.cwd, 'again.ts'), 'utf8')).toBe(SCRIPT);
  });

  it('syncs an edited script into the .ipynb, keeping outputs and execution counts', async () => {
    const ws = workspace();
    const script = join(ws.cwd, 'report.ts');
    const ipynb = join(ws.cwd, 'report.ipynb');
    writeFileSync(script, SCRIPT);
    expect((await cli(ws, 'notebook', 'sync', 'report.ts')).stdout).toBe(
      'report.ts → report.ipynb\n',
    );
    // The notebook ran: its last cell has an output.
    const ran = parseNotebook(readFileSync(ipynb, 'utf8'), ipynb);
    ran.cells[2].execution_count = 1;
    ran.cells[2].outputs = [{ output_type: 'stream', name: 'stdout', text: '6\n' }];
    writeFileSync(ipynb, serializeNotebook(ran));
    // Then the script is edited (and is the newer file).
    writeFileSync(script, SCRIPT.replace('# Report', '# Report, edited'));
    const later = new Date(Date.now() + 5_000);
    utimesSync(script, later, later);
    const synced = await cli(ws, 'notebook', 'sync', 'report.ipynb');
    expect(synced).toMatchObject({ code: 0, stdout: 'report.ts → report.ipynb\n' });
    const nb = parseNotebook(readFileSync(ipynb, 'utf8'), ipynb);
    expect(nb.cells[0].source).toBe('# Report, edited');
    expect(nb.cells[2].execution_count).toBe(1);
    expect(nb.cells[2].outputs).toEqual([{ output_type: 'stream', name: 'stdout', text: '6\n' }]);
  });

  it('names the file and the cell of an invalid notebook', async () => {
    const ws = workspace();
    writeFileSync(
      join(ws.cwd, 'bad.ipynb'),
      JSON.stringify({
        nbformat: 4,
        nbformat_minor: 4,
        metadata: {},
        cells: [{ cell_type: 'code' }],
      }),
    );
    const result = await cli(ws, 'notebook', 'convert', 'bad.ipynb');
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/bad\.ipynb, cell 0: "source" must be a string/);
  });
});
