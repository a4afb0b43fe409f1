import { createHash } from "node:crypto";
import type { Redis } from "ioredis";
import { config } from "../../config.js";

/*
 * The search cache's two Lua scripts (searchCache.ts): each is one atomic step in Redis, so an
 * invalidation's sequence number, tags and WAL position appear together, and a read sees either all
 * of an invalidation or none of it. Tag keys are built inside the scripts from a prefix (their number
 * varies), so this wants one Redis, not a cluster.
 */
const PREFIX = `${config.REDIS_KEY_PREFIX}search:`;
export const TAG_PREFIX = `${PREFIX}tag:`;
export const CACHE_KEYS = {
  /** The invalidation sequence: INCR'd by each invalidation. */
  seq: `${PREFIX}seq`,
  /** The highest primary WAL position any invalidation recorded ("16/B374D848"). */
  lsn: `${PREFIX}lsn`,
  /** Set for a while when a commit's WAL position could not be read: replica reads go to the primary. */
  primaryOnly: `${PREFIX}primary-only`,
  entryPrefix: `${PREFIX}entry:`,
};
/** How long replica reads go to the primary after a commit whose WAL position is unknown. */
const PRIMARY_ONLY_MS = 30_000;
/** What invalidate() is given as the position of a commit whose position could not be read. */
export const UNKNOWN_LSN = "unknown";

// KEYS: seq, lsn, primary-only. ARGV: tag prefix, tag TTL ms, lsn ("" none, "unknown"), primary-only ms, tags…
const invalidateLua = `
local n = redis.call('INCR', KEYS[1])
local lsn = ARGV[3]
if lsn == 'unknown' then
  redis.call('SET', KEYS[3], '1', 'PX', ARGV[4])
elseif lsn ~= '' then
  local cur = redis.call('GET', KEYS[2])
  local later = true
  if cur then
    local ch, cl = string.match(cur, '^(%x+)/(%x+)$')
    local nh, nl = string.match(lsn, '^(%x+)/(%x+)$')
    ch, cl, nh, nl = tonumber(ch, 16), tonumber(cl, 16), tonumber(nh, 16), tonumber(nl, 16)
    later = nh > ch or (nh == ch and nl > cl)
  end
  if later then redis.call('SET', KEYS[2], lsn) end
end
for i = 5, #ARGV do redis.call('SET', ARGV[1] .. ARGV[i], n, 'PX', ARGV[2]) end
return n`;

// KEYS: seq, lsn, primary-only, entry. ARGV: tag prefix, now ms.
// Returns {seq, lsn or nil, entry or nil}: the entry only when no tag of it moved past its s0.
const readLua = `
local seq = redis.call('GET', KEYS[1]) or '0'
local lsn = false
if redis.call('EXISTS', KEYS[3]) == 0 then lsn = redis.call('GET', KEYS[2]) end
local raw = redis.call('GET', KEYS[4])
if not raw then return {seq, lsn, false} end
local e1 = string.find(raw, '\\n', 1, true)
local e2 = e1 and string.find(raw, '\\n', e1 + 1, true)
local e3 = e2 and string.find(raw, '\\n', e2 + 1, true)
if not e3 then return {seq, lsn, false} end
local s0 = tonumber(string.sub(raw, 1, e1 - 1))
if tonumber(string.sub(raw, e1 + 1, e2 - 1)) <= tonumber(ARGV[2]) then return {seq, lsn, false} end
for tag in string.gmatch(string.sub(raw, e2 + 1, e3 - 1), '%S+') do
  local v = redis.call('GET', ARGV[1] .. tag)
  if v and tonumber(v) > s0 then return {seq, lsn, false} end
end
return {seq, lsn, raw}`;

type Reply = [string | null, string | null, string | null];

/**
 * EVALSHA, loading the script by EVAL when Redis does not know it yet (after a restart). Not ioredis's
 * defineCommand: its scripts inside an auto-pipeline can fail the whole pipeline with a TypeError
 * that no caller can catch (ioredis#1931), which the request-path client (autoPipelining) would hit;
 * and string replies: callBuffer() loses its command name under auto-pipelining (ioredis 5).
 */
function script(lua: string) {
  const sha = createHash("sha1").update(lua).digest("hex");
  const isNoScript = (err: unknown) => err instanceof Error && err.message.startsWith("NOSCRIPT");
  return {
    run: (redis: Redis, keys: string[], args: (string | number)[]) =>
      redis.evalsha(sha, keys.length, ...keys, ...args).catch((err: unknown) => {
        if (isNoScript(err)) return redis.eval(lua, keys.length, ...keys, ...args);
        throw err;
      }),
  };
}
const invalidate = script(invalidateLua);
const read = script(readLua);

export const INVALIDATE_SCRIPT = {
  /** n = INCR seq; every tag = n; the WAL position kept as a monotonic max. Resolves to n. */
  run: (redis: Redis, tags: string[], lsn: string | null, tagTtlMs: number) =>
    invalidate.run(
      redis,
      [CACHE_KEYS.seq, CACHE_KEYS.lsn, CACHE_KEYS.primaryOnly],
      [TAG_PREFIX, tagTtlMs, lsn ?? "", PRIMARY_ONLY_MS, ...tags],
    ) as Promise<number>,
};

export const READ_SCRIPT = {
  /** The sequence, the WAL position to wait for (null: unknown) and the entry at `key` if still valid. */
  run: (redis: Redis, key: string, now: number) =>
    read.run(redis, [CACHE_KEYS.seq, CACHE_KEYS.lsn, CACHE_KEYS.primaryOnly, key], [TAG_PREFIX, now]) as Promise<Reply>,
};
