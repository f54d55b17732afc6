import { createRequire } from 'node:module';
import type Betainc from '@stdlib/math-base-special-betainc';
import type Digamma from '@stdlib/math-base-special-digamma';
import type Erfc from '@stdlib/math-base-special-erfc';
import type Gammainc from '@stdlib/math-base-special-gammainc';

const require = createRequire(import.meta.url);

/**
 * A `@stdlib` special function loaded on its first call. Loading the four packages takes about
 * as long as the rest of `@tideflow/models` (each pulls in dozens of small modules), and only the
 * feature-selection statistics use them: a process that loads a model and predicts never does.
 */
function onFirstCall<F extends (...args: never[]) => number>(id: string): F {
  let fn: F | undefined;
  return ((...args: Parameters<F>) => (fn ??= require(id) as F)(...args)) as F;
}

/** The regularised incomplete beta function (`@stdlib/math-base-special-betainc`). */
export const betainc = onFirstCall<typeof Betainc>('@stdlib/math-base-special-betainc');
/** The digamma function (`@stdlib/math-base-special-digamma`). */
export const digamma = onFirstCall<typeof Digamma>('@stdlib/math-base-special-digamma');
/** The complementary error function (`@stdlib/math-base-special-erfc`). */
export const erfc = onFirstCall<typeof Erfc>('@stdlib/math-base-special-erfc');
/** The incomplete gamma function (`@stdlib/math-base-special-gammainc`). */
export const gammainc = onFirstCall<typeof Gammainc>('@stdlib/math-base-special-gammainc');
