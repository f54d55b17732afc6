import { useCallback, useEffect, useRef } from 'preact/hooks';
import { getJson, token, withQuery } from './api.js';
import { setStoreFailing } from './live-status.js';
import type { LogLine, StateTransition, StateType, TaskRun } from './types.js';

/** The server's event stream (`GET /api/events`), when it has one. */
const EVENTS_PATH = '/api/events';
/** Without an event stream, how often the page asks again. */
const POLL_MS = 2000;
/** Events come in bursts (a poll of the store's change feed): one reload per burst. */
export const SETTLE_MS = 16;

/** A flow run's record as a `flow-run` event carries it. */
export interface FlowRunEvent {
  runId: string;
  flowName: string;
  state: StateType;
  stateHistory: StateTransition[];
  parameters: Record<string, unknown>;
}

/** A metric point as a `metric` event carries it (NaN and ±Infinity already numbers). */
export interface MetricEvent {
  runId: string;
  key: string;
  value: number;
  step: number;
  timestamp: number;
}

/** One change the server streamed, parsed; `resync` when changes may have been missed. */
export type LiveEvent =
  | { type: 'flow-run'; data: FlowRunEvent }
  | { type: 'task-run'; data: TaskRun }
  | { type: 'log'; data: LogLine & { runId: string } }
  | { type: 'metric'; data: MetricEvent }
  /** The stream (re)connected or said `resync`, or a server without one was polled: read again. */
  | { type: 'resync' };

const EVENT_TYPES = ['flow-run', 'task-run', 'log', 'metric'] as const;

let hasEvents: Promise<boolean> | undefined;

/** Whether the server streams events: its OpenAPI document lists the route. */
function eventsAvailable(): Promise<boolean> {
  hasEvents ??= getJson<{ paths?: Record<string, unknown> }>('/api/openapi.json').then(
    (doc) => doc.paths?.[EVENTS_PATH] !== undefined,
    () => false,
  );
  return hasEvents;
}

function parse(type: (typeof EVENT_TYPES)[number], data: string): LiveEvent {
  const body = JSON.parse(data) as Record<string, unknown>;
  if (type === 'metric') {
    // The stream sends NaN and ±Infinity as strings; Number() reads them back.
    return { type, data: { ...(body as unknown as MetricEvent), value: Number(body.value) } };
  }
  return { type, data: body } as unknown as LiveEvent;
}

/**
 * Hands `onEvent` every change the store records while the page is open, as it arrives (of one
 * flow run when `flowRunId` is given): the server's events, or a `resync` every two seconds on
 * a server without them. A `resync` also follows each (re)connection of the stream, since what
 * changed meanwhile was not streamed. A `store-error` (the store cannot read its changes) marks
 * live updates as failing (see `useStoreFailing`) until the stream's next event.
 */
export function useLive(
  onEvent: (event: LiveEvent) => void,
  options: { flowRunId?: string; enabled?: boolean } = {},
): void {
  const { flowRunId, enabled = true } = options;
  const latest = useRef(onEvent);
  latest.current = onEvent;
  useEffect(() => {
    if (!enabled) return;
    let closed = false;
    let source: EventSource | undefined;
    let poll: ReturnType<typeof setInterval> | undefined;
    const stream = {};
    const emit = (event: LiveEvent) => {
      if (closed) return;
      // Events flow again (after a change the store read, or a reconnection): it reads again.
      setStoreFailing(stream, false);
      latest.current(event);
    };
    // Without a stream, a resync every two seconds: started once, whichever way it is needed.
    // Its reads show their own errors; the stream's notice goes with the stream.
    const pollInstead = () => {
      if (closed || poll !== undefined) return;
      setStoreFailing(stream, false);
      poll = setInterval(() => emit({ type: 'resync' }), POLL_MS);
    };
    void eventsAvailable().then((available) => {
      if (closed) return;
      if (!available) {
        pollInstead();
        return;
      }
      source = new EventSource(withQuery(EVENTS_PATH, { flowRunId, token: token() }));
      for (const type of EVENT_TYPES)
        source.addEventListener(type, (e) => emit(parse(type, (e as MessageEvent<string>).data)));
      source.addEventListener('open', () => emit({ type: 'resync' }));
      // A server whose change feed no longer holds what a reconnecting page missed says so.
      source.addEventListener('resync', () => emit({ type: 'resync' }));
      // The server's store cannot read its changes: what the page shows may be stale until the
      // server sends events again (it resyncs once the store reads).
      source.addEventListener('store-error', () => {
        if (!closed) setStoreFailing(stream, true);
      });
      // A stream refused for good (not a dropped connection, which EventSource retries by
      // itself) leaves the page polling rather than silently still.
      source.addEventListener('error', () => {
        if (source?.readyState === EventSource.CLOSED) pollInstead();
      });
    });
    return () => {
      closed = true;
      source?.close();
      clearInterval(poll);
      setStoreFailing(stream, false);
    };
  }, [flowRunId, enabled]);
}

/**
 * A function that runs `fn` once, `ms` after the first of a burst of calls: what a page does to
 * read again after a burst of events.
 */
export function useCoalesced(fn: () => void, ms = SETTLE_MS): () => void {
  const latest = useRef(fn);
  latest.current = fn;
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  useEffect(() => () => clearTimeout(timer.current), []);
  return useCallback(() => {
    if (timer.current !== undefined) return;
    timer.current = setTimeout(() => {
      timer.current = undefined;
      latest.current();
    }, ms);
  }, [ms]);
}
