/** The states of flow and task runs as the UI shows them, checked against core's. */

// Types only: a value import of `@tideflow/core` would bundle its Node code into the page.
import type { StateType } from '@tideflow/core';

/**
 * The display name of each state type, as core's `STATE_NAMES` says (`satisfies` makes a state
 * core adds or drops a type error here; a test holds the names equal to core's).
 */
export const STATE_NAMES = {
  PENDING: 'Pending',
  RUNNING: 'Running',
  RETRYING: 'Retrying',
  COMPLETED: 'Completed',
  CACHED: 'Cached',
  FAILED: 'Failed',
  TIMED_OUT: 'TimedOut',
  CANCELLED: 'Cancelled',
  CRASHED: 'Crashed',
} as const satisfies Record<StateType, string>;

/** Every state type, in lifecycle order (core's `STATE_TYPES`). */
export const STATE_TYPES = Object.keys(STATE_NAMES) as readonly StateType[];

/** Whether each state type ends a run (core's `FINAL_STATE_TYPES`), stated for every type. */
const FINAL = {
  PENDING: false,
  RUNNING: false,
  RETRYING: false,
  COMPLETED: true,
  CACHED: true,
  FAILED: true,
  TIMED_OUT: true,
  CANCELLED: true,
  CRASHED: true,
} as const satisfies Record<StateType, boolean>;

/** The state types that end a run (nothing changes after them). */
export const FINAL_STATES: ReadonlySet<StateType> = new Set(STATE_TYPES.filter((s) => FINAL[s]));

/**
 * The display name of a state type (`TIMED_OUT` → `TimedOut`), or of an MLflow run status
 * (`FINISHED` → `Finished`).
 */
export function stateName(type: string): string {
  if (Object.hasOwn(STATE_NAMES, type)) return STATE_NAMES[type as StateType];
  const s = type.toLowerCase().replaceAll('_', ' ');
  return s.charAt(0).toUpperCase() + s.slice(1);
}
