import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { ParameterValidationError } from '@tideflow/core';
import type { Definition } from '@tideflow/core';

/**
 * Keys that name an object's prototype machinery rather than data: a parameter that used them
 * (`--param __proto__.x=1`, a YAML `constructor:` key) could change every object's prototype.
 * The same keys `--set` refuses.
 */
const RESERVED_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

function refuseReserved(flowName: string, key: string, path: string): void {
  if (RESERVED_KEYS.has(key)) {
    throw new ParameterValidationError(
      flowName,
      path,
      `"${key}" is not allowed as a key (it names object prototypes, not data).`,
    );
  }
}

/** Checks every key of a parsed value (objects and lists, at any depth). */
function checkKeys(flowName: string, value: unknown, path: string): void {
  if (typeof value !== 'object' || value === null) return;
  if (Array.isArray(value)) {
    value.forEach((item, i) => checkKeys(flowName, item, `${path}[${i}]`));
    return;
  }
  for (const [key, child] of Object.entries(value)) {
    const childPath = `${path}.${key}`;
    refuseReserved(flowName, key, childPath);
    checkKeys(flowName, child, childPath);
  }
}

/** A command-line value with no known type: JSON when it parses (numbers, lists, null, booleans), else YAML (bare words, `[a, b]`), else the text. */
function parseUntyped(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    try {
      return parseYaml(text) as unknown;
    } catch {
      return text;
    }
  }
}

/**
 * A `--param` value, typed by the parameter's declared type when the compiler recorded it
 * (`design:paramtypes`: `String` keeps the text, `Number` and `Boolean` must parse), else parsed
 * as JSON or YAML.
 */
function parseTyped(flowName: string, name: string, text: string, type: unknown): unknown {
  if (type === String) return text;
  if (type === Number) {
    const n = text.trim() === '' ? Number.NaN : Number(text);
    if (!Number.isFinite(n))
      throw new ParameterValidationError(flowName, name, `expected a number, got "${text}".`);
    return n;
  }
  if (type === Boolean) {
    if (text === 'true' || text === 'false') return text === 'true';
    throw new ParameterValidationError(flowName, name, `expected true or false, got "${text}".`);
  }
  return parseUntyped(text);
}

/** Reads a `--params` file: a YAML or JSON mapping from parameter names to values. */
async function readParamsFile(flowName: string, path: string): Promise<Record<string, unknown>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new ParameterValidationError(
      flowName,
      '--params',
      `cannot read ${path}: ${(error as Error).message}`,
    );
  }
  let value: unknown;
  try {
    value = extname(path).toLowerCase() === '.json' ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    throw new ParameterValidationError(
      flowName,
      '--params',
      `${path} is not valid ${extname(path).toLowerCase() === '.json' ? 'JSON' : 'YAML'}: ${(error as Error).message}`,
    );
  }
  if (value === null || value === undefined) return {};
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new ParameterValidationError(
      flowName,
      '--params',
      `${path} must hold a mapping from parameter names to values.`,
    );
  }
  return value as Record<string, unknown>;
}

/** Where a flow's parameters come from, lowest precedence first. */
export interface FlowParamSources {
  /** A YAML or JSON file (`--params`), already resolved to an absolute path. */
  file?: string;
  /** `--param key=value` assignments (`key.field=value` sets a field of an object parameter). */
  assignments: readonly string[];
}

/**
 * The arguments of a call of `def`'s flow from `--params` and `--param` (which wins), positional
 * by the flow's parameter names; parameters given nowhere are left `undefined`, so the flow's
 * defaults apply.
 *
 * @throws ParameterValidationError naming the parameter: one the flow does not have, a
 *   prototype key (`__proto__`, `constructor`, `prototype`), a malformed assignment, or a value
 *   that does not parse as the parameter's declared type.
 */
export async function flowArguments(
  def: Definition,
  sources: FlowParamSources,
): Promise<unknown[]> {
  const flowName = def.name;
  const names = def.paramNames;
  const unknown = (name: string, path: string): never => {
    throw new ParameterValidationError(
      flowName,
      path,
      `the flow has no parameter "${name}" (its parameters: ${names.length ? names.join(', ') : 'none'}).`,
    );
  };
  const values: Record<string, unknown> = {};
  if (sources.file) {
    for (const [name, value] of Object.entries(await readParamsFile(flowName, sources.file))) {
      refuseReserved(flowName, name, name);
      if (!names.includes(name)) unknown(name, name);
      checkKeys(flowName, value, name);
      values[name] = value;
    }
  }
  for (const assignment of sources.assignments) {
    const eq = assignment.indexOf('=');
    if (eq <= 0) {
      throw new ParameterValidationError(
        flowName,
        assignment,
        'expected --param name=value (or name.field=value).',
      );
    }
    const key = assignment.slice(0, eq).trim();
    const path = key.split('.');
    path.forEach((part, i) => {
      const prefix = path.slice(0, i + 1).join('.');
      if (part === '')
        throw new ParameterValidationError(flowName, key, 'empty key segment in --param.');
      refuseReserved(flowName, part, prefix);
    });
    const index = names.indexOf(path[0]);
    if (index < 0) unknown(path[0], key);
    const text = assignment.slice(eq + 1);
    if (path.length === 1) {
      const value = parseTyped(flowName, path[0], text, def.paramTypes?.[index]);
      checkKeys(flowName, value, key);
      values[path[0]] = value;
      continue;
    }
    const parsed = parseUntyped(text);
    checkKeys(flowName, parsed, key);
    let node = values;
    for (const [i, part] of path.slice(0, -1).entries()) {
      const next = Object.hasOwn(node, part) ? node[part] : undefined;
      if (
        next !== undefined &&
        (typeof next !== 'object' || next === null || Array.isArray(next))
      ) {
        throw new ParameterValidationError(
          flowName,
          path.slice(0, i + 1).join('.'),
          `is set to a value and used as an object by --param ${key}.`,
        );
      }
      node = (next ?? (node[part] = {})) as Record<string, unknown>;
    }
    node[path[path.length - 1]] = parsed;
  }
  const args = names.map((name) => (Object.hasOwn(values, name) ? values[name] : undefined));
  while (args.length && args[args.length - 1] === undefined) args.pop();
  return args;
}
