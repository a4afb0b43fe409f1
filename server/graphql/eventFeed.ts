import type { Server } from "socket.io";
import { interceptBroadcasts } from "../../shared/events/adapterPatches.js";
import type { EventEnvelope } from "../../shared/events/eventMap.js";
import { adapterConnections, adapterStatus } from "../../shared/events/socketIo.js";

export type FeedListener = (envelope: EventEnvelope, rooms: ReadonlySet<string>) => void;

export interface EventFeed {
  /** Calls `listener` with every event this instance's Socket.IO server broadcasts, until the returned stop(). */
  listen(listener: FeedListener): () => void;
  /**
   * Calls `listener` after each gap in the Socket.IO stream (its Redis connections dropped, then were all
   * ready again): events Redis took but lost meanwhile are in PostgreSQL only, so a subscription replays
   * from there, as sockets do (server/realtime/resync.ts).
   */
  onGap(listener: () => void): () => void;
}

const feeds = new WeakMap<Server, EventFeed>();

/**
 * The events as this web instance learns of them: every broadcast its Socket.IO server makes, which
 * (events going through the Redis stream only, shared/events/adapterPatches.ts) is every published
 * event of the deployment, read from the stream in the global id order the leading relay published
 * them in, whichever instance or worker published them. GraphQL subscriptions listen here, so they
 * get exactly what sockets get, in the same order, across instances.
 *
 * The broadcast is seen through interceptBroadcasts (the same hook the live gate uses), and passed on
 * untouched. The socket replay's own writes (to one socket id) are not user-room broadcasts and are
 * skipped by the listeners' room checks.
 */
export function eventFeed(io: Server): EventFeed {
  const existing = feeds.get(io);
  if (existing) return existing;
  const listeners = new Set<FeedListener>();
  interceptBroadcasts(io, (packet, opts, callback, apply) => {
    const [type, envelope] = (packet?.data ?? []) as [unknown, EventEnvelope | undefined];
    if (listeners.size && typeof type === "string" && typeof envelope?.id === "number" && opts.rooms) {
      for (const listener of listeners) listener(envelope, opts.rooms);
    }
    apply(opts, callback);
  });
  const gapListeners = new Set<() => void>();
  watchStreamGaps(io, () => {
    for (const listener of gapListeners) listener();
  });
  const feed: EventFeed = {
    listen(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    onGap(listener) {
      gapListeners.add(listener);
      return () => gapListeners.delete(listener);
    },
  };
  feeds.set(io, feed);
  return feed;
}

/** After any adapter connection closed, once all are ready again (300 ms later, as resync.ts waits): `gap()`. */
function watchStreamGaps(io: Server, gap: () => void): void {
  let dropped = false;
  let timer: NodeJS.Timeout | null = null;
  const watched = new WeakSet<object>();
  const watch = () => {
    for (const connection of adapterConnections(io)) {
      if (watched.has(connection)) continue;
      watched.add(connection);
      connection.on("close", () => {
        dropped = true;
      });
      connection.on("ready", () => {
        if (!dropped || adapterStatus(io) !== "ready" || timer) return;
        timer = setTimeout(() => {
          timer = null;
          dropped = false;
          gap();
        }, 300);
        timer.unref();
      });
    }
  };
  watch();
  // The adapter duplicates its reading connection lazily; pick those up too.
  setTimeout(watch, 1000).unref();
}

/** A queue that a listener pushes into and an async loop drains; ended by close(). */
export class EventQueue<T> implements AsyncIterable<T> {
  private items: T[] = [];
  private waiting: ((result: IteratorResult<T>) => void) | null = null;
  private closed = false;

  push(item: T): void {
    if (this.closed) return;
    if (this.waiting) {
      const wake = this.waiting;
      this.waiting = null;
      wake({ value: item, done: false });
    } else this.items.push(item);
  }

  close(): void {
    this.closed = true;
    this.waiting?.({ value: undefined, done: true });
    this.waiting = null;
  }

  [Symbol.asyncIterator](): AsyncIterator<T> {
    return {
      next: () => {
        const item = this.items.shift();
        if (item !== undefined) return Promise.resolve({ value: item, done: false });
        if (this.closed) return Promise.resolve({ value: undefined, done: true });
        return new Promise((resolve) => {
          this.waiting = resolve;
        });
      },
      return: () => {
        this.close();
        return Promise.resolve({ value: undefined, done: true });
      },
    };
  }
}
