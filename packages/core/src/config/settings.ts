import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { InvalidOptionError } from '../errors.js';
import { trackerSchemes, uriScheme } from '../tracking/open.js';
import { LOG_LEVELS, type LogLevel } from '../logger.js';

/** The settings that can come from a profile file or the environment (plain values only). */
export interface FileSettings {
  /** Make every flow and task a plain function call. Env `TIDEFLOW_DISABLED`. */
  disabled: boolean;
  /** Minimum level of the default logger. Env `TIDEFLOW_LOGGING_LEVEL`. */
  loggingLevel: LogLevel;
  /**
   * The level at which the engine logs each run's lifecycle (flow run created, task run started
   * or retrying, finished in state ...), or `off`. Env `TIDEFLOW_RUN_LOG_LEVEL`.
   *
   * @default 'info'
   */
  runLogLevel: LogLevel | 'off';
  /** Where runs are tracked: `memory:` or `sqlite:///path/to/tideflow.db`. Env `TIDEFLOW_TRACKING_URI`. */
  trackingUri: string;
  /** Recompute every cached task and overwrite its entry. Env `TIDEFLOW_REFRESH_CACHE`. */
  refreshCache: boolean;
  /** Default `maxConcurrency` of flow runs (0 = unlimited). Env `TIDEFLOW_MAX_CONCURRENCY`. */
  maxConcurrency: number;
  /** Concurrency limits by task tag, e.g. `{ gpu: 1 }`. Env `TIDEFLOW_CONCURRENCY_LIMITS` (JSON). */
  concurrencyLimits: Record<string, number>;
  /**
   * The default task runner of flow runs: `in-process`, or `workers:N` for a pool of N worker
   * threads (`workers` alone: one per core). Env `TIDEFLOW_TASK_RUNNER`.
   *
   * @default 'in-process'
   */
  taskRunner: string;
}

/** The name of each setting key (as in profile files and `tideflow config set KEY VALUE`). */
export type SettingKey = keyof FileSettings;

/** How one setting is read: its environment variable, default, parser and meaning. */
export interface SettingSpec<K extends SettingKey> {
  /** The environment variable, e.g. `TIDEFLOW_LOGGING_LEVEL`. */
  env: string;
  /** The value when nothing sets it. */
  default: FileSettings[K];
  /** Parses a raw value (from a file, the environment or the CLI); throws InvalidOptionError naming `source`. */
  parse: (raw: unknown, source: string) => FileSettings[K];
  /** What it does, for `tideflow config view` and the docs. */
  description: string;
}

function parseBool(raw: unknown, source: string): boolean {
  if (typeof raw === 'boolean') return raw;
  const s = String(raw).trim().toLowerCase();
  if (['1', 'true', 'yes', 'on'].includes(s)) return true;
  if (['0', 'false', 'no', 'off', ''].includes(s)) return false;
  throw new InvalidOptionError(
    `${source}: expected a boolean (1/0, true/false), got "${String(raw)}".`,
  );
}

function parseLevel(raw: unknown, source: string, allowOff: boolean): LogLevel | 'off' {
  const s = String(raw).trim().toLowerCase();
  const allowed = [...Object.keys(LOG_LEVELS), ...(allowOff ? ['off'] : [])];
  if (!allowed.includes(s)) {
    throw new InvalidOptionError(
      `${source}: expected one of ${allowed.join(', ')}, got "${String(raw)}".`,
    );
  }
  return s as LogLevel | 'off';
}

function parseNonNegativeInt(raw: unknown, source: string): number {
  const n = typeof raw === 'number' ? raw : Number(String(raw).trim());
  if (!Number.isInteger(n) || n < 0) {
    throw new InvalidOptionError(`${source}: expected an integer ≥ 0, got "${String(raw)}".`);
  }
  return n;
}

