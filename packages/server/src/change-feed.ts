import { changeStream, cursorReached } from '@tideflow/core';
import type { ChangeCursor, Logger, Tracker, TrackerChange } from '@tideflow/core';

/**
 * What a subscription receives besides changes: the store no longer keeps the changes after the
 * subscriber's cursor (`ChangePage.resync`), which now is the feed's end; reload, then go on.
 */
export interface ResyncEvent {
  /** Discriminant. */
  kind: 'resync';
}

/**
 * What a subscription receives when the store fails to read its changes: the feed polls on from
 * the same cursor, so nothing is lost once the store reads again; until then the client's view
 * may be stale. Sent once per run of failures (to a subscriber that joins during one, at the next
 * failed poll); the first poll that reads again delivers the changes written meanwhile, then a
 * {@link ResyncEvent}, so that the client knows the store reads again and reloads what it shows.
 */
export interface FeedErrorEvent {
  /** Discriminant. */
  kind: 'store-error';
  /** What the store threw. */
  error: unknown;
}

/** Receives the changes of a {@link ChangeFeed} subscription, each with the cursor after it. */
export type ChangeListener = (
  change: TrackerChange | ResyncEvent | FeedErrorEvent,
  cursor: ChangeCursor,
) => void;

/** Options of {@link ChangeFeed}. */
export interface ChangeFeedOptions {
  /**
   * How often the store is polled while anyone listens, ms.
   *
   * @default 100
   */
  intervalMs?: number;
  /** Where a store that fails to read its changes is logged (once per run of failures). */
  logger?: Logger;
}

/** A live subscription of a {@link ChangeFeed}. */
export interface ChangeSubscription {
  /** Stops the deliveries; idempotent. */
  unsubscribe(): void;
}

interface Subscriber {
  listener: ChangeListener;
  /** The last position delivered (or skipped) in each stream. */
  cursor: ChangeCursor;
  /** Whether it started behind the feed's head (a resumed client) and reads on its own until it reaches it. */
  catchingUp: boolean;
  /** Whether it was told of the store's failure and not yet that the store reads again. */
  toldFailure: boolean;
}

/** Pages read per stream and tick, so that a burst is drained quickly but one tick stays bounded. */
const MAX_PAGES_PER_TICK = 10;
const PAGE = 1000;

/**
 * One poller of a tracker's change feed shared by every live-update client of a server: it polls
 * the store (cheap when idle, see `TrackerStore.readChanges`) only while someone listens, and
 * hands each change to every subscriber past whose cursor it is, so that a client that resumes
 * from an older cursor catches up on its own reads and then joins the shared stream without a
 * duplicate or a gap.
 */
export class ChangeFeed {
  private readonly subscribers = new Set<Subscriber>();
  private head: ChangeCursor | undefined;
  private timer: NodeJS.Timeout | undefined;
  private polling: Promise<void> | undefined;
  private closed = false;
  /** Whether the last poll failed (its error was logged; the next ones are not, until one succeeds). */
  private failing = false;
  private readonly intervalMs: number;
  private readonly logger: Logger | undefined;

  constructor(
    private readonly tracker: Tracker,
    options: ChangeFeedOptions = {},
  ) {
    this.intervalMs = options.intervalMs ?? 100;
    this.logger = options.logger;
  }

  /** How many subscriptions are live. */
  get size(): number {
    return this.subscribers.size;
  }

  /**
   * Subscribes from `from` (a cursor a client saw last) or, without it, from the feed's end:
   * changes written from now on.
   */
  async subscribe(listener: ChangeListener, from?: ChangeCursor): Promise<ChangeSubscription> {
    if (this.closed) throw new Error('The change feed is closed.');
    if (this.head === undefined) {
      const end = (await this.tracker.readChanges()).cursor;
      // Another subscriber may have set it meanwhile: every live subscriber shares one head.
      this.head ??= end;
    }
    const start = from ?? this.head;
    const sub: Subscriber = {
      listener,
      cursor: { ...start },
      catchingUp: from !== undefined,
      toldFailure: false,
    };
    this.subscribers.add(sub);
    this.schedule();
    return { unsubscribe: () => this.subscribers.delete(sub) };
  }

