/**
 * Jupyter magics (`%time`, `%%bash`) in percent-format scripts: jupytext comments them out in the
 * script (`// %time x`), so that the script stays valid code, and uncomments them when reading.
 * Lines inside a string literal are left alone.
 */

/** Tells whether the next line starts inside a quoted string (jupytext's `StringParser`). */
class StringParser {
  private single: string | undefined;
  private triple: string | undefined;

  constructor(private readonly comment: string) {}

  isQuoted(): boolean {
    return this.single !== undefined || this.triple !== undefined;
  }

  readLine(line: string): void {
    if (!this.isQuoted() && line.trimStart().startsWith(this.comment)) return;
    let tripleStart = -1;
    for (let i = 0; i < line.length; i++) {
      const char = line[i];
      if (
        this.single === undefined &&
        this.triple === undefined &&
        line.startsWith(this.comment, i)
      ) {
        break;
      }
      if (char !== '"' && char !== "'") continue;
      if (i > 0 && line[i - 1] === '\\') continue;
      if (this.single === char) {
        this.single = undefined;
        continue;
      }
      if (this.single !== undefined) continue;
      if (i >= 2 && line.slice(i - 2, i + 1) === char.repeat(3) && i >= tripleStart + 3) {
        if (this.triple === char) {
          this.triple = undefined;
          tripleStart = i;
          continue;
        }
        if (this.triple !== undefined) continue;
        this.triple = char;
        tripleStart = i;
        continue;
      }
      if (this.triple !== undefined) continue;
      this.single = char;
    }
    this.single = undefined;
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/** The magic-line patterns of a language whose line comment is `comment`. */
function magicPatterns(comment: string): { magic: RegExp; force: RegExp; never: RegExp } {
  const c = escapeRegExp(comment);
  return {
    magic: new RegExp(`^\\s*(${c} |${c})*(%|%%|%%%)[a-zA-Z]`),
    force: new RegExp(`^\\s*(${c} |${c})*(%|%%|%%%)[a-zA-Z](.*)${c}\\s*escape`),
    never: new RegExp(`^\\s*(${c} |${c})*(%|%%|%%%)[a-zA-Z](.*)${c}\\s*noescape`),
  };
}

function isMagic(line: string, patterns: ReturnType<typeof magicPatterns>): boolean {
  if (patterns.force.test(line)) return true;
  if (patterns.never.test(line)) return false;
  return patterns.magic.test(line);
}

/** Comments out the magics of a code cell's lines (in place), as the script shows them. */
export function commentMagics(lines: string[], comment: string): void {
  const patterns = magicPatterns(comment);
  const parser = new StringParser(comment);
  lines.forEach((line, i) => {
    if (!parser.isQuoted() && isMagic(line, patterns)) {
      const unindented = line.trimStart();
      lines[i] = `${line.slice(0, line.length - unindented.length)}${comment} ${unindented}`;
    }
    parser.readLine(line);
  });
}

/** Uncomments (once) the commented magics of a script cell's lines (in place). */
export function uncommentMagics(lines: string[], comment: string): void {
  const patterns = magicPatterns(comment);
  const parser = new StringParser(comment);
  lines.forEach((line, i) => {
    if (!parser.isQuoted() && isMagic(line, patterns)) {
      const unindented = line.trimStart();
      const indent = line.slice(0, line.length - unindented.length);
      if (unindented.startsWith(`${comment} `)) {
        lines[i] = indent + unindented.slice(comment.length + 1);
      } else if (unindented.startsWith(comment)) {
        lines[i] = indent + unindented.slice(comment.length);
      }
    }
    parser.readLine(line);
  });
}
