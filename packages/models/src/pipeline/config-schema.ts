import { TideflowError } from '@tideflow/core';

/**
 * Thrown when a pipeline configuration (file, `--set` override or code) has an unknown key or a
 * value of the wrong type or range. The message names the key and what is allowed.
 */
export class PipelineConfigError extends TideflowError {
  constructor(
    readonly key: string,
    detail: string,
  ) {
    super('PIPELINE_CONFIG', `Invalid configuration at "${key}": ${detail}`);
  }
}

/**
 * Keys that name an object's prototype machinery rather than data. A configuration that uses
 * them (`--set __proto__.x=1`, `constructor.prototype.x=1`, a YAML `__proto__:` key) could
 * change the prototype of every object in the process, so they are refused wherever they occur.
 */
const RESERVED_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

/** Throws a {@link PipelineConfigError} naming `path` when `key` is a reserved prototype key. */
export function checkKeyName(key: string, path: string): void {
  if (RESERVED_KEYS.has(key)) {
    throw new PipelineConfigError(
      path,
      `"${key}" is not allowed as a configuration key (it names object prototypes, not settings).`,
    );
  }
}

/** Checks every key of a plain value (objects and lists, at any depth) with {@link checkKeyName}. */
function checkKeyNames(value: unknown, path: string): void {
  if (typeof value !== 'object' || value === null) return;
  if (Array.isArray(value)) {
    value.forEach((item, i) => checkKeyNames(item, `${path}[${i}]`));
    return;
  }
  for (const [key, child] of Object.entries(value)) {
    const childPath = path ? `${path}.${key}` : key;
    checkKeyName(key, childPath);
    checkKeyNames(child, childPath);
  }
}

/** A leaf of the configuration schema: how one key is checked and documented. */
export type LeafSpec =
  | {
      kind: 'number';
      default: number | null;
      min?: number;
      max?: number;
      integer?: boolean;
      exclusiveMin?: boolean;
      nullable?: boolean;
      doc: string;
    }
  | { kind: 'boolean'; default: boolean; doc: string }
  | { kind: 'string'; default: string | null; nullable?: boolean; doc: string }
  | { kind: 'enum'; values: readonly (string | number)[]; default: string | number; doc: string }
  | { kind: 'list'; item: ItemSpec; default: readonly unknown[]; minLength?: number; doc: string }
  | { kind: 'record'; doc: string; default: Record<string, unknown> };

/** What each element of a `list` may be. */
export type ItemSpec =
  | {
      kind: 'number';
      min?: number;
      max?: number;
      exclusiveMin?: boolean;
      integer?: boolean;
      nullable?: boolean;
    }
  | { kind: 'enum'; values: readonly (string | number | boolean | null)[] }
  | {
      kind: 'number-or-enum';
      min?: number;
      max?: number;
      exclusiveMin?: boolean;
      integer?: boolean;
      values: readonly string[];
    };

/** A node of the schema: a leaf, or an object of nodes. */
export type SchemaNode =
  LeafSpec | { kind: 'object'; doc?: string; fields: Record<string, SchemaNode> };

function describeItem(item: ItemSpec): string {
  if (item.kind === 'enum') return `one of ${item.values.map((v) => JSON.stringify(v)).join(', ')}`;
  const range = [
    item.min !== undefined ? `${item.exclusiveMin ? '>' : '≥'} ${item.min}` : '',
    'max' in item && item.max !== undefined ? `≤ ${item.max}` : '',
  ]
    .filter(Boolean)
    .join(' and ');
  const base = `${'integer' in item && item.integer ? 'an integer' : 'a number'}${range ? ` ${range}` : ''}`;
  if (item.kind === 'number-or-enum')
    return `${base} or one of ${item.values.map((v) => JSON.stringify(v)).join(', ')}`;
  return 'nullable' in item && item.nullable ? `${base} or null` : base;
}

/** A human description of what a leaf accepts (used in errors and in docs/configuration.md). */
export function describeLeaf(spec: LeafSpec): string {
  switch (spec.kind) {
    case 'number':
      return describeItem({
        kind: 'number',
        min: spec.min,
        max: spec.max,
        integer: spec.integer,
        exclusiveMin: spec.exclusiveMin,
        nullable: spec.nullable,
      });
    case 'boolean':
      return 'true or false';
    case 'string':
      return spec.nullable ? 'a string or null' : 'a string';
    case 'enum':
      return `one of ${spec.values.map((v) => JSON.stringify(v)).join(', ')}`;
    case 'list':
      return `a list${spec.minLength ? ` of at least ${spec.minLength}` : ''}, each ${describeItem(spec.item)}`;
    case 'record':
      return 'an object';
  }
}

