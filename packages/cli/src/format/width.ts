import type { CliIo } from '../context.js';

/**
 * The width a command's tables may use: the terminal's when output goes to one, unlimited when
 * output is piped or redirected (`io.columns` is then undefined) or with `--wide`, so that
 * scripts and `--wide` see every character.
 */
export function outputWidth(io: CliIo, wide: boolean | undefined): number {
  return wide || io.columns === undefined ? Infinity : io.columns;
}
