import { setTimeout as sleep } from 'node:timers/promises';

/** Whether `error` is SQLite's "database is locked": another connection holds the write lock. */
export function isBusy(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('SQLITE_BUSY');
}

/** The longest pause between two tries of a locked write, ms. */
const MAX_PAUSE_MS = 50;

/**
 * Runs a synchronous SQLite write on a connection whose `busy_timeout` is 0, so that a held lock
 * fails at once instead of blocking the event loop: while another process holds the lock, the
 * write is tried again after pauses of 1, 2, 4 ... up to 50 ms, during which timers, heartbeats
 * and other work go on. Past `timeoutMs` of waiting, throws `timedOut(waitedMs, cause)`.
 *
 * better-sqlite3 is synchronous and SQLite's own busy handler sleeps inside the call, which
 * would freeze the process for up to the whole busy timeout; this is the asynchronous wait.
 */
export async function writeWhenUnlocked<T>(
  write: () => T,
  timeoutMs: number,
  timedOut: (waitedMs: number, cause: unknown) => Error,
): Promise<T> {
  const start = Date.now();
  let pause = 1;
  for (;;) {
    try {
      return write();
    } catch (error) {
      if (!isBusy(error)) throw error;
      const waited = Date.now() - start;
      if (waited >= timeoutMs) throw timedOut(waited, error);
      await sleep(Math.min(pause, timeoutMs - waited));
      pause = Math.min(pause * 2, MAX_PAUSE_MS);
    }
  }
}
