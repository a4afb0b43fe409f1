import type { Server as HttpServer } from "node:http";
import type { Redis } from "ioredis";
import { Server } from "socket.io";
import { config } from "../../shared/config.js";
import type { Orm } from "../../shared/db/orm.js";
import { registerAdapterRedis, socketIoOptions } from "../../shared/events/socketIo.js";
import { logger } from "../../shared/logger.js";
import { authenticateSocket } from "./auth.js";
import { disconnectOnExpiry } from "./expiry.js";
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
}

/**
 * Socket.IO on the web process's HTTP server. Instances meet through the Redis *streams* adapter,
 * the one that supports connection state recovery (the classic pub/sub adapter cannot). Sockets
 * authenticate in the handshake, join their user's room (after replaying what they missed), may
 * subscribe to bookings and listings, and are disconnected when their token expires.
 */
export function createIo(httpServer: HttpServer, adapterRedis: Redis, options: RealtimeOptions = {}): Server {
  const io = registerAdapterRedis(new Server(httpServer, socketIoOptions(adapterRedis)), adapterRedis);
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

  io.use(authenticateSocket(orm));
  io.on("connection", (socket) => {
    // Handlers first, synchronously: packets arriving during the replay must find them.
    const bucket = new TokenBucket(eventsPerSecond);
    socket.use((packet, next) => {
      if (bucket.take()) return next();
      const ack = packet[packet.length - 1];
      if (typeof ack === "function") ack(errorAck("rate_limited", `At most ${eventsPerSecond} messages per second.`));
    });
    handleSubscriptions(socket, { orm, maxSubscriptions });
    disconnectOnExpiry(io, socket, gate);
    // A recovered session got its missed packets from the Redis stream, and its rooms back.
    if (socket.recovered) return;
    joinAndReplay(io, socket, { orm, gate }).catch((err) => {
      // Closing the transport (not a server "disconnect") makes the client reconnect and resume.
      logger.error({ err, userId: socket.data.user?.id }, "socket replay failed; closing it so the client retries");
      socket.conn.close();
    });
  });
  return io;
}
