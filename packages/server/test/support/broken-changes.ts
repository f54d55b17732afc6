import { vi } from 'vitest';
import type { Tracker } from '@tideflow/core';

/** A store whose change feed fails, from {@link breakReadChanges}. */
export interface BrokenChanges {
  /** The store reads its changes again. */
  mend(): void;
  /** Takes the spy off `readChanges`. */
  restore(): void;
}

/** Makes `tracker.readChanges` throw `Error(message)` until `mend()` (what a failing disk does). */
export function breakReadChanges(tracker: Tracker, message: string): BrokenChanges {
  const read = tracker.readChanges.bind(tracker);
  let broken = true;
  const spy = vi.spyOn(tracker, 'readChanges').mockImplementation(async (...args) => {
    if (broken) throw new Error(message);
    return read(...args);
  });
  return {
    mend: () => {
      broken = false;
    },
    restore: () => spy.mockRestore(),
  };
}