function parseLimits(raw: unknown, source: string): Record<string, number> {
  let value = raw;
  if (typeof raw === 'string') {
    try {
      value = JSON.parse(raw);
    } catch {
      throw new InvalidOptionError(
        `${source}: expected a JSON object of tag → limit, got "${raw}".`,
      );
    }
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new InvalidOptionError(`${source}: expected an object of tag → limit.`);
  }
  const out: Record<string, number> = {};
  for (const [tag, limit] of Object.entries(value)) {
    const n = parseNonNegativeInt(limit, `${source}.${tag}`);
    if (n < 1) throw new InvalidOptionError(`${source}.${tag}: a concurrency limit must be ≥ 1.`);
    out[tag] = n;
  }
  return out;
}

function parseTaskRunner(raw: unknown, source: string): string {
  const s = String(raw).trim().toLowerCase();
  if (s === 'in-process' || s === 'workers') return s;
  const match = /^workers:(\d+)$/.exec(s);
  if (match && Number(match[1]) >= 1) return `workers:${Number(match[1])}`;
  throw new InvalidOptionError(
    `${source}: expected "in-process", "workers" or "workers:N" with N ≥ 1 worker threads, got "${String(raw)}".`,
  );
}

/** Every setting: its environment variable, default, parser and meaning. */
export const SETTINGS: { readonly [K in SettingKey]: SettingSpec<K> } = {
  disabled: {
    env: 'TIDEFLOW_DISABLED',
    default: false,
    parse: parseBool,
    description: 'Run flows and tasks as plain function calls (no states, cache or tracking).',
  },
  loggingLevel: {
    env: 'TIDEFLOW_LOGGING_LEVEL',
    default: 'info',
    parse: (raw, source) => parseLevel(raw, source, false) as LogLevel,
    description: 'Minimum level of the default logger: debug, info, warn or error.',
  },
  runLogLevel: {
    env: 'TIDEFLOW_RUN_LOG_LEVEL',
    default: 'info',
    parse: (raw, source) => parseLevel(raw, source, true),
    description:
      'Level of the run lifecycle logs (flow run created, task run started/retrying, finished in state ...): debug, info, warn, error or off.',
  },
  trackingUri: {
    env: 'TIDEFLOW_TRACKING_URI',
    default: 'memory:',
    parse: (raw, source) => {
      const s = String(raw).trim();
      const scheme = uriScheme(s);
      if (scheme === undefined || !trackerSchemes().includes(scheme)) {
        throw new InvalidOptionError(
          `${source}: expected a tracking URI of a registered scheme (${trackerSchemes()
            .map((x) => `${x}:`)
            .join(', ')}), e.g. "memory:" or "sqlite:///path/to/tideflow.db", got "${s}".`,
        );
      }
      return s;
    },
    description:
      'Where runs are tracked: memory:, sqlite:///path/to/tideflow.db, or a URI of any scheme a backend package registered.',
  },
  refreshCache: {
    env: 'TIDEFLOW_REFRESH_CACHE',
    default: false,
    parse: parseBool,
    description: 'Recompute every cached task and overwrite its cache entry.',
  },
  maxConcurrency: {
    env: 'TIDEFLOW_MAX_CONCURRENCY',
    default: 0,
    parse: parseNonNegativeInt,
    description:
      'Default maximum number of concurrently running tasks per flow run (0 = unlimited).',
  },
  concurrencyLimits: {
    env: 'TIDEFLOW_CONCURRENCY_LIMITS',
    default: {},
    parse: parseLimits,
    description: 'Concurrency limits by task tag, as JSON: {"gpu": 1}.',
  },
  taskRunner: {
    env: 'TIDEFLOW_TASK_RUNNER',
    default: 'in-process',
    parse: parseTaskRunner,
    description:
      'Default task runner of flow runs: in-process, or workers:N for N worker threads (workers: one per core).',
  },
};

