import { createAdapter } from "@socket.io/redis-streams-adapter";
import type { Redis } from "ioredis";
import { Server, type ServerOptions } from "socket.io";
import { config } from "../config.js";

/** Room names, shared by the web process (joining) and every publisher (emitting). */
export const userRoom = (userId: string) => `user:${userId}`;
export const listingRoom = (listingId: string) => `listing:${listingId}`;

/** Options common to every Socket.IO server of ours: all meet on one Redis stream. */
export function socketIoOptions(adapterRedis: Redis): Partial<ServerOptions> {
  return {
    path: "/socket.io",
    serveClient: false,
    adapter: createAdapter(adapterRedis, {
      streamName: `${config.REDIS_KEY_PREFIX}socket.io`,
      sessionKeyPrefix: `${config.REDIS_KEY_PREFIX}sio:session:`,
    }),
    // Short disconnects resume from the adapter's stream; longer ones replay from PostgreSQL.
    connectionStateRecovery: { maxDisconnectionDuration: 2 * 60 * 1000, skipMiddlewares: false },
  };
}

/**
 * A Socket.IO server never attached to HTTP: the worker publishes through it, on the same streams
 * adapter as the web instances (@socket.io/redis-emitter does not speak the streams protocol).
 */
export function createDetachedIo(adapterRedis: Redis): Server {
  return new Server(socketIoOptions(adapterRedis));
}
