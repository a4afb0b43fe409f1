import { Redis } from "ioredis";
import { config } from "./config.js";
import { logger } from "./logger.js";

/**
 * A Redis connection for one purpose (cache, rate limits, Socket.IO adapter…). Commands fail fast
 * while Redis is away instead of queueing forever, so the REST API keeps answering without it.
 */
export function createRedis(purpose: string, url = config.REDIS_URL): Redis {
  const redis = new Redis(url, {
    connectionName: `nexus:${purpose}`,
    maxRetriesPerRequest: 1,
    connectTimeout: 2000,
    retryStrategy: (attempt) => Math.min(attempt * 100, 1000),
  });
  let down = false;
  redis.on("error", (err) => {
    if (!down) logger.warn({ purpose, err: err.message }, "redis connection error");
    down = true;
  });
  redis.on("ready", () => {
    if (down) logger.info({ purpose }, "redis connection back");
    down = false;
  });
  return redis;
}
