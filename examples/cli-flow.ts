// A flow for the command line: `tideflow run FILE:FLOW` loads this module (TypeScript through
// tsx), calls the exported flow with --param values and records it in .tideflow/ like the
// built-in pipeline:
//
//   npx tideflow run examples/cli-flow.ts:letterCounts --param text="to be or not to be"
import { flow, task } from '@tideflow/core';

const countLetters = task(
  async function countLetters(word: string) {
    return word.length;
  },
  // Each run is named after its word in `tideflow runs show` and in the progress view.
  { cache: true, taskRunName: 'countLetters[{word}]' },
);

/** The number of letters of each distinct word of `text` at least `minLength` long. */
export const letterCounts = flow(async function letterCounts(text: string, minLength = 1) {
  const words = [...new Set(text.split(/\s+/).filter((w) => w.length >= minLength))];
  const counts = await Promise.all(words.map((w) => countLetters.submit(w)));
  return Object.fromEntries(words.map((w, i) => [w, counts[i]]));
});
