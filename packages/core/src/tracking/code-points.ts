// JavaScript compares and measures strings in UTF-16 code units; MLflow (Python) and SQLite
// (UTF-8 BINARY collation) work in code points. These helpers make both stores agree with them.

/**
 * Compares two strings by Unicode code point (SQLite's BINARY order, Python's `str` order):
 * negative, zero or positive. UTF-16 order differs from code-point order only where a surrogate
 * (U+D800–U+DFFF) meets a unit in U+E000–U+FFFF, so the first differing units are remapped.
 */
export function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return codePointRank(x) - codePointRank(y);
  }
  return a.length - b.length;
}

function codePointRank(unit: number): number {
  if (unit >= 0xd800 && unit <= 0xdfff) return unit + 0x2000;
  if (unit >= 0xe000) return unit - 0x800;
  return unit;
}

/** The number of code points (characters, as MLflow counts them) in a string. */
export function codePointLength(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length - 1; i++) {
    const u = s.charCodeAt(i);
    if (u >= 0xd800 && u <= 0xdbff) {
      const v = s.charCodeAt(i + 1);
      if (v >= 0xdc00 && v <= 0xdfff) {
        n--;
        i++;
      }
    }
  }
  return n;
}
