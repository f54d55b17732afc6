import { TaskRunNameError } from '../errors.js';
import { MAX_KEY_LENGTH } from '../tracking/record-checks.js';

/**
 * The `taskRunName` task option, as in Prefect: what each run of a task is called in records,
 * logs and `tideflow runs show`. A template whose `{param}` placeholders are replaced by the
 * task's arguments by parameter name (`'searchFamily[{family}]'`, `'{cfg.model}'` for a field of
 * an argument, `{{` and `}}` for literal braces), or a function of the parameters by name.
 */
export type TaskRunName = string | ((parameters: Readonly<Record<string, unknown>>) => string);

/** Names one task run from its parameters by name; throws {@link TaskRunNameError}. */
export type TaskRunNamer = (parameters: Readonly<Record<string, unknown>>) => string;

/** One piece of a compiled template: literal text, or the path of a placeholder. */
type Piece = string | readonly string[];

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/** How an argument reads in a name: primitives as text, data by its kind and size. */
function display(value: unknown): string {
  if (value === null || (typeof value !== 'object' && typeof value !== 'function'))
    return String(value);
  if (typeof value === 'function') return `[function ${value.name || 'anonymous'}]`;
  if (value instanceof Date) return value.toISOString();
  if (ArrayBuffer.isView(value)) {
    const length = (value as unknown as { length?: number }).length ?? value.byteLength;
    return `${value.constructor.name}(${length})`;
  }
  if (Array.isArray(value)) return `Array(${value.length})`;
  // An object that says how it reads (its own toString) is shown so; others by their class.
  const own = (value as { toString?: unknown }).toString;
  if (typeof own === 'function' && own !== Object.prototype.toString)
    return String((own as () => unknown).call(value));
  const ctor = (value as { constructor?: { name?: string } }).constructor;
  return ctor?.name || 'Object';
}

/** The value at a dotted path of the parameters (`undefined` where a step is missing). */
function lookup(parameters: Readonly<Record<string, unknown>>, path: readonly string[]): unknown {
  let value: unknown = parameters[path[0]];
  for (let i = 1; i < path.length && value !== null && value !== undefined; i++)
    value = (value as Record<string, unknown>)[path[i]];
  return value;
}

/** Cuts a name to the tracker's limit on names (code points), marking the cut. */
function clip(name: string): string {
  if (name.length <= MAX_KEY_LENGTH) return name;
  const points = Array.from(name);
  return points.length <= MAX_KEY_LENGTH
    ? name
    : `${points.slice(0, MAX_KEY_LENGTH - 1).join('')}…`;
}

/** Splits a template into literal text and placeholder paths; throws naming what is wrong. */
function parseTemplate(taskName: string, template: string, paramNames: readonly string[]): Piece[] {
  const pieces: Piece[] = [];
  let text = '';
  for (let i = 0; i < template.length; i++) {
    const c = template[i];
    if ((c === '{' || c === '}') && template[i + 1] === c) {
      text += c;
      i++;
    } else if (c === '}') {
      throw new TaskRunNameError(
        taskName,
        `its taskRunName template "${template}" has an unmatched "}" at ${i}; write "}}" for a literal brace.`,
      );
    } else if (c === '{') {
      const end = template.indexOf('}', i);
      if (end < 0) {
        throw new TaskRunNameError(
          taskName,
          `its taskRunName template "${template}" has an unclosed "{" at ${i}; write "{{" for a literal brace.`,
        );
      }
      const placeholder = template.slice(i + 1, end).trim();
      const path = placeholder.split('.');
      if (!path.every((p) => IDENTIFIER.test(p))) {
        throw new TaskRunNameError(
          taskName,
          `its taskRunName template "${template}" has an invalid placeholder {${placeholder}}; use {param} or {param.field}.`,
          placeholder,
        );
      }
      if (!paramNames.includes(path[0])) {
        throw new TaskRunNameError(
          taskName,
          `its taskRunName template "${template}" names {${placeholder}}, but the task has no parameter "${path[0]}" (its parameters: ${paramNames.length ? paramNames.join(', ') : 'none'}).`,
          placeholder,
        );
      }
      if (text) pieces.push(text);
      text = '';
      pieces.push(path);
      i = end;
    } else {
      text += c;
    }
  }
  if (text) pieces.push(text);
  return pieces;
}

/**
 * Compiles a task's `taskRunName` option into a namer, checking a template against the task's
 * parameter names now (when the task is defined), so that a misspelt placeholder is an error
 * before anything runs. `undefined` when the option is absent: runs are named after the task.
 *
 * @throws TaskRunNameError naming the placeholder, or an option that is neither a non-empty
 *   string nor a function.
 */
export function compileTaskRunName(
  taskName: string,
  option: TaskRunName | undefined,
  paramNames: readonly string[],
): TaskRunNamer | undefined {
  if (option === undefined) return undefined;
  if (typeof option === 'function') {
    return (parameters) => {
      let name: unknown;
      try {
        name = option(parameters);
      } catch (error) {
        throw new TaskRunNameError(
          taskName,
          `its taskRunName function threw: ${error instanceof Error ? error.message : String(error)}`,
          undefined,
          { cause: error },
        );
      }
      if (typeof name !== 'string' || name.trim() === '') {
        throw new TaskRunNameError(
          taskName,
          `its taskRunName function returned ${typeof name === 'string' ? JSON.stringify(name) : typeof name}; return a non-empty string.`,
        );
      }
      return clip(name);
    };
  }
  if (typeof option !== 'string' || option.trim() === '') {
    throw new TaskRunNameError(
      taskName,
      `option taskRunName must be a non-empty template string or a function, got ${JSON.stringify(option) ?? typeof option}.`,
    );
  }
  const pieces = parseTemplate(taskName, option, paramNames);
  return (parameters) => {
    let name = '';
    for (const piece of pieces)
      name += typeof piece === 'string' ? piece : display(lookup(parameters, piece));
    // A template of empty arguments only names nothing: the run keeps the task's name.
    return name.trim() === '' ? taskName : clip(name);
  };
}
