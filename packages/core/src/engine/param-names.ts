const cache = new WeakMap<object, string[]>();

/** Strips comments and string/template literals, which could contain parentheses or commas. */
function stripNoise(src: string): string {
  return src
    .replace(/\/\*[\s\S]*?\*\//g, ' ')
    .replace(/\/\/[^\n]*/g, ' ')
    .replace(/(["'`])(?:\\.|(?!\1)[^\\])*\1/g, '""');
}

/** Splits a parameter list at top-level commas (ignoring those inside default values). */
function splitTopLevel(list: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < list.length; i++) {
    const c = list[i];
    if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') depth--;
    else if (c === ',' && depth === 0) {
      parts.push(list.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(list.slice(start));
  return parts.map((p) => p.trim()).filter((p) => p.length > 0);
}

/**
 * The declared parameter names of a function or method, read from its source text: `arg0`-style
 * positional names for destructured parameters, `...rest` as `rest`. Cached per function.
 *
 * @example
 * ```ts
 * parameterNames(function f(a, { b } = {}, ...rest) {}); // ['a', 'arg1', 'rest']
 * ```
 */
export function parameterNames(fn: (...args: never[]) => unknown): string[] {
  const known = cache.get(fn);
  if (known) return known;
  const src = stripNoise(Function.prototype.toString.call(fn));
  let list: string;
  const arrowSingle = /^\s*(?:async\s+)?([A-Za-z_$][\w$]*)\s*=>/.exec(src);
  if (arrowSingle) {
    list = arrowSingle[1];
  } else {
    const open = src.indexOf('(');
    let depth = 0;
    let close = open;
    for (let i = open; i < src.length; i++) {
      if (src[i] === '(') depth++;
      else if (src[i] === ')' && --depth === 0) {
        close = i;
        break;
      }
    }
    list = open < 0 ? '' : src.slice(open + 1, close);
  }
  const names = splitTopLevel(list).map((part, i) => {
    const m = /^(?:\.\.\.)?\s*([A-Za-z_$][\w$]*)/.exec(part);
    return m ? m[1] : `arg${i}`;
  });
  cache.set(fn, names);
  return names;
}
