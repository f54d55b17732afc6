/** The colours of a chart's lines, one per run, in order (they repeat past the last). */
const SERIES_COLOURS: readonly string[] = [
  '#2563eb',
  '#dc2626',
  '#16a34a',
  '#9333ea',
  '#ea580c',
  '#0891b2',
  '#be185d',
];

/** The colour of the `i`-th line of a chart. */
export const seriesColour = (i: number): string => SERIES_COLOURS[i % SERIES_COLOURS.length];
