import { formatChangeCursor, parseChangeCursor } from '@tideflow/core';
import type { ChangeCursor, Tracker, TrackerChange } from '@tideflow/core';
import type { FastifyInstance } from 'fastify';
import type { ServerResponse } from 'node:http';
import { ApiError, toApiError } from '../api-error.js';
import type { ChangeFeed, FeedErrorEvent, ResyncEvent } from '../change-feed.js';
import { jsonNumber } from '../json-number.js';
import { QUERY_TOKEN_ROUTE } from '../security.js';

/** The path of the live-update stream. */
export const EVENTS_PATH = '/api/events';

/** Buffered bytes after which a client that does not read is cut off (it resumes with `Last-Event-ID`). */
const MAX_BUFFERED = 8 * 1024 * 1024;

/** The SSE event name and JSON data of a change (see docs/server.md, "Live updates"). */
export function sseEvent(change: TrackerChange): { event: string; data: unknown } {
  switch (change.kind) {
    case 'flow-run':
      return { event: 'flow-run', data: { runId: change.runId, ...change.record } };
    case 'task-run':
      return { event: 'task-run', data: { runId: change.runId, ...change.record } };
    case 'log':
      return { event: 'log', data: { runId: change.runId, ...change.line } };
    case 'metric': {
      const { key, value, step, timestamp } = change.point;
      return {
        event: 'metric',
        data: { runId: change.runId, key, value: jsonNumber(value), step, timestamp },
      };
    }
  }
}

/**
 * The data of a `store-error` event: a store error's own message when it is a typed one, else (as a
 * 500 answer) a message that does not leak the error's text.
 */
function errorData(error: unknown): { error_code: string; message: string } {
  const { statusCode, body } = toApiError(error);
  if (statusCode < 500) return { error_code: body.error_code, message: body.message };
  return {
    error_code: body.error_code,
    message:
      'The tracking store failed to read its changes; the server keeps trying and this stream goes on from where it was once the store reads again, then sends a resync event.',
  };
}

/** One server-sent event as text. JSON has no raw newlines, so `data` is one line. */
function frame(change: TrackerChange | ResyncEvent | FeedErrorEvent, cursor: ChangeCursor): string {
  // An error moves no cursor: no `id`, so the client resumes from the last change it got.
  if (change.kind === 'store-error')
    return `event: ${change.kind}\ndata: ${JSON.stringify(errorData(change.error))}\n\n`;
  const { event, data } =
    change.kind === 'resync' ? { event: 'resync', data: {} } : sseEvent(change);
  return `id: ${formatChangeCursor(cursor)}\nevent: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

/**
 * `GET /api/events`: server-sent events of the store's change feed, so a page shows a flow that
 * any process is running without reloading. `?flowRunId=` keeps one run's events; a client
 * that reconnects with `Last-Event-ID` gets what it missed, or a `resync` event when the store
 * no longer keeps all of it. Every open stream ends when the
 * client goes or the server closes.
 */
export function eventRoutes(
  app: FastifyInstance,
  tracker: Tracker,
  feed: ChangeFeed,
  pingMs: number,
): { readonly size: number } {
  const open = new Set<ServerResponse>();
  // Before the server stops listening (which waits for open connections): end every stream.
  app.addHook('preClose', async () => {
    for (const res of open) res.end();
    open.clear();
    await feed.close();
  });
  app.get<{ Querystring: { flowRunId?: string; token?: string } }>(
    EVENTS_PATH,
    {
      config: QUERY_TOKEN_ROUTE,
      schema: {
        summary: 'Live updates (server-sent events)',
        description:
          'A text/event-stream of `flow-run`, `task-run`, `log` and `metric` events, each with an `id` to resume from (`Last-Event-ID`), and a `: ping` comment every 15 s. A `resync` event (data `{}`) says the store no longer keeps the changes the client missed: reload what it shows; the stream goes on from the id of that event. A `store-error` event (data `{ error_code, message }`, no id; not named `error`, which EventSource keeps for its own connection errors) says the store failed to read its changes: the stream goes on from where it was once the store reads again, with the changes written meanwhile and then one `resync` event. EventSource cannot send headers: on this route the bearer token may be given as `?token=`.',
        tags: ['live'],
        querystring: {
          type: 'object',
          properties: {
            flowRunId: { type: 'string', minLength: 1, maxLength: 64 },
            token: { type: 'string' },
          },
          additionalProperties: false,
        },
        headers: {
          type: 'object',
          properties: { 'last-event-id': { type: 'string', maxLength: 60 } },
        },
        response: {
          200: {
            description: 'The event stream',
            content: { 'text/event-stream': { schema: { type: 'string' } } },
          },
        },
      },
    },
    async (request, reply) => {
      if (!tracker.hasChangeFeed)
        throw new ApiError(
          501,
          'NOT_IMPLEMENTED',
          'This tracking store has no change feed, so the server cannot stream live updates; serve a sqlite: or memory: store.',
        );
      const lastId = request.headers['last-event-id'];
      const from =
        typeof lastId === 'string' && lastId !== '' ? parseChangeCursor(lastId) : undefined;
      const { flowRunId } = request.query;
      if (flowRunId !== undefined) await tracker.getRun(flowRunId);

      const res = reply.raw;
      const send = (text: string) => {
        if (res.writableEnded) return;
        res.write(text);
        if (res.writableLength > MAX_BUFFERED) res.end();
      };
      const subscription = await feed.subscribe((change, cursor) => {
        const all = change.kind === 'resync' || change.kind === 'store-error';
        if (!all && flowRunId !== undefined && change.runId !== flowRunId) return;
        try {
          send(frame(change, cursor));
        } catch {
          // A change it cannot send: end the stream rather than go silent.
          res.end();
        }
      }, from);
      reply.hijack();
      res.writeHead(200, {
        ...(reply.getHeaders() as Record<string, string>),
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
        // The socket serves this stream only: closed when it ends, so a closing server waits for nothing.
        connection: 'close',
        'x-accel-buffering': 'no',
      });
      const ping = setInterval(() => send(': ping\n\n'), pingMs);
      const cleanup = () => {
        clearInterval(ping);
        subscription.unsubscribe();
        open.delete(res);
      };
      open.add(res);
      res.on('close', cleanup);
      if (res.destroyed) return cleanup();
      send(': connected\n\n');
    },
  );
  return {
    get size() {
      return open.size;
    },
  };
}
