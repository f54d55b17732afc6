import { describe, expect, it } from 'vitest';
import { LazyAbort } from '../src/lazy-abort.js';

describe('LazyAbort', () => {
  it('aborts the signal a body holds, with the first reason only', () => {
    const abort = new LazyAbort();
    const signal = abort.signal;
    expect(signal.aborted).toBe(false);
    expect(abort.signal).toBe(signal);
    abort.abort('first');
    abort.abort('second');
    expect(signal.aborted).toBe(true);
    expect(signal.reason).toBe('first');
  });

  it('hands out an aborted signal when the job was cancelled before the body asked', () => {
    const abort = new LazyAbort();
    abort.abort('cancelled by its flow');
    expect(abort.signal.aborted).toBe(true);
    expect(abort.signal.reason).toBe('cancelled by its flow');
  });
});