/** The profiles file: named sets of settings and which one is active. */
export interface ProfilesFile {
  /** The profile used unless `TIDEFLOW_PROFILE` names another. */
  active: string;
  /** Settings by profile name. */
  profiles: Record<string, Partial<FileSettings>>;
}

/** The folder holding `profiles.json`: `TIDEFLOW_HOME`, else `~/.tideflow`. */
export function tideflowHome(env: NodeJS.ProcessEnv = process.env): string {
  return env.TIDEFLOW_HOME ?? join(homedir(), '.tideflow');
}

/** Reads the profiles file (an empty default profile when there is none). */
export function readProfiles(env: NodeJS.ProcessEnv = process.env): ProfilesFile {
  const path = join(tideflowHome(env), 'profiles.json');
  if (!existsSync(path)) return { active: 'default', profiles: { default: {} } };
  try {
    const parsed = JSON.parse(readFileSync(path, 'utf8')) as ProfilesFile;
    return { active: parsed.active ?? 'default', profiles: parsed.profiles ?? { default: {} } };
  } catch (error) {
    throw new InvalidOptionError(
      `Cannot read the profiles file ${path}: ${(error as Error).message}`,
    );
  }
}

/** Writes the profiles file atomically (a temporary file renamed over it). */
export function writeProfiles(
  profiles: ProfilesFile,
  env: NodeJS.ProcessEnv = process.env,
): string {
  const dir = tideflowHome(env);
  mkdirSync(dir, { recursive: true });
  const path = join(dir, 'profiles.json');
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(profiles, null, 2) + '\n');
  renameSync(tmp, path);
  return path;
}

/** The name of the profile in effect: `TIDEFLOW_PROFILE`, else the file's active profile. */
export function activeProfileName(env: NodeJS.ProcessEnv = process.env): string {
  return env.TIDEFLOW_PROFILE ?? readProfiles(env).active;
}

/** Parses one setting's raw value, naming its source in errors. */
export function parseSetting<K extends SettingKey>(
  key: K,
  raw: unknown,
  source: string,
): FileSettings[K] {
  const spec = SETTINGS[key] as SettingSpec<K> | undefined;
  if (!spec) {
    throw new InvalidOptionError(
      `Unknown setting "${String(key)}"; known settings: ${Object.keys(SETTINGS).join(', ')}.`,
    );
  }
  return spec.parse(raw, source);
}

/** Where a resolved setting came from. */
export type SettingSource = 'default' | 'profile' | 'env' | 'explicit';

/**
 * Resolves every file setting: defaults < active profile < environment < `explicit`, and says where
 * each value came from. Every value is checked; an error names its source (`explicitSource`
 * names an explicit one, e.g. a command-line option).
 */
export function resolveFileSettings(
  explicit: Partial<FileSettings> = {},
  env: NodeJS.ProcessEnv = process.env,
  explicitSource: (key: SettingKey) => string = (key) => `configure({ ${key} })`,
): { values: FileSettings; sources: Record<SettingKey, SettingSource> } {
  const profileName = activeProfileName(env);
  const profile = readProfiles(env).profiles[profileName] ?? {};
  const values = {} as Record<SettingKey, unknown>;
  const sources = {} as Record<SettingKey, SettingSource>;
  for (const key of Object.keys(SETTINGS) as SettingKey[]) {
    const spec = SETTINGS[key];
    let value: unknown = spec.default;
    let source: SettingSource = 'default';
    if (profile[key] !== undefined) {
      value = parseSetting(key, profile[key], `profile "${profileName}" setting ${key}`);
      source = 'profile';
    }
    const raw = env[spec.env];
    if (raw !== undefined && raw !== '') {
      value = parseSetting(key, raw, spec.env);
      source = 'env';
    }
    if (explicit[key] !== undefined) {
      value = parseSetting(key, explicit[key], explicitSource(key));
      source = 'explicit';
    }
    values[key] = value;
    sources[key] = source;
  }
  return { values: values as unknown as FileSettings, sources };
}
