const len = (s: string) => [...s].length;

/** `text` shortened to `width` characters by replacing its middle with `…`, keeping both ends. */
export function elideMiddle(text: string, width: number): string {
  const chars = [...text];
  if (chars.length <= width) return text;
  if (width <= 1) return chars.slice(0, width).join('');
  // Keys differ mostly at the end (`params.config.models.knn.k` vs `….svm.c`): keep more of it.
  const head = Math.floor((width - 1) / 3);
  const tail = width - 1 - head;
  return chars.slice(0, head).join('') + '…' + chars.slice(chars.length - tail).join('');
}

/**
 * Labels fitted to `max` characters that can still be told apart: the middle of a long label is
 * elided, and where two elided labels would read the same they are given more room, up to their
 * full length.
 */
export function distinctLabels(labels: readonly string[], max: number): string[] {
  const longest = Math.max(0, ...labels.map(len));
  for (let width = Math.min(max, longest); ; width++) {
    const out = labels.map((l) => elideMiddle(l, width));
    const distinctIn = new Set(labels).size;
    if (new Set(out).size === distinctIn || width >= longest) return out;
  }
}
