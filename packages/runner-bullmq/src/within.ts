/**
 * `promise`, or a rejection with the error `timeout()` makes once `ms` have passed (the timer is
 * cleared either way): every wait on Redis is bounded.
 */
export function within<T>(promise: Promise<T>, ms: number, timeout: () => Error): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(timeout()), ms);
  });
  return Promise.race([promise, timedOut]).finally(() => clearTimeout(timer));
}
