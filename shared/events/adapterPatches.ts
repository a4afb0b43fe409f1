import { createRequire } from "node:module";
import type { Server, Socket } from "socket.io";
import { checkPinned, installedVersion } from "../packageVersions.js";

/**
 * The only three places where Nexus uses Socket.IO's insides: none has a public alternative.
 *
 * 1. `interceptBroadcasts` wraps the namespace adapter's `_encode` and `apply`, which its in-memory
 *    `broadcast` calls back to back, synchronously, for both local emits and those arriving from other
 *    instances (the live gate, server/realtime/liveGate.ts, needs the packet each socket gets).
 * 2. `publishToStreamOnly` calls the streams adapter's `doPublish` with the message ClusterAdapter's
 *    `broadcast` builds (its wire format), from a sender id no instance owns (socketPublisher.ts).
 * 3. `coalesceWebSocketWrites` wraps engine.io's WebSocket transport `send`, to write what one tick
 *    sends to a socket in one system call.
 *
 * And one guard on a client we own, for a defect of the streams adapter: `guardAdapterClient` (below).
 *
 * Both were verified against the versions in PINNED. On an upgrade of any of them this module stops
 * the process at start (import time) instead of letting a broadcast silently skip the gate or the
 * stream; re-verify what RE_VERIFY lists, then update PINNED.
 */
const PINNED = {
  "socket.io": "4.8.4",
  "socket.io-adapter": "2.5.8",
  "@socket.io/redis-streams-adapter": "0.3.1",
  "engine.io": "6.6.12",
} as const;

const RE_VERIFY = [
  "socket.io-adapter Adapter#broadcast still calls this._encode(packet, opts) then this.apply(opts, cb) synchronously, for local and remote broadcasts",
  "ClusterAdapter#broadcast's message is still {uid, nsp, type: MessageType.BROADCAST (3), data: {packet, opts: {rooms, except, flags}}} with packet.type EVENT (2)",
  "@socket.io/redis-streams-adapter still has doPublish(message) returning the XADD's promise, and skips only messages whose uid is its own",
  "whether @socket.io/redis-streams-adapter still fires PUBLISH (ephemeral messages, its heartbeats) and SUBSCRIBE without a catch; if not, guardAdapterClient can go",
  "engine.io's transports/websocket.js still exports WebSocket, whose send(packets) writes every packet through this.socket (a ws WebSocket, its net.Socket at _socket) synchronously",
  "then run test/realtime*.test.ts and update PINNED in shared/events/adapterPatches.ts",
];

/** Fails loudly when an installed version differs from the one the patches were verified with. */
function checkPinnedVersions(): void {
  const socketIoEntry = createRequire(import.meta.url).resolve("socket.io");
  const found = {
    "socket.io": installedVersion("socket.io", import.meta.url),
    // The adapter socket.io itself loads (a transitive dependency), not whichever one is hoisted.
    "socket.io-adapter": installedVersion("socket.io-adapter", socketIoEntry),
    "@socket.io/redis-streams-adapter": installedVersion("@socket.io/redis-streams-adapter", import.meta.url),
    "engine.io": installedVersion("engine.io", socketIoEntry),
  };
  checkPinned("shared/events/adapterPatches.ts (Socket.IO)", PINNED, found, RE_VERIFY);
}

checkPinnedVersions();

type Guardable = {
  publish(...args: unknown[]): unknown;
  subscribe(...args: unknown[]): unknown;
  duplicate(...args: unknown[]): Guardable;
};

/**
 * The streams adapter (0.3.1) sends its ephemeral messages (the cluster heartbeat, every 5 s) with a
 * PUBLISH whose promise it drops, and SUBSCRIBEs likewise: while Redis is away each one rejects with
 * nobody listening (MaxRetriesPerRequestError), an unhandled rejection that ends any process without
 * processGuards (a test process running the app in-process). This marks the promises of `publish` and
 * `subscribe` on the client given to the adapter, and on every client it duplicates from it, as
 * handled; a caller that awaits one still gets its rejection. Nothing is lost: heartbeats are sent again,
 * ioredis re-subscribes on reconnect, and missed stream entries are replayed (server/realtime/resync.ts).
 */
export function guardAdapterClient<C extends Guardable>(client: C): C {
  for (const name of ["publish", "subscribe"] as const) {
    const original = client[name].bind(client);
    client[name] = (...args: unknown[]) => {
      const result = original(...args);
      if (result instanceof Promise) result.catch(() => undefined);
      return result;
    };
  }
  const duplicate = client.duplicate.bind(client);
  client.duplicate = (...args: unknown[]) => guardAdapterClient(duplicate(...args));
  return client;
}

export interface BroadcastPacket {
  data?: unknown[];
}

export interface BroadcastOptions {
  rooms?: Set<string>;
}

interface PatchedAdapter {
  _encode(packet: BroadcastPacket, opts: unknown): unknown;
  apply(opts: BroadcastOptions, callback: (socket: Socket) => void): void;
}

