import type { Logger } from '../../src/index.js';

/** A logger that records warnings (message and fields) for assertions. */
export function recordingLogger(): Logger & {
  warnings: Array<{ msg: string; fields: Record<string, unknown> }>;
} {
  const warnings: Array<{ msg: string; fields: Record<string, unknown> }> = [];
  const logger = {
    warnings,
    debug: () => {},
    info: () => {},
    warn: (fields: Record<string, unknown>, msg?: string) =>
      warnings.push({ msg: msg ?? '', fields }),
    error: (fields: Record<string, unknown>, msg?: string) =>
      warnings.push({ msg: msg ?? '', fields }),
    child: () => logger,
  };
  return logger;
}
