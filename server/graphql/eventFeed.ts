import type { Server } from "socket.io";
import { interceptBroadcasts } from "../../shared/events/adapterPatches.js";
import type { EventEnvelope } from "../../shared/events/eventMap.js";

export type FeedListener = (envelope: EventEnvelope, rooms: ReadonlySet<string>) => void;

export interface EventFeed {
  /** Calls `listener` with every event this instance's Socket.IO server broadcasts, until the returned stop(). */
  listen(listener: FeedListener): () => void;
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
  const feed: EventFeed = {
    listen(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
  feeds.set(io, feed);
  return feed;
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
