import { relative, resolve } from 'node:path';
import type { Command } from 'commander';
import { convertNotebookFile, pairedFile, syncNotebookFiles } from '@tideflow/notebooks';
import type { CliIo } from '../context.js';

/** `tideflow notebook convert FILE [-o OUT]` and `tideflow notebook sync FILE`. */
export function registerNotebook(program: Command, io: CliIo): void {
  const notebook = program
    .command('notebook')
    .description('Notebooks as percent-format scripts (`// %%` cells), as jupytext keeps them.');
  const shown = (file: string) => relative(io.cwd, file) || file;
  notebook
    .command('convert')
    .description('Convert a .ts script to a new .ipynb (no outputs), or an .ipynb to a .ts script.')
    .argument('<file>', 'a .ts percent-format script or an .ipynb notebook')
    .option(
      '-o, --output <file>',
      'where to write (default: the same name with the other extension)',
    )
    .action((file: string, opts: { output?: string }) => {
      const from = resolve(io.cwd, file);
      const { to } = convertNotebookFile(from, resolve(io.cwd, opts.output ?? pairedFile(from)));
      io.stdout(`${shown(from)} → ${shown(to)}\n`);
    });
  notebook
    .command('sync')
    .description(
      'Update the paired file from the newer of FILE and its pair (x.ts ↔ x.ipynb); the .ipynb keeps its outputs.',
    )
    .argument('<file>', 'a .ts percent-format script or an .ipynb notebook')
    .action((file: string) => {
      const { from, to } = syncNotebookFiles(resolve(io.cwd, file));
      io.stdout(`${shown(from)} → ${shown(to)}\n`);
    });
}
