/** A column of a text table. */
export interface Column {
  /** The header text. */
  header: string;
  /** Right-align numbers. Default `left`. */
  align?: 'left' | 'right';
  /** The narrowest the column may become when the table is shrunk to fit. Default 6 (or the header, if shorter). */
  min?: number;
}

const GAP = '  ';

/** `text` cut to `width` characters, with `…` marking a cut. */
export function truncate(text: string, width: number): string {
  const chars = [...text];
  if (chars.length <= width) return text;
  return width <= 1 ? chars.slice(0, width).join('') : chars.slice(0, width - 1).join('') + '…';
}

const len = (s: string) => [...s].length;

/**
 * Renders rows under a header so that no line is wider than `width`: when the natural widths do
 * not fit, the widest columns give up characters first (down to their `min`), and cut cells end
 * in `…`. Trailing spaces are trimmed.
 */
export function renderTable(
  columns: readonly Column[],
  rows: readonly string[][],
  width = 80,
): string {
  const widths = columns.map((c, i) =>
    Math.max(len(c.header), ...rows.map((r) => len(r[i] ?? ''))),
  );
  const mins = columns.map((c) => c.min ?? Math.min(6, len(c.header)));
  const total = () => widths.reduce((a, b) => a + b, 0) + GAP.length * (columns.length - 1);
  while (total() > width) {
    let widest = -1;
    for (let i = 0; i < widths.length; i++) {
      if (widths[i] > mins[i] && (widest < 0 || widths[i] > widths[widest])) widest = i;
    }
    if (widest < 0) break;
    widths[widest]--;
  }
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, i) => {
        const text = truncate(cell ?? '', widths[i]);
        const pad = ' '.repeat(widths[i] - len(text));
        return columns[i].align === 'right' ? pad + text : text + pad;
      })
      .join(GAP)
      .trimEnd();
  return [line(columns.map((c) => c.header)), ...rows.map(line)].join('\n') + '\n';
}
