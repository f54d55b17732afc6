import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import type { ApiFailure } from './api.js';

/** What {@link useAsync} holds: the latest value, the error of the latest load, and a reload. */
export interface Async<T> {
  value: T | undefined;
  error: ApiFailure | Error | undefined;
  loading: boolean;
  reload: () => void;
}

/**
 * Loads `load()` when `deps` change and on `reload()`; an answer that arrives after a newer load
 * started is dropped, so the page never shows an older answer over a newer one.
 */
export function useAsync<T>(load: () => Promise<T>, deps: readonly unknown[]): Async<T> {
  const [state, setState] = useState<{ value?: T; error?: Error; loading: boolean }>({
    loading: true,
  });
  const generation = useRef(0);
  const run = useCallback(() => {
    const mine = ++generation.current;
    setState((s) => ({ ...s, loading: true }));
    load().then(
      (value) => {
        if (mine === generation.current) setState({ value, loading: false });
      },
      (error: Error) => {
        if (mine === generation.current) setState((s) => ({ ...s, error, loading: false }));
      },
    );
  }, deps);
  useEffect(run, [run]);
  return { value: state.value, error: state.error, loading: state.loading, reload: run };
}
