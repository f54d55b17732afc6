import { useRef, useState } from 'preact/hooks';
import { useCoalesced, useLive } from './live.js';

/**
 * Metric points of a running run can stream in many times a second; a page re-reads a history
 * at most this often (the history is re-read whole, so that a point is never lost or doubled).
 */
const METRICS_SETTLE_MS = 100;

/** Counters a page puts in its loads' dependencies, so they re-read what the stream changed. */
export interface LiveMetrics {
  /** Bumped when the runs' latest values or states may have changed. */
  runs: number;
  /** Bumped when the history of metric `key` of any of the runs got points. */
  history: (key: string) => number;
}

/** Follows the metric points and states of `runIds` on the event stream. */
export function useLiveMetrics(runIds: readonly string[]): LiveMetrics {
  const [runs, setRuns] = useState(0);
  const [histories, setHistories] = useState<Record<string, number>>({});
  const [all, setAll] = useState(0);
  const dirty = useRef(new Set<string>());
  const readRuns = useCoalesced(() => setRuns((v) => v + 1), METRICS_SETTLE_MS);
  const readHistories = useCoalesced(() => {
    const keys = [...dirty.current];
    dirty.current.clear();
    setHistories((v) => {
      const next = { ...v };
      for (const k of keys) next[k] = (next[k] ?? 0) + 1;
      return next;
    });
  }, METRICS_SETTLE_MS);
  useLive((e) => {
    if (e.type === 'resync') {
      setAll((v) => v + 1);
      readRuns();
    } else if (e.type === 'metric' && runIds.includes(e.data.runId)) {
      dirty.current.add(e.data.key);
      readHistories();
      readRuns();
    } else if (e.type === 'flow-run' && runIds.includes(e.data.runId)) {
      readRuns();
    }
  });
  return { runs, history: (key) => (Object.hasOwn(histories, key) ? histories[key] : 0) + all };
}
