import { MAX_PARAM_VALUE_LENGTH } from './record-checks.js';

/** How deep nested parameter objects are flattened into `a.b.c` keys. */
const MAX_DEPTH = 6;
/** Arrays up to this length are logged whole (as JSON); longer ones as a summary. */
const MAX_ARRAY = 32;

function summary(value: unknown): string | undefined {
  if (value === null || value === undefined) return String(value);
  if (typeof value === 'string') {
    return value.length > MAX_PARAM_VALUE_LENGTH
      ? `${value.slice(0, MAX_PARAM_VALUE_LENGTH - 1)}…`
      : value;
  }
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint')
    return String(value);
  if (typeof value === 'function') return `[function ${value.name || 'anonymous'}]`;
  if (typeof value === 'symbol') return value.toString();
  if (ArrayBuffer.isView(value))
    return `${value.constructor.name}(${(value as unknown as { length?: number }).length ?? value.byteLength})`;
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) {
    if (
      value.length <= MAX_ARRAY &&
      value.every((v) => v === null || ['string', 'number', 'boolean'].includes(typeof v))
    ) {
      const json = JSON.stringify(value);
      if (json.length <= MAX_PARAM_VALUE_LENGTH) return json;
    }
    return `Array(${value.length})`;
  }
  return undefined;
}

/**
 * Flattens parameters into MLflow-style params: nested plain objects become `a.b.c` keys; arrays of a
 * few primitives are kept as JSON; large data (typed arrays, long arrays, class instances) is
 * summarised (`Float64Array(60000)`, `Array(5000)`, `Dataset`) so that a flow taking a data set
 * logs its shape, not its contents.
 */
export function flattenParams(
  params: Readonly<Record<string, unknown>>,
  prefix = '',
  depth = 0,
  out: Record<string, string> = {},
): Record<string, string> {
  for (const [key, value] of Object.entries(params)) {
    const name = prefix ? `${prefix}.${key}` : key;
    const simple = summary(value);
    if (simple !== undefined) {
      out[name] = simple;
      continue;
    }
    const proto: unknown = Object.getPrototypeOf(value);
    const plain = proto === Object.prototype || proto === null;
    if (value instanceof Map) {
      out[name] = `Map(${value.size})`;
    } else if (value instanceof Set) {
      out[name] = `Set(${value.size})`;
    } else if (!plain) {
      out[name] = (value as object).constructor?.name ?? 'object';
    } else if (depth >= MAX_DEPTH) {
      out[name] = 'Object';
    } else {
      flattenParams(value as Record<string, unknown>, name, depth + 1, out);
    }
  }
  return out;
}
