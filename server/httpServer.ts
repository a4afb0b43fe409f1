import { createServer, type RequestListener, type Server } from "node:http";
import { config } from "../shared/config.js";

/**
 * The web process's HTTP server with its limits from config: a client that sends its headers too
 * slowly (slow-loris) is cut off after HTTP_HEADERS_TIMEOUT_MS, a whole request may take at most
 * HTTP_REQUEST_TIMEOUT_MS, idle keep-alive connections close after HTTP_KEEP_ALIVE_TIMEOUT_MS, and past
 * HTTP_MAX_CONNECTIONS open connections (WebSockets included) new ones are dropped at once.
 */
export function createHttpServer(listener: RequestListener): Server {
  const server = createServer(
    {
      headersTimeout: config.HTTP_HEADERS_TIMEOUT_MS,
      requestTimeout: config.HTTP_REQUEST_TIMEOUT_MS,
      keepAliveTimeout: config.HTTP_KEEP_ALIVE_TIMEOUT_MS,
      // Node checks the two timeouts above only this often (30 s by default, longer than ours).
      connectionsCheckingInterval: Math.min(1000, config.HTTP_HEADERS_TIMEOUT_MS),
    },
    listener,
  );
  server.maxConnections = config.HTTP_MAX_CONNECTIONS;
  return server;
}
