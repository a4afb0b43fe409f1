import type { Server as HttpServer } from "node:http";
import type { Redis } from "ioredis";
import { Server } from "socket.io";
import { socketIoOptions } from "../../shared/events/socketIo.js";

/**
 * Socket.IO on the web process's HTTP server. Instances meet through the Redis *streams* adapter,
 * the one that supports connection state recovery (the classic pub/sub adapter cannot).
 */
export function createIo(httpServer: HttpServer, adapterRedis: Redis): Server {
  return new Server(httpServer, socketIoOptions(adapterRedis));
}
