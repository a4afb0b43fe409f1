import type { Redis } from "ioredis";
import { config } from "../../config.js";

/**
 * Where the web instances count their sockets (server/realtime/connectionCaps.ts writes them): a
 * sorted set of live instances by heartbeat, and one hash per instance of `u:<user>` and `i:<ip>`
 * counts. Every socket is counted once under its IP, so the `i:` fields add up to the sockets open
 * (Socket.IO's, and graphql-ws connections of signed-in users: server/graphql/ws.ts counts them here too).
 */
export const SOCKET_INSTANCES_KEY = () => `${config.REDIS_KEY_PREFIX}sockets:instances`;
export const SOCKET_INSTANCE_HASH_PREFIX = () => `${config.REDIS_KEY_PREFIX}sockets:instance:`;

const TOTAL = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local total = 0
for _, id in ipairs(redis.call('ZRANGEBYSCORE', KEYS[1], now - tonumber(ARGV[1]), '+inf')) do
  local h = redis.call('HGETALL', ARGV[2] .. id)
  for i = 1, #h, 2 do
    if string.sub(h[i], 1, 2) == 'i:' then total = total + tonumber(h[i + 1]) end
  end
end
return total
`;

/** Sockets open on every live web instance (those that wrote their counts within 3 heartbeats). */
export async function socketsConnected(redis: Redis): Promise<number> {
  const ttl = config.SOCKET_COUNT_HEARTBEAT_MS * 3;
  return Number(await redis.eval(TOTAL, 1, SOCKET_INSTANCES_KEY(), ttl, SOCKET_INSTANCE_HASH_PREFIX()));
}
