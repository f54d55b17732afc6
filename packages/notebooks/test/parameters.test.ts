import { describe, expect, it } from 'vitest';
import { NotebookParameterError, injectParameters, parameterLiteral } from '@tideflow/notebooks';
import { code, pythonNotebook } from './helpers.js';

describe('notebook parameters', () => {
  it('writes Python and TypeScript literals', () => {
    const value = {
      text: 'say "hi"\n\\ ok',
      n: -1.5,
      big: 1e21,
      flags: [true, false, null],
      odd: [NaN, Infinity, -Infinity],
      nested: { 'a-b': { c: [] } },
    };
    expect(parameterLiteral(value, 'python')).toBe(
      '{"text": "say \\"hi\\"\\n\\\\ ok", "n": -1.5, "big": 1e+21, "flags": [True, False, None], ' +
        '"odd": [float(\'nan\'), float(\'inf\'), float(\'-inf\')], "nested": {"a-b": {"c": []}}}',
    );
    expect(parameterLiteral(value, 'typescript')).toBe(
      '{ "text": "say \\"hi\\"\\n\\\\ ok", "n": -1.5, "big": 1e+21, "flags": [true, false, null], ' +
        '"odd": [NaN, Infinity, -Infinity], "nested": { "a-b": { "c": [] } } }',
    );
  });

  it('places the injected cell as papermill does', () => {
    const withDefaults = pythonNotebook([code('a'), code('x = 1', ['parameters']), code('b')]);
    const once = injectParameters(withDefaults, { x: 2 }, 'python');
    expect(once.cells.map((c) => c.source)).toEqual(['a', 'x = 1', '# Parameters\nx = 2\n', 'b']);
    expect(once.cells[2].metadata.tags).toEqual(['injected-parameters']);
    // Injecting into an executed copy replaces the earlier injected cell.
    const twice = injectParameters(once, { x: 3 }, 'python');
    expect(twice.cells.map((c) => c.source)).toEqual(['a', 'x = 1', '# Parameters\nx = 3\n', 'b']);
    // Without a parameters cell the injected cell comes first; no parameters, no cell.
    const bare = pythonNotebook([code('a')]);
    expect(injectParameters(bare, { x: 1 }, 'python').cells[0].source).toBe(
      '# Parameters\nx = 1\n',
    );
    expect(injectParameters(bare, {}, 'python')).toBe(bare);
    expect(withDefaults.cells).toHaveLength(3);
  });

  it('names the parameter that cannot be written', () => {
    const nb = pythonNotebook([]);
    expect(() => injectParameters(nb, { class: 1 }, 'python')).toThrow(
      /"class": is a reserved word in python/,
    );
    expect(() => injectParameters(nb, { $x: 1 }, 'python')).toThrow(NotebookParameterError);
    expect(injectParameters(nb, { $x: 1 }, 'typescript').cells[0].source).toBe(
      '// Parameters\nlet $x = 1;\n',
    );
    const loop: Record<string, unknown> = {};
    loop.self = loop;
    expect(() => injectParameters(nb, { loop } as never, 'python')).toThrow(
      /"loop.self": refers to itself/,
    );
    expect(() => injectParameters(nb, { f: (() => 1) as never }, 'typescript')).toThrow(
      /"f": a function cannot be written/,
    );
  });
});
