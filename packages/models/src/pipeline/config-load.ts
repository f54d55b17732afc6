import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { PipelineConfigError, checkKeyName } from './config-schema.js';
import { defaultPipelineConfig, mergePipelineConfig, type PipelineConfig } from './config.js';

/** Parses a scalar written on the command line: JSON when it parses (numbers, lists, null, booleans), else the string. */
function parseValue(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    // Lists of bare words, as YAML flow sequences: [uniform, distance].
    return parseYaml(text) as unknown;
  }
}

/**
 * Turns `--set key.path=value` assignments into an overrides object: `models.knn.nNeighbors=[5,15]`,
 * `strategy=voting`, `data.label=species`.
 */
export function parseSetOverrides(assignments: readonly string[]): Record<string, unknown> {
  // Prototype-free nodes: no key of an assignment can reach Object.prototype.
  const out = Object.create(null) as Record<string, unknown>;
  for (const assignment of assignments) {
    const eq = assignment.indexOf('=');
    if (eq <= 0) throw new PipelineConfigError(assignment, 'expected key.path=value.');
    const key = assignment.slice(0, eq).trim();
    const path = key.split('.');
    path.forEach((part, i) => {
      const prefix = path.slice(0, i + 1).join('.');
      if (part === '')
        throw new PipelineConfigError(key, 'empty key segment; expected key.path=value.');
      checkKeyName(part, prefix);
    });
    let node = out;
    for (const [i, part] of path.slice(0, -1).entries()) {
      const next = Object.hasOwn(node, part) ? node[part] : undefined;
      if (
        next !== undefined &&
        (typeof next !== 'object' || next === null || Array.isArray(next))
      ) {
        throw new PipelineConfigError(
          path.slice(0, i + 1).join('.'),
          `is set to a value by one --set and used as an object by another (${key}).`,
        );
      }
      node = (next ?? (node[part] = Object.create(null))) as Record<string, unknown>;
    }
    node[path[path.length - 1]] = parseValue(assignment.slice(eq + 1).trim());
  }
  return out;
}

/** Reads a YAML or JSON configuration file. */
export async function readConfigFile(path: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new PipelineConfigError('--config', `cannot read ${path}: ${(error as Error).message}`);
  }
  try {
    return extname(path).toLowerCase() === '.json'
      ? (JSON.parse(text) as unknown)
      : (parseYaml(text) as unknown);
  } catch (error) {
    throw new PipelineConfigError(
      '--config',
      `${path} is not valid ${extname(path) === '.json' ? 'JSON' : 'YAML'}: ${(error as Error).message}`,
    );
  }
}

/** Where a configuration comes from, lowest precedence first. */
export interface ConfigSources {
  /** A YAML or JSON file. */
  file?: string;
  /** `--set` assignments. */
  set?: readonly string[];
  /** Overrides from code or CLI flags (`--dim`, `--data`, ...), applied last. */
  overrides?: unknown;
}

/** Resolves the configuration: defaults < file < `--set` < overrides. */
export async function resolvePipelineConfig(sources: ConfigSources = {}): Promise<PipelineConfig> {
  let config = defaultPipelineConfig();
  if (sources.file)
    config = mergePipelineConfig(config, (await readConfigFile(sources.file)) ?? {});
  if (sources.set?.length) config = mergePipelineConfig(config, parseSetOverrides(sources.set));
  if (sources.overrides) config = mergePipelineConfig(config, sources.overrides);
  if (config.data.path && config.data.source === 'blobs') config.data.source = 'csv';
  if (config.data.source === 'blobs' && (config.data.testPath || config.data.label)) {
    throw new PipelineConfigError(
      config.data.testPath ? 'data.testPath' : 'data.label',
      'a test file and a label column need a training CSV (data.path, --data FILE.csv).',
    );
  }
  if (config.data.source === 'csv' && !config.data.path) {
    throw new PipelineConfigError(
      'data.path',
      'data.source is csv but no file is given (--data FILE.csv).',
    );
  }
  return config;
}
