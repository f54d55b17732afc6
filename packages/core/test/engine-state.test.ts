import { describe, expect, it } from 'vitest';
import { FINAL_STATE_TYPES, State, STATE_TYPES } from '../src/index.js';

describe('states', () => {
  it('are final exactly when their type is in FINAL_STATE_TYPES', () => {
    for (const type of STATE_TYPES) {
      expect(new State(type, 1).isFinal(), type).toBe(FINAL_STATE_TYPES.has(type));
    }
    expect(new State('RETRYING', 1).isFailed()).toBe(false);
    expect(new State('TIMED_OUT', 1).isFailed()).toBe(true);
  });
});
