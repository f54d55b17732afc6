import { InvalidOptionError } from '../errors.js';

const UNIT_MS: Readonly<Record<string, number>> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

/*
 * Hand-written rather than the `ms` package: `ms` returns undefined/NaN for input it does not
 * understand (so a typo would silently disable expiration) and accepts "1 year" as 365.25 days;
 * a strict parser of a few units that throws an error naming the task is shorter than the glue.
 */
const PART = /(\d+(?:\.\d+)?)\s*(ms|s|m|h|d|w)/y;

/**
 * Parses a cache expiration into milliseconds: a positive number of milliseconds, or a duration
 * string made of `<number><unit>` parts with units `ms`, `s`, `m`, `h`, `d`, `w` (`'1h'`, `'7d'`,
 * `'1h30m'`, `'250ms'`).
 *
 * @param owner - what the expiration belongs to, named in the error (e.g. `task "Pipeline.train"`).
 * @throws InvalidOptionError when the value is not a positive finite duration.
 *
 * @example
 * ```ts
 * parseExpiration('1h30m'); // 5_400_000
 * ```
 */
export function parseExpiration(value: number | string, owner = 'cache'): number {
  const fail = (): never => {
    throw new InvalidOptionError(
      `Invalid cache expiration ${JSON.stringify(value)} for ${owner}: pass a positive number of ` +
        `milliseconds or a duration such as '30s', '15m', '1h', '7d' or '1h30m'.`,
    );
  };
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || value <= 0) fail();
    return value;
  }
  if (typeof value !== 'string') return fail();
  const text = value.trim();
  let total = 0;
  let at = 0;
  while (at < text.length) {
    PART.lastIndex = at;
    const m = PART.exec(text);
    if (!m) return fail();
    total += Number(m[1]) * UNIT_MS[m[2]];
    at = PART.lastIndex;
    while (text[at] === ' ') at++;
  }
  if (!(total > 0) || !Number.isFinite(total)) fail();
  return total;
}
