import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import type { ApiFailure } from './api.js';

/** What {@link useAsync} holds: the latest value, the error of the latest load, and a reload. */
export interface Async<T> {
  value: T | undefined;
  error: ApiFailure | Error | undefined;
  loading: boolean;
  reload: () => void;
  /**
   * Shows `update(value)` at once (a change an event announced) and drops the answers of loads
   * still under way, which may predate it; follow it with a `reload()` to read the whole truth.
   * Does nothing before the first value.
   */
  mutate: (update: (value: T) => T) => void;
}

/**
 * Loads `load()` when `deps` change and on `reload()`; an answer that arrives after a newer load
 * started (or a `mutate`) is dropped, so the page never shows an older answer over a newer one.
 */
export function useAsync<T>(load: () => Promise<T>, deps: readonly unknown[]): Async<T> {
  const [state, setState] = useState<{ value?: T; error?: Error; loading: boolean }>({
    loading: true,
  });
  const generation = useRef(0);
  const hasValue = useRef(false);
  const run = useCallback(() => {
    const mine = ++generation.current;
    setState((s) => ({ ...s, loading: true }));
    load().then(
      (value) => {
        if (mine !== generation.current) return;
        hasValue.current = true;
        setState({ value, loading: false });
      },
      (error: Error) => {
        if (mine === generation.current) setState((s) => ({ ...s, error, loading: false }));
      },
    );
  }, deps);
  const mutate = useCallback((update: (value: T) => T) => {
    if (!hasValue.current) return;
    generation.current++;
    setState((s) => ({ ...s, value: update(s.value as T), loading: false }));
  }, []);
  useEffect(run, [run]);
  return {
    value: state.value,
    error: state.error,
    loading: state.loading,
    reload: run,
    mutate,
  };
}