/**
 * Routes every broadcast of the main namespace through `intercept`, with the packet being sent (null
 * when `apply` runs for something other than a broadcast, e.g. fetchSockets or socketsJoin) and the
 * adapter's own `apply`, which the interceptor calls with the callback it wants (or not at all).
 */
export function interceptBroadcasts(
  io: Server,
  intercept: (
    packet: BroadcastPacket | null,
    opts: BroadcastOptions,
    callback: (socket: Socket) => void,
    apply: (opts: BroadcastOptions, callback: (socket: Socket) => void) => void,
  ) => void,
): void {
  const adapter = io.of("/").adapter as unknown as PatchedAdapter;
  let broadcasting: BroadcastPacket | null = null;
  const encode = adapter._encode.bind(adapter);
  adapter._encode = (packet, opts) => {
    broadcasting = packet;
    return encode(packet, opts);
  };
  const apply = adapter.apply.bind(adapter);
  adapter.apply = (opts, callback) => {
    const packet = broadcasting;
    broadcasting = null;
    intercept(packet, opts, callback, apply);
  };
}

interface PublishingAdapter {
  doPublish?: (message: unknown) => Promise<unknown>;
  nsp: { name: string };
}

// socket.io-adapter 2.5's wire values (ClusterAdapter's MessageType.BROADCAST, socket.io-parser's EVENT).
const BROADCAST_MESSAGE = 3;
const EVENT_PACKET = 2;
/**
 * The sender id our event messages carry. Each adapter skips messages whose uid is its own (a random
 * id), so a message from this id is delivered by EVERY instance's stream reader, the publisher's too.
 */
const STREAM_ONLY_UID = "nexus-events";

/**
 * `io.to(rooms).emit()` through the streams adapter, delivered to sockets only by the instances'
 * stream readers, the publishing instance's included; resolves once Redis acknowledged the XADD and
 * rejects if it failed. Why not a plain emit: the cluster adapter XADDs, swallows a failure (debug
 * only), and then delivers to its own sockets at once. So (a) a failed publish still reached this
 * instance's sockets, and the relay's later publish of the same event reached them twice; and (b) an
 * instance's own events overtook older ones published elsewhere that its reader had not read yet,
 * breaking the per-user id order that resuming "after N" relies on (both seen in the chaos run).
 * Going through the stream alone, every socket gets events in the stream's order, which is the
 * global id order (the relay leader publishes alone, shared/events/relay.ts), and an event nobody
 * could publish reaches nobody.
 */
export function publishToStreamOnly(io: Server, rooms: string[], event: string, payload: unknown): Promise<void> {
  const adapter = io.of("/").adapter as unknown as PublishingAdapter;
  if (typeof adapter.doPublish !== "function") {
    io.to(rooms).emit(event, payload); // an in-memory adapter: nothing to wait for
    return Promise.resolve();
  }
  const packet = { type: EVENT_PACKET, data: [event, payload], nsp: adapter.nsp.name };
  return adapter
    .doPublish({
      uid: STREAM_ONLY_UID,
      nsp: adapter.nsp.name,
      type: BROADCAST_MESSAGE,
      data: { packet, opts: { rooms, except: [], flags: {} } },
    })
    .then(() => undefined);
}

interface EngineWebSocketTransport {
  socket?: { _socket?: { cork(): void; uncork(): void; writableCorked: number; destroyed: boolean } };
}

/**
 * What one tick writes to a WebSocket goes out in one system call. engine.io sends each packet as
 * its own frame, and ws writes each frame at once: a relay publishing a batch, or a stream read of
 * several events, cost every socket one write(2) per event, about half of the leading relay's CPU
 * under load (bench:events; a loopback write costs its sender tens of µs on these machines). The
 * transport's first send in a tick corks the socket's TCP stream and uncorks it on the next tick
 * (process.nextTick: before any I/O), so the frames of that tick leave together, in order.
 * Idempotent; applies to every Server of the process.
 */
export function coalesceWebSocketWrites(): void {
  const socketIoEntry = createRequire(import.meta.url).resolve("socket.io");
  const engineEntry = createRequire(socketIoEntry).resolve("engine.io");
  const transportFile = `${engineEntry.slice(0, engineEntry.lastIndexOf("/"))}/transports/websocket.js`;
  const { WebSocket } = createRequire(socketIoEntry)(transportFile) as {
    WebSocket: { prototype: { send(packets: unknown[]): void; [COALESCED]?: true } };
  };
  const proto = WebSocket.prototype;
  if (proto[COALESCED]) return;
  proto[COALESCED] = true;
  const send = proto.send;
  proto.send = function (this: EngineWebSocketTransport, packets: unknown[]) {
    const raw = this.socket?._socket;
    if (raw && !raw.destroyed && raw.writableCorked === 0) {
      raw.cork();
      process.nextTick(() => raw.uncork());
    }
    return send.call(this, packets);
  };
}
const COALESCED = Symbol.for("nexus.coalesceWebSocketWrites");
