import type { JsonObject, JsonValue } from './nbformat.js';

/**
 * Cell metadata on a percent-format marker line (`// %% Title [markdown] key=value ...`), read
 * and written as jupytext does: values are JSON in Python's `json.dumps` style, a bare key means
 * `null`, text it cannot read is kept under `incorrectly_encoded_metadata`.
 */

/** Cell metadata that jupytext keeps out of the text (the paired `.ipynb` keeps it). */
export const IGNORED_CELL_METADATA: ReadonlySet<string> = new Set([
  'autoscroll',
  'collapsed',
  'scrolled',
  'trusted',
  'execution',
  'ExecuteTime',
  'skipline',
  'noskipline',
  'cell_marker',
  'lines_to_next_cell',
  'lines_to_end_of_cell_marker',
]);

/** Layout metadata that jupytext writes into the ipynb but never onto a marker line. */
const LAYOUT_METADATA = new Set([
  'skipline',
  'noskipline',
  'cell_marker',
  'lines_to_next_cell',
  'lines_to_end_of_cell_marker',
]);

/** A metadata value as marker-line text: strings as they are, anything else as JSON. */
function asText(value: JsonValue | undefined): string {
  return typeof value === 'string' ? value : JSON.stringify(value ?? null);
}

const IS_IDENTIFIER = /^[a-zA-Z_.]+[a-zA-Z0-9_.]*$/;
const IS_VALID_KEY = /^[a-zA-Z0-9_.@/-]+$/;

/** Python's `json.dumps(value)`: `", "` and `": "` separators, non-ASCII escaped. */
export function pythonJsonDumps(value: JsonValue): string {
  if (Array.isArray(value)) return `[${value.map(pythonJsonDumps).join(', ')}]`;
  if (typeof value === 'object' && value !== null) {
    return `{${Object.entries(value)
      .map(([k, v]) => `${asciiJson(k)}: ${pythonJsonDumps(v)}`)
      .join(', ')}}`;
  }
  if (typeof value === 'string') return asciiJson(value);
  if (typeof value === 'number' && !Number.isFinite(value)) {
    return Number.isNaN(value) ? 'NaN' : value > 0 ? 'Infinity' : '-Infinity';
  }
  return JSON.stringify(value);
}

function asciiJson(text: string): string {
  return JSON.stringify(text).replace(
    /[\u007f-\uffff]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/** jupytext's marker line text for a cell: `Title [cell_type] key=value ...`. */
export function metadataToMarkerText(metadata: JsonObject): string {
  const meta = { ...metadata };
  const words: string[] = [];
  if ('title' in meta) {
    words.push(asText(meta.title));
    delete meta.title;
  }
  if ('cell_depth' in meta) {
    words.unshift('%'.repeat(Number(meta.cell_depth)));
    delete meta.cell_depth;
  }
  if ('cell_type' in meta) {
    const region = 'region_name' in meta ? meta.region_name : meta.cell_type;
    delete meta.region_name;
    delete meta.cell_type;
    words.push(`[${asText(region)}]`);
  }
  const text = words.length ? [words.join(' ')] : [];
  for (const [key, value] of Object.entries(meta)) {
    if (LAYOUT_METADATA.has(key)) continue;
    if (key === 'incorrectly_encoded_metadata') text.push(asText(value));
    else if (value === null) text.push(key);
    else text.push(`${key}=${pythonJsonDumps(value)}`);
  }
  return text.join(' ');
}

function relaxedJson(text: string): JsonValue | undefined {
  try {
    return JSON.parse(
      text.trim().replace(/\bNaN\b|-?\bInfinity\b/g, (m) => `"__${m}__"`),
      (_k, v: unknown) =>
        v === '__NaN__'
          ? NaN
          : v === '__Infinity__'
            ? Infinity
            : v === '__-Infinity__'
              ? -Infinity
              : v,
    ) as JsonValue;
  } catch {
    return undefined;
  }
}

/** Parses `key1=value1 key2=value2` (values JSON), right to left as jupytext does. */
function parseKeyEqualValue(input: string): JsonObject {
  const text = input.trim();
  if (!text) return {};
  const lastSpace = text.lastIndexOf(' ');
  const lastWord = text.slice(lastSpace + 1);
  if (!text.startsWith('--') && IS_IDENTIFIER.test(lastWord)) {
    return {
      ...(lastSpace > 0 ? parseKeyEqualValue(text.slice(0, lastSpace)) : {}),
      [lastWord]: null,
    };
  }
  let equal = text.length;
  for (;;) {
    equal = text.lastIndexOf('=', equal - 1);
    if (equal < 0) return { incorrectly_encoded_metadata: text };
    const prevSpace = text.slice(0, equal).trimEnd().lastIndexOf(' ');
    const key = text.slice(prevSpace + 1, equal).trim();
    if (!IS_VALID_KEY.test(key)) continue;
    const value = relaxedJson(text.slice(equal + 1));
    if (value === undefined) continue;
    const rest = prevSpace > 0 ? parseKeyEqualValue(text.slice(0, prevSpace)) : {};
    rest[key] = value;
    return rest;
  }
}

/**
 * Reads the text after `%%` on a marker line into cell metadata: the title, `cell_type` from
 * `[markdown]`/`[raw]`/`[md]`, `cell_depth` from extra `%`, then `key=value` pairs (or one JSON
 * object).
 */
export function markerTextToMetadata(options: string): JsonObject {
  const text = options.trim();
  const firstCurly = text.indexOf('{');
  const firstEqual = text.indexOf('=');
  let title: string;
  let metadata: JsonObject;
  if (firstCurly < 0 || (firstEqual >= 0 && firstEqual < firstCurly)) {
    let words: string[];
    if (firstEqual >= 0) {
      words = text.slice(0, firstEqual).split(' ');
      while (words.length && !words[words.length - 1]) words.pop();
      if (words.length) words.pop();
    } else words = text.split(' ');
    while (
      words.length &&
      (!words[words.length - 1].trim() || words[words.length - 1].startsWith('.'))
    ) {
      words.pop();
    }
    title = words.join(' ');
    metadata = parseKeyEqualValue(text.slice(title.length));
  } else {
    title = text.slice(0, firstCurly).trim();
    const json = relaxedJson(text.slice(firstCurly));
    metadata =
      json !== undefined && typeof json === 'object' && json !== null && !Array.isArray(json)
        ? json
        : { incorrectly_encoded_metadata: text.slice(firstCurly) };
  }
  for (const type of ['markdown', 'raw', 'md']) {
    const code = `[${type}]`;
    if (title.includes(code)) {
      title = title.replace(code, '').trim();
      if (type === 'md') {
        metadata.region_name = 'md';
        metadata.cell_type = 'markdown';
      } else metadata.cell_type = type;
      break;
    }
  }
  let depth = 0;
  while (title.startsWith('%')) {
    depth++;
    title = title.slice(1);
  }
  if (depth) {
    metadata.cell_depth = depth;
    title = title.trim();
  }
  if (title) metadata.title = title;
  return metadata;
}
