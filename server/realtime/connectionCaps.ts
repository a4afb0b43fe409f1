import { randomUUID } from "node:crypto";
import type { Redis } from "ioredis";
import type { ExtendedError } from "socket.io";
import type { HandshakeError } from "../../shared/browser/protocol.js";
import { config } from "../../shared/config.js";
import { SOCKET_INSTANCE_HASH_PREFIX, SOCKET_INSTANCES_KEY } from "../../shared/domain/ops/socketCount.js";
import type { NexusSocket } from "../../shared/events/socketIo.js";
import { logger } from "../../shared/logger.js";

export interface ConnectionCapsOptions {
  perUser: number;
  perIp: number;
  heartbeatMs: number;
}

export type Admission = { ok: true; release: () => void } | { ok: false; limit: "user" | "ip"; max: number };

// Admit when under both caps: sums the user's and the IP's counts over every live instance's hash
// (this one's included), then counts the new socket in this instance's hash. One script, so two
// instances admitting at once cannot both take the last place.
const ADMIT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - tonumber(ARGV[3]))
local users, ips = 0, 0
local function add(key)
  local c = redis.call('HMGET', key, ARGV[5], ARGV[6])
  users = users + (tonumber(c[1]) or 0)
  ips = ips + (tonumber(c[2]) or 0)
end
add(KEYS[2])
for _, id in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
  if id ~= ARGV[1] then add(ARGV[2] .. id) end
end
if users >= tonumber(ARGV[7]) then return 'user' end
if ips >= tonumber(ARGV[8]) then return 'ip' end
redis.call('HINCRBY', KEYS[2], ARGV[5], 1)
redis.call('HINCRBY', KEYS[2], ARGV[6], 1)
redis.call('PEXPIRE', KEYS[2], ARGV[4])
redis.call('ZADD', KEYS[1], now, ARGV[1])
return 'ok'
`;

/** Where anonymous connections are counted as a "user" (no user id is "-"): a field no cap reads. */
const ANONYMOUS_FIELD = "u:-";

const RELEASE = `
for i = 1, #ARGV do
  if redis.call('HINCRBY', KEYS[1], ARGV[i], -1) <= 0 then redis.call('HDEL', KEYS[1], ARGV[i]) end
