import { connectRealtime, type EventHandler, type RealtimeClient } from "../../shared/browser/client.js";
import type { OpsUpdate } from "../../shared/domain/ops/view.js";
import type { EventEnvelope, EventType } from "../../shared/events/eventMap.js";
import { loadLastEventId, type Session, saveLastEventId } from "./session.js";

export type ConnectionState = "connecting" | "live" | "reconnecting" | "offline";

/**
 * The page's one live connection, over the shared real-time client (shared/events/client.ts: typed
 * events, dedupe by id, resume with `lastEventId`, subscriptions kept across reconnects). This adds
 * what a page needs on top: the resume point kept in localStorage (so a reload misses nothing), the
 * connection state for the indicator, and views reloading after a reconnect that could not resume.
 * WebSocket only: no long-polling means no sticky sessions behind nginx.
 */
export class Live {
  state: ConnectionState = "connecting";
  private readonly client: RealtimeClient;
  private readonly stateHandlers = new Set<(state: ConnectionState) => void>();
  private readonly resyncHandlers = new Set<() => void>();
  private connectedBefore = false;

  constructor(session: Session, onRejected: () => void) {
    const userId = session.user.id;
    this.client = connectRealtime(location.origin, {
      token: session.token,
      lastEventId: loadLastEventId(userId) ?? null,
      onSessionExpired: onRejected,
      socketOptions: { transports: ["websocket"] },
    });
    this.client.onAny(() => {
      const last = this.client.tracker.lastEventId;
      if (last !== null) saveLastEventId(userId, last);
    });

    const socket = this.client.socket;
    socket.on("connect", () => {
      this.setState("live");
      // Events are replayed from lastEventId; what a view shows beyond events (after a long absence,
      // or events pruned from the replay window) is reloaded by the view itself.
      if (this.connectedBefore) for (const fn of this.resyncHandlers) fn();
      this.connectedBefore = true;
    });
    // A server that shuts down closes the transport, which Socket.IO retries by itself ("reconnecting");
    // only a deliberate server disconnect (an expired token) leaves the socket inactive ("offline").
    socket.on("disconnect", () => this.setState(socket.active ? "reconnecting" : "offline"));
    socket.on("connect_error", (err) => {
      if (err.message === "unauthorized") {
        this.setState("offline");
        onRejected();
        return;
      }
      this.setState(socket.active ? "reconnecting" : "offline");
    });
  }

  /** Calls `handler` once per new event of `type`; a throwing handler never stops the others. */
  on<K extends EventType>(type: K, handler: EventHandler<K>): () => void {
    return this.client.on(type, (event: EventEnvelope<K>) => {
      try {
        handler(event);
      } catch (err) {
        console.error("event handler failed", type, err);
      }
    });
  }

  onState(handler: (state: ConnectionState) => void): () => void {
    this.stateHandlers.add(handler);
    handler(this.state);
    return () => this.stateHandlers.delete(handler);
  }

  /** After every reconnect (listing feeds are not replayed: what they show is reloaded). */
  onResync(handler: () => void): () => void {
    this.resyncHandlers.add(handler);
    return () => this.resyncHandlers.delete(handler);
  }

  /** Follows a listing's availability feed until the returned function is called. */
  watchListing(listingId: string): () => void {
    const target = { listingId };
    void this.client.subscribe(target).then(
      (ack) => ack.ok || console.warn("could not follow the listing", ack.error),
      (err) => console.warn("could not follow the listing", err),
    );
    return () => {
      void this.client.unsubscribe(target).catch(() => {});
    };
  }

  /**
   * Follows the admins' operations feed (`ops.update`, at most one a second) until the returned function
   * is called. The subscription is kept across reconnects by the shared client.
   */
  watchOps(handler: (update: OpsUpdate) => void): () => void {
    const target = { ops: true } as const;
    const socket = this.client.socket;
    socket.on("ops.update", handler);
    void this.client.subscribe(target).then(
      (ack) => ack.ok || console.warn("could not follow the operations feed", ack.error),
      (err) => console.warn("could not follow the operations feed", err),
    );
    return () => {
      socket.off("ops.update", handler);
      void this.client.unsubscribe(target).catch(() => {});
    };
  }

  close(): void {
    this.client.close();
    this.stateHandlers.clear();
    this.resyncHandlers.clear();
  }

  private setState(state: ConnectionState): void {
    if (state === this.state) return;
    this.state = state;
    for (const fn of this.stateHandlers) fn(state);
  }
}
