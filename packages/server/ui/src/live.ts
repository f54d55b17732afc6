import { useEffect, useRef } from 'preact/hooks';
import { getJson, token, withQuery } from './api.js';

/** The server's event stream (`GET /api/events`), when it has one. */
const EVENTS_PATH = '/api/events';
const EVENT_TYPES = ['flow-run', 'task-run', 'log', 'metric'] as const;
/** Without an event stream, how often the page asks again. */
const POLL_MS = 2000;
/** Events come in bursts (a task run and its log lines): one reload per burst. */
const SETTLE_MS = 40;

let hasEvents: Promise<boolean> | undefined;

/** Whether the server streams events: its OpenAPI document lists the route. */
function eventsAvailable(): Promise<boolean> {
  hasEvents ??= getJson<{ paths?: Record<string, unknown> }>('/api/openapi.json').then(
    (doc) => doc.paths?.[EVENTS_PATH] !== undefined,
    () => false,
  );
  return hasEvents;
}

/**
 * Calls `reload` whenever the store changes under the page: on each burst of server-sent events
 * (of one flow run when `flowRunId` is given), or every two seconds on a server without them.
 */
export function useLive(reload: () => void, flowRunId?: string, enabled = true): void {
  const latest = useRef(reload);
  latest.current = reload;
  useEffect(() => {
    if (!enabled) return;
    let closed = false;
    let source: EventSource | undefined;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let poll: ReturnType<typeof setInterval> | undefined;
    const schedule = () => {
      if (timer !== undefined) return;
      timer = setTimeout(() => {
        timer = undefined;
        if (!closed) latest.current();
      }, SETTLE_MS);
    };
    void eventsAvailable().then((available) => {
      if (closed) return;
      if (!available) {
        poll = setInterval(() => latest.current(), POLL_MS);
        return;
      }
      source = new EventSource(withQuery(EVENTS_PATH, { flowRunId, token: token() }));
      for (const type of EVENT_TYPES) source.addEventListener(type, schedule);
      // After a dropped connection EventSource reconnects by itself; what changed meanwhile is
      // read again once it is back.
      source.addEventListener('open', schedule);
    });
    return () => {
      closed = true;
      source?.close();
      clearTimeout(timer);
      clearInterval(poll);
    };
  }, [flowRunId, enabled]);
}