function checkNumber(
  key: string,
  value: unknown,
  rule: { min?: number; max?: number; integer?: boolean; exclusiveMin?: boolean },
  describe: string,
): number {
  const ok =
    typeof value === 'number' &&
    Number.isFinite(value) &&
    (!rule.integer || Number.isInteger(value)) &&
    (rule.min === undefined || (rule.exclusiveMin ? value > rule.min : value >= rule.min)) &&
    (rule.max === undefined || value <= rule.max);
  if (!ok)
    throw new PipelineConfigError(key, `expected ${describe}, got ${JSON.stringify(value)}.`);
  return value;
}

function checkItem(key: string, item: ItemSpec, value: unknown): unknown {
  if (item.kind === 'enum') {
    if (!item.values.includes(value as string))
      throw new PipelineConfigError(
        key,
        `expected ${describeItem(item)}, got ${JSON.stringify(value)}.`,
      );
    return value;
  }
  if (item.kind === 'number-or-enum' && typeof value === 'string') {
    if (!item.values.includes(value))
      throw new PipelineConfigError(
        key,
        `expected ${describeItem(item)}, got ${JSON.stringify(value)}.`,
      );
    return value;
  }
  if (item.kind === 'number' && item.nullable && value === null) return null;
  return checkNumber(key, value, item, describeItem(item));
}

/** Checks one leaf value, returning it (numbers from YAML stay numbers; nothing is coerced silently). */
export function checkLeaf(key: string, spec: LeafSpec, value: unknown): unknown {
  switch (spec.kind) {
    case 'number':
      if (value === null && spec.nullable) return null;
      return checkNumber(key, value, spec, describeLeaf(spec));
    case 'boolean':
      if (typeof value !== 'boolean')
        throw new PipelineConfigError(key, `expected true or false, got ${JSON.stringify(value)}.`);
      return value;
    case 'string':
      if (value === null && spec.nullable) return null;
      if (typeof value !== 'string')
        throw new PipelineConfigError(
          key,
          `expected ${describeLeaf(spec)}, got ${JSON.stringify(value)}.`,
        );
      return value;
    case 'enum':
      if (!spec.values.includes(value as string))
        throw new PipelineConfigError(
          key,
          `expected ${describeLeaf(spec)}, got ${JSON.stringify(value)}.`,
        );
      return value;
    case 'list': {
      const list = Array.isArray(value) ? value : [value];
      if (spec.minLength && list.length < spec.minLength) {
        throw new PipelineConfigError(
          key,
          `expected at least ${spec.minLength} value(s), got ${list.length}.`,
        );
      }
      return list.map((v, i) => checkItem(`${key}[${i}]`, spec.item, v));
    }
    case 'record':
      if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        throw new PipelineConfigError(key, `expected an object, got ${JSON.stringify(value)}.`);
      }
      checkKeyNames(value, key);
      return value;
  }
}

/** The default values of a schema node. */
export function defaultsOf(node: SchemaNode): unknown {
  if (node.kind !== 'object') return structuredClone(node.default);
  return Object.fromEntries(
    Object.entries(node.fields).map(([k, child]) => [k, defaultsOf(child)]),
  );
}

/**
 * Merges `overrides` into `base` under `node`, checking every key and value; unknown keys are
 * errors that list the known ones. Returns a new object.
 */
export function mergeChecked(
  node: SchemaNode,
  base: unknown,
  overrides: unknown,
  path: string,
): unknown {
  if (node.kind !== 'object') return checkLeaf(path, node, overrides);
  if (typeof overrides !== 'object' || overrides === null || Array.isArray(overrides)) {
    throw new PipelineConfigError(
      path || '(root)',
      `expected an object with keys ${Object.keys(node.fields).join(', ')}.`,
    );
  }
  const out = { ...(base as Record<string, unknown>) };
  for (const [key, value] of Object.entries(overrides)) {
    const childPath = path ? `${path}.${key}` : key;
    checkKeyName(key, childPath);
    // Own keys only: `toString` or `hasOwnProperty` must not resolve through Object.prototype.
    const child = Object.hasOwn(node.fields, key) ? node.fields[key] : undefined;
    if (!child) {
      throw new PipelineConfigError(
        childPath,
        `unknown key; the keys here are ${Object.keys(node.fields).join(', ')}.`,
      );
    }
    out[key] = mergeChecked(child, out[key], value, childPath);
  }
  return out;
}

/** Every leaf of the schema with its dotted key, for documentation. */
export function leaves(node: SchemaNode, path = ''): { key: string; spec: LeafSpec }[] {
  if (node.kind !== 'object') return [{ key: path, spec: node }];
  return Object.entries(node.fields).flatMap(([k, child]) =>
    leaves(child, path ? `${path}.${k}` : k),
  );
}