  /** Stops polling and drops every subscription; waits for a poll under way. */
  async close(): Promise<void> {
    this.closed = true;
    this.subscribers.clear();
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.polling;
  }

  private schedule(): void {
    if (this.closed || this.timer !== undefined || this.polling !== undefined) return;
    if (this.subscribers.size === 0) {
      // Nobody listens: forget the head, so that the next subscriber starts at the true end.
      this.head = undefined;
      return;
    }
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.polling = this.poll()
        .then(
          () => this.recover(),
          (error: unknown) => this.fail(error),
        )
        .finally(() => {
          this.polling = undefined;
          this.schedule();
        });
    }, this.intervalMs);
  }

  private async poll(): Promise<void> {
    this.head ??= (await this.tracker.readChanges()).cursor;
    for (const sub of [...this.subscribers]) {
      if (!sub.catchingUp) continue;
      let pages = 0;
      while (this.subscribers.has(sub) && !cursorReached(sub.cursor, this.head)) {
        if (pages++ === MAX_PAGES_PER_TICK) break;
        const page = await this.tracker.readChanges(sub.cursor, { limit: PAGE });
        if (page.resync) this.resync(sub, page.cursor);
        for (const change of page.changes) this.deliver(sub, change);
        sub.cursor = { ...page.cursor };
        if (page.changes.length === 0 && !page.more) break;
      }
      if (cursorReached(sub.cursor, this.head)) sub.catchingUp = false;
    }
    for (let pages = 0; pages < MAX_PAGES_PER_TICK; pages++) {
      const page = await this.tracker.readChanges(this.head, { limit: PAGE });
      this.head = page.cursor;
      // The shared reader fell behind what the store keeps: everyone on it reloads.
      if (page.resync)
        for (const sub of this.subscribers) if (!sub.catchingUp) this.resync(sub, page.cursor);
      for (const change of page.changes)
        for (const sub of this.subscribers) if (!sub.catchingUp) this.deliver(sub, change);
      if (!page.more) break;
    }
  }

  /**
   * Tells every subscriber not told yet that the store failed (the first failure of a run of them,
   * or the first since it subscribed); logs it once per run.
   */
  private fail(error: unknown): void {
    if (!this.failing) {
      this.failing = true;
      const message = error instanceof Error ? error.message : String(error);
      this.logger?.warn(
        { error: message },
        `the tracking store failed to read its changes (${message}); live updates resume once it reads again`,
      );
    }
    for (const sub of [...this.subscribers]) {
      if (sub.toldFailure) continue;
      sub.toldFailure = true;
      this.tell(sub, { kind: 'store-error', error });
    }
  }

  /** After a poll that read: every subscriber told of a failure reloads, from where it is now. */
  private recover(): void {
    this.failing = false;
    for (const sub of [...this.subscribers]) {
      if (!sub.toldFailure) continue;
      sub.toldFailure = false;
      this.resync(sub, sub.cursor);
    }
  }

  /** Tells a subscriber to reload, and moves it to `cursor` (the feed's end). */
  private resync(sub: Subscriber, cursor: ChangeCursor): void {
    sub.cursor = { ...cursor };
    this.tell(sub, { kind: 'resync' });
  }

  /** Calls a subscriber's listener; one that throws is unsubscribed, so it cannot stall the others. */
  private tell(sub: Subscriber, event: TrackerChange | ResyncEvent | FeedErrorEvent): void {
    try {
      sub.listener(event, sub.cursor);
    } catch {
      this.subscribers.delete(sub);
    }
  }

  /** Hands a change to a subscriber unless its cursor is already past it. */
  private deliver(sub: Subscriber, change: TrackerChange): void {
    const stream = changeStream(change);
    if (change.seq <= sub.cursor[stream]) return;
    sub.cursor = { ...sub.cursor, [stream]: change.seq };
    this.tell(sub, change);
  }
}
