import type { Command } from 'commander';
import type { CliIo } from '../context.js';
import { CliError, withStore } from '../context.js';
import type { GlobalOptions } from '../program.js';

/** `tideflow models alias set NAME ALIAS [VERSION]` and `tideflow models alias delete NAME ALIAS`. */
export function registerModelsAlias(models: Command, io: CliIo): void {
  const alias = models
    .command('alias')
    .description('Point an alias (e.g. champion) at a version, or remove it.');
  alias
    .command('set')
    .description('Point ALIAS at VERSION (default: the latest version), moving it if it exists.')
    .argument('<name>', 'registered model name')
    .argument('<alias>', 'alias name (letters, digits, "_" and "-"; not latest or v<n>)')
    .argument('[version]', 'version number (3 or v3); default: the latest')
    .action(
      async (name: string, aliasName: string, version: string | undefined, _o, cmd: Command) => {
        const opts = cmd.optsWithGlobals<GlobalOptions>();
        const m = version === undefined ? null : /^v?(\d+)$/i.exec(version);
        if (version !== undefined && !m)
          throw new CliError(`Invalid version "${version}": give a number such as 3 or v3.`);
        await withStore(io, opts.trackingUri, async (tracker) => {
          const target = m ? Number(m[1]) : (await tracker.getModelVersion(name, 'latest')).version;
          await tracker.setModelAlias(name, aliasName, target);
          io.stdout(`${name}@${aliasName} -> v${target}\n`);
        });
      },
    );
  alias
    .command('delete')
    .description('Remove an alias.')
    .argument('<name>', 'registered model name')
    .argument('<alias>', 'alias name')
    .action(async (name: string, aliasName: string, _o, cmd: Command) => {
      const opts = cmd.optsWithGlobals<GlobalOptions>();
      await withStore(io, opts.trackingUri, async (tracker) => {
        const registered = await tracker.getRegisteredModel(name);
        if (!(aliasName in registered.aliases)) {
          const known = Object.keys(registered.aliases).join(', ') || 'none';
          throw new CliError(`Model ${name} has no alias "${aliasName}" (aliases: ${known}).`);
        }
        await tracker.deleteModelAlias(name, aliasName);
        io.stdout(`Removed ${name}@${aliasName}.\n`);
      });
    });
}