end
`;

// The heartbeat: this instance's hash becomes exactly its local counts (ARGV[3..]: field, count…).
const REWRITE = `
local t = redis.call('TIME')
redis.call('DEL', KEYS[2])
for i = 3, #ARGV, 2 do redis.call('HSET', KEYS[2], ARGV[i], ARGV[i + 1]) end
redis.call('PEXPIRE', KEYS[2], ARGV[2])
redis.call('ZADD', KEYS[1], tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000), ARGV[1])
`;

const REDIS_TIMEOUT_MS = 300;

/**
 * Caps the sockets one user and one client IP hold across every web instance, counted in Redis.
 *
 * Each instance owns one hash (`sockets:instance:<id>`: field `u:<userId>` or `i:<ip>` → count) and
 * is listed in a sorted set by its last heartbeat. A handshake is admitted by ADMIT (sum over live
 * instances, then count it here); a socket that goes away is uncounted by RELEASE. How leaks are
 * bounded: an instance knows its own sockets exactly, so every heartbeat REWRITES its hash from its
 * local counts (a lost decrement, a Redis restart or flush, a timed-out admit all heal within one
 * heartbeat), and a killed instance stops beating: its hash expires and its entry is ignored after
 * 3 heartbeats (30 s by default). Without Redis (down, or slower than 300 ms) sockets are admitted
 * uncapped, like the REST API works without Redis: nobody is locked out, and the next heartbeat
 * counts them.
 *
 * graphql-ws connections (server/graphql/ws.ts) are counted by a ConnectionCaps of their own, in the
 * same keys: the caps are one budget of real-time connections, whichever door they came through.
 */
export class ConnectionCaps {
  /** Handshake middleware (after authenticateSocket): refuses with connect_error too_many_connections. */
  readonly middleware = async (socket: NexusSocket, next: (err?: ExtendedError) => void) => {
    const admitted = await this.admit(socket.data.user.id, clientIpOf(socket));
    if (!admitted.ok) {
      const err = new Error("too_many_connections" satisfies HandshakeError) as ExtendedError;
      err.data = { limit: admitted.limit, max: admitted.max };
      return next(err);
    }
    // Released once, whichever comes first: a connected socket's disconnect, or the connection closing
    // (a client gone before the handshake completed never "disconnects").
    socket.once("disconnect", admitted.release);
    socket.conn.once("close", admitted.release);
    if (socket.conn.readyState !== "open") admitted.release();
    next();
  };

  private readonly instanceId = randomUUID();
  private readonly instancesKey = SOCKET_INSTANCES_KEY();
  private readonly hashPrefix = SOCKET_INSTANCE_HASH_PREFIX();
  private readonly ownKey = this.hashPrefix + this.instanceId;
  private readonly local = new Map<string, number>();
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly redis: Redis,
    private readonly options: ConnectionCapsOptions,
  ) {
    this.timer = setInterval(() => void this.heartbeat(), options.heartbeatMs);
    this.timer.unref();
  }

  private get ttlMs(): number {
    return this.options.heartbeatMs * 3;
  }

  /**
   * Admits one connection of `userId` from `ip`, or refuses it over either cap. An anonymous one
   * (`userId` null: graphql-ws's listingAvailability needs no account) counts against its IP's cap
   * alone, in a user field of its own that no cap applies to.
   */
  async admit(userId: string | null, ip: string): Promise<Admission> {
    const fields = [userId === null ? ANONYMOUS_FIELD : `u:${userId}`, `i:${ip}`];
    let countedInRedis = false;
    if (this.redis.status === "ready") {
      const perUser = userId === null ? Number.MAX_SAFE_INTEGER : this.options.perUser;
      const { perIp } = this.options;
      const args = [this.instanceId, this.hashPrefix, this.ttlMs, this.ttlMs, ...fields, perUser, perIp];
      const verdict = await this.timed(this.redis.eval(ADMIT, 2, this.instancesKey, this.ownKey, ...args));
      if (verdict === "user") return { ok: false, limit: "user", max: perUser };
      if (verdict === "ip") return { ok: false, limit: "ip", max: perIp };
      countedInRedis = verdict === "ok";
    }
    for (const f of fields) this.local.set(f, (this.local.get(f) ?? 0) + 1);
    let released = false;
    return {
      ok: true,
      release: () => {
        if (released) return;
        released = true;
        for (const f of fields) {
          const n = (this.local.get(f) ?? 1) - 1;
          if (n > 0) this.local.set(f, n);
          else this.local.delete(f);
        }
        if (countedInRedis) void this.timed(this.redis.eval(RELEASE, 1, this.ownKey, ...fields));
      },
    };
  }

  /** Rewrites this instance's hash from its local counts (see the class comment). */
  async heartbeat(): Promise<void> {
    if (this.redis.status !== "ready") return;
    const counts = [...this.local].flat();
    await this.timed(
      this.redis.eval(REWRITE, 2, this.instancesKey, this.ownKey, this.instanceId, this.ttlMs, ...counts),
    );
  }

  /** On shutdown: this instance's sockets stop counting at once. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    if (this.redis.status !== "ready") return;
    await this.timed(this.redis.multi().del(this.ownKey).zrem(this.instancesKey, this.instanceId).exec());
  }

  /** A Redis call that gives up after REDIS_TIMEOUT_MS, never throws, and says "ok" when it failed. */
  private timed(call: Promise<unknown>): Promise<unknown> {
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<string>((resolve) => {
      timer = setTimeout(() => resolve("timeout"), REDIS_TIMEOUT_MS);
    });
    const settled = call.catch((err: Error) => {
      logger.debug({ err: err.message }, "socket count in Redis failed; admitting uncapped");
      return "error";
    });
    return Promise.race([settled, timedOut]).finally(() => clearTimeout(timer));
  }
}

/**
 * The client IP, as the REST API reads it (Koa with `proxy: TRUST_PROXY`, `maxIpsCount:
 * TRUST_PROXY_HOPS`): behind trusted proxies the first of the last TRUST_PROXY_HOPS X-Forwarded-For
 * entries, else the peer address. From a connection's upgrade request (Socket.IO's handshake, graphql-ws's).
 */
export function clientIp(forwarded: string | string[] | undefined, peerAddress: string): string {
  if (config.TRUST_PROXY) {
    // Koa's rule (maxIpsCount = TRUST_PROXY_HOPS): only the entries our own proxies appended count,
    // so the client-chosen leftmost ones cannot dodge the per-IP cap.
    const entries = (Array.isArray(forwarded) ? forwarded.join(",") : (forwarded ?? ""))
      .split(",")
      .map((entry) => entry.trim())
      .filter(Boolean);
    const trusted = entries.slice(-config.TRUST_PROXY_HOPS);
    if (trusted.length) return trusted[0].slice(0, 64);
  }
  return peerAddress;
}

const clientIpOf = (socket: NexusSocket): string =>
  clientIp(socket.handshake.headers["x-forwarded-for"], socket.handshake.address);
