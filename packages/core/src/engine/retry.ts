import { InvalidOptionError } from '../errors.js';

/** How long to wait before retry number `attempt` (1 for the first retry). */
export type RetryDelay = number | readonly number[] | ((attempt: number) => number);

/**
 * Delays that double at each retry, like Prefect's `exponential_backoff`: `base`, `2·base`, `4·base`, ...
 * up to `maxMs` (default: the longest timer delay, 2^31 − 1 ms).
 *
 * @example
 * ```ts
 * task(fetchData, { retries: 4, retryDelayMs: exponentialBackoff(100) });
 * ```
 */
export function exponentialBackoff(
  baseMs: number,
  maxMs = MAX_DELAY_MS,
): (attempt: number) => number {
  if (!(baseMs >= 0) || !Number.isFinite(baseMs)) {
    throw new InvalidOptionError(
      `exponentialBackoff: baseMs must be a finite number ≥ 0, got ${baseMs}.`,
    );
  }
  return (attempt) => Math.min(maxMs, baseMs * 2 ** (attempt - 1));
}

/** The delay before retry `attempt`, with `jitter` ∈ [0, 1] spreading it uniformly by ±jitter·delay. */
export function retryDelay(
  delay: RetryDelay | undefined,
  attempt: number,
  jitter = 0,
  random = Math.random,
): number {
  let ms: number;
  if (delay === undefined) ms = 0;
  else if (typeof delay === 'number') ms = delay;
  else if (typeof delay === 'function') ms = delay(attempt);
  else ms = delay.length === 0 ? 0 : delay[Math.min(attempt, delay.length) - 1];
  if (typeof ms !== 'number' || !(ms >= 0) || ms > MAX_DELAY_MS) {
    throw new InvalidOptionError(
      `retryDelayMs gave ${typeof ms === 'number' ? ms : JSON.stringify(ms)} ms for retry ${attempt}; ` +
        `a retry delay must be a number of ms between 0 and ${MAX_DELAY_MS}.`,
    );
  }
  if (jitter > 0) ms += ms * jitter * (2 * random() - 1);
  return Math.min(MAX_DELAY_MS, Math.max(0, ms));
}

/** The longest delay a timer can wait (2^31 − 1 ms, about 24.8 days); Node fires longer ones at once. */
export const MAX_DELAY_MS = 2 ** 31 - 1;

/** Resolves after `ms`, or rejects with the signal's reason when it aborts first. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (ms <= 0 && !signal?.aborted) return Promise.resolve();
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason as Error);
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal!.reason as Error);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
