import type { Command } from 'commander';
import type { Tracker } from '@tideflow/core';
import type { CliIo } from '../context.js';
import { CliError, withStore } from '../context.js';
import type { GlobalOptions } from '../program.js';

/** A parsed `NAME [VERSION] ...` target: the registered model, or one of its versions. */
interface Target {
  name: string;
  version: number | null;
}

/** Parses a `3` / `v3` version argument. */
function parseVersion(text: string): number {
  const m = /^v?(\d+)$/i.exec(text);
  if (!m) throw new CliError(`Invalid version "${text}": give a number such as 3 or v3.`);
  return Number(m[1]);
}

/**
 * Splits `NAME [VERSION] REST...` by its count: with `rest` words after NAME it is the model,
 * with one more the first is a version.
 */
function splitTarget(words: readonly string[], rest: number, usage: string): [Target, string[]] {
  const [name, ...after] = words;
  if (after.length === rest) return [{ name, version: null }, after];
  if (after.length === rest + 1) return [{ name, version: parseVersion(after[0]) }, after.slice(1)];
  throw new CliError(`Expected ${usage}.`);
}

/** `NAME` or `NAME vN`, for messages. */
const label = ({ name, version }: Target): string =>
  version === null ? name : `${name} v${version}`;

/** The tags of the target (after checking it exists: an unknown name or version is an error). */
async function tagsOf(
  tracker: Tracker,
  { name, version }: Target,
): Promise<Record<string, string>> {
  if (version !== null) return (await tracker.getModelVersion(name, version)).tags;
  return (await tracker.getRegisteredModel(name)).tags;
}

/**
 * `tideflow models tag set|delete NAME [VERSION] KEY [VALUE]` and
 * `tideflow models description set|delete NAME [VERSION] [TEXT]`: MLflow's registered-model and
 * model-version tags and descriptions. Without VERSION they apply to the registered model.
 */
export function registerModelsTag(models: Command, io: CliIo): void {
  const tag = models
    .command('tag')
    .description('Set or delete a tag of a registered model, or of one version (MLflow tags).');
  tag
    .command('set')
    .description('Set KEY to VALUE on model NAME, or on its VERSION (3 or v3) when given.')
    .usage('NAME [VERSION] KEY VALUE')
    .argument('<words...>', 'NAME [VERSION] KEY VALUE')
    .action(async (words: string[], _o, cmd: Command) => {
      const opts = cmd.optsWithGlobals<GlobalOptions>();
      const [target, [key, value]] = splitTarget(words, 2, 'NAME [VERSION] KEY VALUE');
      await withStore(io, opts.trackingUri, async (tracker) => {
        if (target.version === null) await tracker.setRegisteredModelTag(target.name, key, value);
        else await tracker.setModelVersionTag(target.name, target.version, key, value);
        io.stdout(`${label(target)}: ${key}=${value}\n`);
      });
    });
  tag
    .command('delete')
    .description('Remove tag KEY of model NAME, or of its VERSION when given.')
    .usage('NAME [VERSION] KEY')
    .argument('<words...>', 'NAME [VERSION] KEY')
    .action(async (words: string[], _o, cmd: Command) => {
      const opts = cmd.optsWithGlobals<GlobalOptions>();
      const [target, [key]] = splitTarget(words, 1, 'NAME [VERSION] KEY');
      await withStore(io, opts.trackingUri, async (tracker) => {
        const tags = await tagsOf(tracker, target);
        if (!Object.hasOwn(tags, key)) {
          const known = Object.keys(tags).join(', ') || 'none';
          throw new CliError(`${label(target)} has no tag "${key}" (tags: ${known}).`);
        }
        if (target.version === null) await tracker.deleteRegisteredModelTag(target.name, key);
        else await tracker.deleteModelVersionTag(target.name, target.version, key);
        io.stdout(`Removed tag ${key} of ${label(target)}.\n`);
      });
    });

  const description = models
    .command('description')
    .description('Set or clear the description of a registered model, or of one version.');
  description
    .command('set')
    .description('Describe model NAME, or its VERSION when given.')
    .usage('NAME [VERSION] TEXT')
    .argument('<words...>', 'NAME [VERSION] TEXT')
    .action(async (words: string[], _o, cmd: Command) => {
      const opts = cmd.optsWithGlobals<GlobalOptions>();
      const [target, [text]] = splitTarget(words, 1, 'NAME [VERSION] TEXT');
      await withStore(io, opts.trackingUri, async (tracker) => {
        await update(tracker, target, text);
        io.stdout(`Described ${label(target)}.\n`);
      });
    });
  description
    .command('delete')
    .description('Clear the description of model NAME, or of its VERSION when given.')
    .usage('NAME [VERSION]')
    .argument('<words...>', 'NAME [VERSION]')
    .action(async (words: string[], _o, cmd: Command) => {
      const opts = cmd.optsWithGlobals<GlobalOptions>();
      const [target] = splitTarget(words, 0, 'NAME [VERSION]');
      await withStore(io, opts.trackingUri, async (tracker) => {
        await update(tracker, target, null);
        io.stdout(`Cleared the description of ${label(target)}.\n`);
      });
    });
}

async function update(tracker: Tracker, target: Target, description: string | null): Promise<void> {
  if (target.version === null) await tracker.updateRegisteredModel(target.name, { description });
  else await tracker.updateModelVersion(target.name, target.version, { description });
}
