import { tagSemaphore } from './semaphore.js';

/**
 * Acquires one slot of every tag that has a concurrency limit, in a fixed (sorted) order so that two
 * tasks with overlapping tags cannot deadlock. Returns the release function.
 */
export async function acquireTagLimits(
  tags: readonly string[],
  limits: Readonly<Record<string, number>>,
): Promise<(() => void) | undefined> {
  const limited = tags.filter((t) => limits[t] !== undefined).sort();
  if (limited.length === 0) return undefined;
  const held = limited.map((t) => tagSemaphore(t, limits[t]));
  for (const s of held) await s.acquire();
  return () => {
    for (const s of held) s.release();
  };
}
