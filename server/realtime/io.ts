import type { Server as HttpServer } from "node:http";
import { createAdapter } from "@socket.io/redis-streams-adapter";
import type { Redis } from "ioredis";
import { Server } from "socket.io";
import { config } from "../../shared/config.js";

/**
 * Socket.IO on the web process's HTTP server. Instances meet through the Redis *streams* adapter,
 * the one that supports connection state recovery (the classic pub/sub adapter cannot).
 */
export function createIo(httpServer: HttpServer, adapterRedis: Redis): Server {
  return new Server(httpServer, {
    path: "/socket.io",
    serveClient: false,
    adapter: createAdapter(adapterRedis, {
      streamName: `${config.REDIS_KEY_PREFIX}socket.io`,
      sessionKeyPrefix: `${config.REDIS_KEY_PREFIX}sio:session:`,
    }),
    connectionStateRecovery: { maxDisconnectionDuration: 2 * 60 * 1000, skipMiddlewares: false },
  });
}
