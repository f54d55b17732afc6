import type { Command } from 'commander';
import {
  SETTINGS,
  activeProfileName,
  parseSetting,
  readProfiles,
  resolveFileSettings,
  writeProfiles,
  type SettingKey,
} from '@tideflow/core';
import { CliError, defaultTrackingUri, type CliIo } from '../context.js';
import { printJson } from '../format/json.js';
import { renderTable } from '../format/table.js';
import { outputWidth } from '../format/width.js';
import type { GlobalOptions } from '../program.js';

function settingKey(key: string): SettingKey {
  if (!(key in SETTINGS)) {
    throw new CliError(
      `Unknown setting "${key}"; the settings are ${Object.keys(SETTINGS).join(', ')}.`,
    );
  }
  return key as SettingKey;
}

function show(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/**
 * `tideflow config view|set|unset` and `tideflow profile ls|create|use|delete`: settings in named
 * profiles (`~/.tideflow/profiles.json`, or under `TIDEFLOW_HOME`), as Prefect's `config` and
 * `profile` commands. Values resolve as defaults < profile < environment.
 */
export function registerConfig(program: Command, io: CliIo): void {
  const config = program
    .command('config')
    .description('View and change settings of the active profile.');
  config
    .command('view')
    .description('Show every setting, its value and where it comes from.')
    .option('--json', 'print JSON')
    .action((_opts: unknown, cmd: Command) => {
      const opts = cmd.optsWithGlobals<GlobalOptions & { json?: boolean }>();
      const { values, sources } = resolveFileSettings(
        opts.trackingUri === undefined ? {} : { trackingUri: opts.trackingUri },
        io.env,
        () => '--tracking-uri',
      );
      // Show the store the CLI's commands use, not the library's in-process default (memory:).
      if (sources.trackingUri === 'default') values.trackingUri = defaultTrackingUri(io);
      const profile = activeProfileName(io.env);
      const keys = Object.keys(SETTINGS) as SettingKey[];
      if (opts.json) {
        io.stdout(
          printJson({
            profile,
            settings: Object.fromEntries(
              keys.map((k) => [
                k,
                { value: show(values[k]), source: sources[k], env: SETTINGS[k].env },
              ]),
            ),
          }),
        );
        return;
      }
      io.stdout(`profile: ${profile}\n`);
      io.stdout(
        renderTable(
          [
            { header: 'SETTING', min: 10 },
            { header: 'VALUE', min: 8 },
            { header: 'SOURCE' },
            { header: 'ENV', min: 10 },
          ],
          keys.map((k) => [k, show(values[k]), sources[k], SETTINGS[k].env]),
          outputWidth(io, opts.wide),
        ),
      );
    });
  config
    .command('set')
    .description(
      'Set settings in the active profile: tideflow config set loggingLevel=debug maxConcurrency=8',
    )
    .argument('<assignments...>', 'KEY=VALUE pairs')
    .action((assignments: string[]) => {
      const file = readProfiles(io.env);
      const name = activeProfileName(io.env);
      const profile = { ...(file.profiles[name] ?? {}) } as Record<string, unknown>;
      for (const assignment of assignments) {
        const eq = assignment.indexOf('=');
        if (eq <= 0) throw new CliError(`Expected KEY=VALUE, got "${assignment}".`);
        const key = settingKey(assignment.slice(0, eq));
        profile[key] = parseSetting(key, assignment.slice(eq + 1), key);
      }
      const path = writeProfiles(
        { ...file, profiles: { ...file.profiles, [name]: profile } },
        io.env,
      );
      io.stdout(`Updated profile "${name}" in ${path}.\n`);
    });
  config
    .command('unset')
    .description('Remove settings from the active profile (back to their defaults).')
    .argument('<keys...>', 'setting names')
    .action((keys: string[]) => {
      const file = readProfiles(io.env);
      const name = activeProfileName(io.env);
      const profile = { ...(file.profiles[name] ?? {}) } as Record<string, unknown>;
      for (const key of keys) delete profile[settingKey(key)];
      const path = writeProfiles(
        { ...file, profiles: { ...file.profiles, [name]: profile } },
        io.env,
      );
      io.stdout(`Updated profile "${name}" in ${path}.\n`);
    });

  const profile = program.command('profile').description('Manage settings profiles.');
  profile
    .command('ls')
    .description('List profiles; * marks the active one.')
    .action(() => {
      const file = readProfiles(io.env);
      const active = activeProfileName(io.env);
      for (const name of Object.keys(file.profiles).sort())
        io.stdout(`${name === active ? '*' : ' '} ${name}\n`);
    });
  profile
    .command('create')
    .description('Create an empty profile.')
    .argument('<name>')
    .action((name: string) => {
      const file = readProfiles(io.env);
      if (file.profiles[name]) throw new CliError(`Profile "${name}" already exists.`);
      writeProfiles({ ...file, profiles: { ...file.profiles, [name]: {} } }, io.env);
      io.stdout(`Created profile "${name}".\n`);
    });
  profile
    .command('use')
    .description('Make a profile the active one.')
    .argument('<name>')
    .action((name: string) => {
      const file = readProfiles(io.env);
      if (!file.profiles[name])
        throw new CliError(
          `No profile "${name}"; the profiles are ${Object.keys(file.profiles).join(', ')}.`,
        );
      writeProfiles({ ...file, active: name }, io.env);
      io.stdout(`Now using profile "${name}".\n`);
    });
  profile
    .command('delete')
    .description('Delete a profile (not the active one).')
    .argument('<name>')
    .action((name: string) => {
      const file = readProfiles(io.env);
      if (!file.profiles[name]) throw new CliError(`No profile "${name}".`);
      if (file.active === name)
        throw new CliError(
          `Profile "${name}" is active; switch with \`tideflow profile use\` first.`,
        );
      const profiles = { ...file.profiles };
      delete profiles[name];
      writeProfiles({ ...file, profiles }, io.env);
      io.stdout(`Deleted profile "${name}".\n`);
    });
}
