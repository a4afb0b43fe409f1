import type { Server as HttpServer } from "node:http";
import type { Redis } from "ioredis";
import { Server } from "socket.io";
import type {
  ClientToServerEvents,
  InterServerEvents,
  ServerToClientEvents,
  SocketData,
} from "../../shared/browser/protocol.js";
import { config } from "../../shared/config.js";
import type { Orm } from "../../shared/db/orm.js";
import { coalesceWebSocketWrites } from "../../shared/events/adapterPatches.js";
import { type NexusServer, registerAdapterRedis, socketIoOptions } from "../../shared/events/socketIo.js";
import { logger } from "../../shared/logger.js";
import { socketsConnected } from "../../shared/metrics.js";
import { authenticateSocket } from "./auth.js";
import { ConnectionCaps, type ConnectionCapsOptions } from "./connectionCaps.js";
import { disconnectOnExpiry, disconnectRevoked } from "./expiry.js";
import { installLiveGate } from "./liveGate.js";
import { joinAndReplay } from "./resume.js";
import { resyncAfterStreamGaps } from "./resync.js";
import { errorAck, handleSubscriptions } from "./subscriptions.js";
import { TokenBucket } from "./tokenBucket.js";

export interface RealtimeOptions {
  /** Needed to authenticate sockets, check subscriptions and replay; without it every handshake fails. */
  orm?: Orm;
  maxSubscriptions?: number;
  eventsPerSecond?: number;
  /** Socket caps per user and per IP (default: SOCKET_MAX_PER_USER, SOCKET_MAX_PER_IP, SOCKET_COUNT_HEARTBEAT_MS). */
  caps?: Partial<ConnectionCapsOptions>;
  /** How often sockets' tokens are checked for revocation (default SOCKET_REVOCATION_CHECK_MS). */
  revocationCheckMs?: number;
}

/**
 * Socket.IO on the web process's HTTP server. Instances meet through the Redis streams adapter.
 * Sockets authenticate in the handshake, are capped per user and per IP, join their user's room
 * (after replaying what they missed since `lastEventId`), may subscribe to bookings and listings,
 * and are disconnected when their token expires or is revoked.
 */
export function createIo(httpServer: HttpServer, adapterRedis: Redis, options: RealtimeOptions = {}): NexusServer {
  coalesceWebSocketWrites();
  const io = registerAdapterRedis(
    new Server<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>(
      httpServer,
      socketIoOptions(adapterRedis),
    ),
    adapterRedis,
  );
  const { orm } = options;
  if (!orm) {
    logger.warn("createIo without an orm: every socket handshake will fail");
    io.use((_socket, next) => next(new Error("unavailable")));
    return io;
  }
  const maxSubscriptions = options.maxSubscriptions ?? config.SOCKET_MAX_SUBSCRIPTIONS;
  const eventsPerSecond = options.eventsPerSecond ?? config.SOCKET_EVENTS_PER_SECOND;
  const gate = installLiveGate(io);
  resyncAfterStreamGaps(io, { orm, gate });
  // Counted on the adapter's own (non-blocking) connection: its commands run in the order sent.
  const caps = new ConnectionCaps(adapterRedis, {
    perUser: options.caps?.perUser ?? config.SOCKET_MAX_PER_USER,
    perIp: options.caps?.perIp ?? config.SOCKET_MAX_PER_IP,
    heartbeatMs: options.caps?.heartbeatMs ?? config.SOCKET_COUNT_HEARTBEAT_MS,
  });
  const stopRevocations = disconnectRevoked(
    io,
    gate,
    orm,
    options.revocationCheckMs ?? config.SOCKET_REVOCATION_CHECK_MS,
  );
  httpServer.once("close", () => {
    stopRevocations();
    void caps.stop();
  });

  io.use(authenticateSocket(orm));
  io.use(caps.middleware);
  io.on("connection", (socket) => {
    // Socket.IO keeps each session's first HTTP request for the session's life; nothing reads it
    // once the middlewares have run (socket.handshake keeps what they read): let it go, some 4 kB a
    // socket (Socket.IO's "Memory usage" guide).
    (socket.conn as unknown as { request: unknown }).request = null;
    socketsConnected.inc();
    socket.once("disconnect", () => socketsConnected.dec());
    // Handlers first, synchronously: packets arriving during the replay must find them.
    const bucket = new TokenBucket(eventsPerSecond);
    socket.use((packet, next) => {
      if (bucket.take()) return next();
      const ack = packet[packet.length - 1];
      if (typeof ack === "function") ack(errorAck("rate_limited", `At most ${eventsPerSecond} messages per second.`));
    });
    handleSubscriptions(socket, { orm, maxSubscriptions });
    disconnectOnExpiry(io, socket, gate);
    joinAndReplay(io, socket, { orm, gate }).catch((err) => {
      // Closing the transport (not a server "disconnect") makes the client reconnect and resume.
      logger.error({ err, userId: socket.data.user?.id }, "socket replay failed; closing it so the client retries");
      socket.conn.close();
    });
  });
  return io;
}
