import { NotebookParameterError } from './errors.js';
import type { Notebook, NotebookCell } from './nbformat.js';

/** A value a notebook parameter may take: plain data, written into the notebook as a literal. */
export type ParameterValue =
  | string
  | number
  | boolean
  | null
  | readonly ParameterValue[]
  | { readonly [key: string]: ParameterValue };

/** Notebook parameters by name. */
export type NotebookParameters = Readonly<Record<string, ParameterValue>>;

/** The kernel languages parameters can be written in. */
export type ParameterLanguage = 'python' | 'typescript' | 'javascript';

/** The tag of the cell whose defaults the injected cell overrides. */
export const PARAMETERS_TAG = 'parameters';
/** The tag of the injected cell (papermill's). */
export const INJECTED_PARAMETERS_TAG = 'injected-parameters';

const PYTHON_KEYWORDS = new Set(
  'False None True and as assert async await break class continue def del elif else except finally for from global if import in is lambda nonlocal not or pass raise return try while with yield'.split(
    ' ',
  ),
);
const JS_RESERVED = new Set(
  'break case catch class const continue debugger default delete do else enum export extends false finally for function if import in instanceof new null return super switch this throw true try typeof var void while with yield let static implements interface package private protected public await arguments eval undefined NaN Infinity'.split(
    ' ',
  ),
);

function checkName(name: string, language: ParameterLanguage): void {
  const python = language === 'python';
  const identifier = python ? /^[A-Za-z_][A-Za-z0-9_]*$/ : /^[A-Za-z_$][A-Za-z0-9_$]*$/;
  if (!identifier.test(name)) {
    throw new NotebookParameterError(name, `is not an identifier in ${language}.`);
  }
  if ((python ? PYTHON_KEYWORDS : JS_RESERVED).has(name)) {
    throw new NotebookParameterError(name, `is a reserved word in ${language}.`);
  }
}

function checkValue(path: string, value: unknown, seen: Set<object>): void {
  if (value === null || ['string', 'number', 'boolean'].includes(typeof value)) return;
  if (typeof value === 'object') {
    if (seen.has(value)) throw new NotebookParameterError(path, 'refers to itself.');
    const proto = Object.getPrototypeOf(value) as unknown;
    if (Array.isArray(value)) {
      seen.add(value);
      value.forEach((v, i) => checkValue(`${path}[${i}]`, v, seen));
      seen.delete(value);
      return;
    }
    if (proto === Object.prototype || proto === null) {
      seen.add(value);
      for (const [k, v] of Object.entries(value)) checkValue(`${path}.${k}`, v, seen);
      seen.delete(value);
      return;
    }
  }
  const kind = typeof value === 'object' ? (value.constructor?.name ?? 'object') : typeof value;
  throw new NotebookParameterError(
    path,
    `a ${kind} cannot be written into a notebook; pass strings, numbers, booleans, null, arrays or plain objects.`,
  );
}

/**
 * Checks parameters before a notebook runs: names must be identifiers of `language` (not
 * reserved words), values plain data.
 *
 * @throws NotebookParameterError naming the parameter (or the part of it) at fault.
 */
export function checkParameters(parameters: unknown, language: ParameterLanguage): void {
  if (typeof parameters !== 'object' || parameters === null || Array.isArray(parameters)) {
    throw new NotebookParameterError('(parameters)', 'must be an object of name → value.');
  }
  for (const [name, value] of Object.entries(parameters)) {
    checkName(name, language);
    checkValue(name, value, new Set());
  }
}

/** `value` as a literal of `language`. */
export function parameterLiteral(value: ParameterValue, language: ParameterLanguage): string {
  const python = language === 'python';
  if (value === null) return python ? 'None' : 'null';
  if (typeof value === 'boolean') return python ? (value ? 'True' : 'False') : String(value);
  if (typeof value === 'number') {
    if (Number.isFinite(value)) return Object.is(value, -0) ? '-0.0' : String(value);
    if (!python) return String(value);
    return Number.isNaN(value) ? "float('nan')" : value > 0 ? "float('inf')" : "float('-inf')";
  }
  // A JSON string is a valid string literal in Python and TypeScript alike.
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) {
    return `[${(value as readonly ParameterValue[]).map((v) => parameterLiteral(v, language)).join(', ')}]`;
  }
  const entries = Object.entries(value as Record<string, ParameterValue>).map(
    ([k, v]) => `${JSON.stringify(k)}: ${parameterLiteral(v, language)}`,
  );
  return python ? `{${entries.join(', ')}}` : `{ ${entries.join(', ')} }`;
}

/** The source of the injected cell, papermill style: a comment line, then one assignment each. */
export function parametersSource(
  parameters: NotebookParameters,
  language: ParameterLanguage,
): string {
  const python = language === 'python';
  const lines = [python ? '# Parameters' : '// Parameters'];
  for (const [name, value] of Object.entries(parameters)) {
    const literal = parameterLiteral(value, language);
    lines.push(python ? `${name} = ${literal}` : `let ${name} = ${literal};`);
  }
  return `${lines.join('\n')}\n`;
}

const tagged = (cell: NotebookCell, tag: string): boolean =>
  Array.isArray(cell.metadata.tags) && cell.metadata.tags.includes(tag);

/**
 * A copy of `notebook` with a code cell tagged `injected-parameters` that assigns `parameters`,
 * as papermill places it: in place of an earlier injected cell, else right after the cell tagged
 * `parameters`, else first. With no parameters the notebook is returned unchanged.
 */
export function injectParameters(
  notebook: Notebook,
  parameters: NotebookParameters,
  language: ParameterLanguage,
): Notebook {
  if (Object.keys(parameters).length === 0) return notebook;
  checkParameters(parameters, language);
  const cell: NotebookCell = {
    cell_type: 'code',
    execution_count: null,
    metadata: { tags: [INJECTED_PARAMETERS_TAG] },
    outputs: [],
    source: parametersSource(parameters, language),
  };
  if (notebook.nbformat_minor >= 5) cell.id = INJECTED_PARAMETERS_TAG;
  const cells = [...notebook.cells];
  const injected = cells.findIndex((c) => tagged(c, INJECTED_PARAMETERS_TAG));
  const defaults = cells.findIndex((c) => tagged(c, PARAMETERS_TAG));
  if (injected >= 0) cells.splice(injected, 1, cell);
  else if (defaults >= 0) cells.splice(defaults + 1, 0, cell);
  else cells.unshift(cell);
  return { ...notebook, cells };
}
