/**
 * The browser's side of the real-time contract (also used by tests and the benchmark): one socket
 * that authenticates, resumes after any absence with `lastEventId`, drops duplicates by event id,
 * and re-subscribes after every reconnect. Browser-safe: no Node
 * imports; socket.io-client runs in both.
 */
import { io, type ManagerOptions, type Socket, type SocketOptions } from "socket.io-client";
import { EVENT_TYPES, type EventEnvelope, type EventType } from "../events/eventMap.js";
import type {
  ClientToServerEvents,
  HandshakeAuth,
  ServerToClientEvents,
  SessionExpired,
  SocketAck,
  SubscribeTarget,
} from "./protocol.js";

type RealtimeSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/**
 * Remembers the greatest event id seen (what to resume from) and the recent ids (to drop the
 * duplicates at-least-once delivery allows: a relay racing a fast path).
 */
interface EventTracker {
  readonly lastEventId: number | null;
  /** True the first time an id is seen; false for a duplicate. */
  accept(envelope: Pick<EventEnvelope, "id">): boolean;
}

function createEventTracker(lastEventId: number | null = null, memory = 2000): EventTracker {
  const seen = new Set<number>();
  let last = lastEventId;
  return {
    get lastEventId() {
      return last;
    },
    accept({ id }) {
      if (seen.has(id)) return false;
      seen.add(id);
      // Sets iterate in insertion order: forget the oldest ids first.
      if (seen.size > memory) seen.delete(seen.values().next().value as number);
      if (last === null || id > last) last = id;
      return true;
    },
  };
}

export type EventHandler<T extends EventType = EventType> = (event: EventEnvelope<T>) => void;

export interface RealtimeClient {
  socket: RealtimeSocket;
  tracker: EventTracker;
  /** Calls `handler` once per new event of that type (duplicates are dropped). Returns an unsubscriber. */
  on<T extends EventType>(type: T, handler: EventHandler<T>): () => void;
  /** Every new event, whatever its type. */
  onAny(handler: EventHandler): () => void;
  /** Follows a booking or a listing's availability; kept across reconnects. */
  subscribe(target: SubscribeTarget): Promise<SocketAck>;
  unsubscribe(target: SubscribeTarget): Promise<SocketAck>;
  close(): void;
}

export interface RealtimeClientOptions {
  /** The bearer token, or a function returning the current one (read at every (re)connect). */
  token: string | (() => string);
  /** Resume point from a previous page load (e.g. kept in localStorage). */
  lastEventId?: number | null;
  /** Told when the server ends the session (token expired or revoked): log in again, then reconnect. */
  onSessionExpired?: (info: SessionExpired) => void;
  /** Passed to socket.io-client (e.g. `transports: ["websocket"]`). */
  socketOptions?: Partial<ManagerOptions & SocketOptions>;
}

const ACK_TIMEOUT_MS = 10_000;

const keyOf = (target: SubscribeTarget) =>
  "bookingId" in target ? `booking:${target.bookingId}` : "ops" in target ? "ops" : `listing:${target.listingId}`;

export function connectRealtime(url: string, options: RealtimeClientOptions): RealtimeClient {
  const tracker = createEventTracker(options.lastEventId ?? null);
  const handlers = new Map<string, Set<EventHandler<any>>>();
  const subscriptions = new Map<string, SubscribeTarget>();
  const token = typeof options.token === "function" ? options.token : () => options.token as string;

  const socket: RealtimeSocket = io(url, {
    path: "/socket.io",
    ...options.socketOptions,
    // A function, so every reconnect sends the current token and resume point.
    auth: (cb) => cb({ token: token(), lastEventId: tracker.lastEventId } satisfies HandshakeAuth),
  });

  socket.onAny((name: string, envelope: EventEnvelope) => {
    if (!(EVENT_TYPES as readonly string[]).includes(name) || typeof envelope?.id !== "number") return;
    if (!tracker.accept(envelope)) return;
    for (const key of [name, "*"]) for (const handler of handlers.get(key) ?? []) handler(envelope);
  });
  socket.on("session.expired", (info) => options.onSessionExpired?.(info));
  // "unavailable": the server could not check the token (its database is away, e.g. restarting). A
  // refusal by the server's middleware stops socket.io-client's own reconnection, so try again here,
  // backing off; any other refusal (unauthorized) stays final.
  let unavailableRetries = 0;
  let closed = false;
  socket.on("connect_error", (err) => {
    if (err.message !== "unavailable" || socket.active) return;
    const delay = Math.min(500 * 2 ** unavailableRetries++, 5000) * (0.8 + Math.random() * 0.4);
    setTimeout(() => {
      if (!closed && !socket.connected && !socket.active) socket.connect();
    }, delay);
  });
  socket.on("connect", () => {
    unavailableRetries = 0;
    // Every connection starts with no rooms but the user's: ask again for the rest.
    for (const target of subscriptions.values()) socket.emit("subscribe", target, () => {});
  });

  const listen = (key: string, handler: EventHandler<any>) => {
    if (!handlers.has(key)) handlers.set(key, new Set());
    handlers.get(key)!.add(handler);
    return () => void handlers.get(key)?.delete(handler);
  };

  return {
    socket,
    tracker,
    on: (type, handler) => listen(type, handler),
    onAny: (handler) => listen("*", handler),
    subscribe: async (target) => {
      const ack = await socket.timeout(ACK_TIMEOUT_MS).emitWithAck("subscribe", target);
      if (ack.ok) subscriptions.set(keyOf(target), target);
      return ack;
    },
    unsubscribe: async (target) => {
      subscriptions.delete(keyOf(target));
      return socket.timeout(ACK_TIMEOUT_MS).emitWithAck("unsubscribe", target);
    },
    close: () => {
      closed = true;
      socket.close();
    },
  };
}
