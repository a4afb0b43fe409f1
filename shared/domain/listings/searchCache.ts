import type { Redis } from "ioredis";
import { config } from "../../config.js";
import type { Orm } from "../../db/orm.js";
import { logger } from "../../logger.js";
import { cacheRequests } from "../../metrics.js";
import type { SearchFilters } from "./schemas.js";
import { type SearchPage, searchListings } from "./search.js";

/**
 * Whole search responses cached in Redis, never stale for dates:
 * - every entry is tagged with the "listings version" read BEFORE its query ran; every commit that
 *   changes what a search may return (booking created/cancelled/expired, listing created/changed/
 *   archived, a review) bumps the version with invalidateSearchCache() before it answers, so an
 *   entry computed from older data can never be served again;
 * - an answer that an unpaid hold shaped dies when that hold expires (holds expire by the clock,
 *   with no commit to bump the version);
 * - Redis is optional: when it is away, searches go straight to PostgreSQL.
 * Each process also keeps the serialized bodies it served lately: a hit then costs one GET of the
 * (tiny) version and no body transfer, while the version check keeps it exactly as fresh.
 */
const PREFIX = `${config.REDIS_KEY_PREFIX}search:`;
const VERSION_KEY = `${PREFIX}version`;
const READ_TIMEOUT_MS = 250;
const INVALIDATE_TIMEOUT_MS = 1000;
const RETRY_EVERY_MS = 500;
const STASH_MAX_ENTRIES = 500;

/** The cache key of a search: its parsed, normalised filters (so ?city=ADDIS and ?city=addis share it). */
export function searchCacheKey(f: SearchFilters): string {
  const filters = [f.city, f.country, f.minPrice, f.maxPrice, f.guests, f.checkIn, f.checkOut, f.limit, f.cursor];
  return `${PREFIX}entry:${JSON.stringify(filters)}`;
}

const TIMED_OUT = Symbol("timed out");
function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T | typeof TIMED_OUT> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<typeof TIMED_OUT>((resolve) => {
    timer = setTimeout(() => resolve(TIMED_OUT), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** A cached answer: the version it was computed at, when it stops being valid, the JSON bytes. */
interface Entry {
  version: string;
  expiresAt: number;
  body: Buffer;
}

// Stored in Redis as "<version>\n<expiresAt ms>\n<json>".
function parseEntry(raw: Buffer | null): Entry | null {
  if (!raw) return null;
  const first = raw.indexOf(0x0a);
  const second = first < 0 ? -1 : raw.indexOf(0x0a, first + 1);
  if (second < 0) return null;
  const expiresAt = Number(raw.subarray(first + 1, second).toString());
  return { version: raw.subarray(0, first).toString(), expiresAt, body: raw.subarray(second + 1) };
}

/**
 * This process's stash, per Redis client (a version means something only in its own Redis). It is
 * dropped whenever the connection closes: a Redis that restarts empty starts its version over.
 */
const stashes = new WeakMap<Redis, Map<string, Entry>>();
function stashOf(redis: Redis): Map<string, Entry> {
  let stash = stashes.get(redis);
  if (!stash) {
    const created = new Map<string, Entry>();
    redis.on("close", () => created.clear());
    stashes.set(redis, created);
    stash = created;
  }
  return stash;
}
function remember(stash: Map<string, Entry>, key: string, entry: Entry): void {
  stash.delete(key);
  stash.set(key, entry);
  if (stash.size > STASH_MAX_ENTRIES) stash.delete(stash.keys().next().value as string);
}

/** The current version and, when still valid at that version, the cached body. Null: no cache now. */
async function readEntry(redis: Redis, key: string): Promise<{ version: string; body: Buffer | null } | null> {
  if (redis.status !== "ready") return null;
  try {
    const stash = stashOf(redis);
    const stashed = stash.get(key);
    if (stashed && stashed.expiresAt > Date.now()) {
      const current = await withTimeout(redis.get(VERSION_KEY), READ_TIMEOUT_MS);
      if (current === TIMED_OUT) return null;
      if ((current ?? "0") === stashed.version) return { version: stashed.version, body: stashed.body };
      stash.delete(key);
    }
    const read = await withTimeout(redis.mgetBuffer(VERSION_KEY, key), READ_TIMEOUT_MS);
    if (read === TIMED_OUT) return null;
    const version = read[0]?.toString() ?? "0";
    const entry = parseEntry(read[1]);
    if (!entry || entry.version !== version || entry.expiresAt <= Date.now()) return { version, body: null };
    remember(stash, key, entry);
    return { version, body: entry.body };
  } catch {
    return null;
  }
}

function writeEntry(redis: Redis, key: string, version: string, body: string, ttlMs: number): void {
  const expiresAt = Date.now() + ttlMs;
  remember(stashOf(redis), key, { version, expiresAt, body: Buffer.from(body) });
  redis.set(key, `${version}\n${expiresAt}\n${body}`, "PX", ttlMs).catch((err: Error) => {
    logger.debug({ err: err.message }, "search cache write failed");
  });
}

/** How long an answer may live: the configured TTL, cut to the earliest hold that shaped it. */
function entryTtlMs(page: SearchPage, startedAt: number): number {
  const ttl = config.SEARCH_CACHE_TTL_SECONDS * 1000;
  if (page.holdExpiresInMs === null) return ttl;
  // holdExpiresInMs counts from the query's now(), which is after startedAt: the entry dies no later than the hold.
  return Math.min(ttl, page.holdExpiresInMs - (Date.now() - startedAt));
}

export interface SearchResponse {
  /** The JSON body, as stored bytes on a hit. */
  body: string | Buffer;
  hit: boolean;
}

/** A search answered from the cache when possible; `render` turns a page into the response JSON. */
export async function cachedSearch(
  deps: { orm: Orm; redis: Redis },
  filters: SearchFilters,
  render: (page: SearchPage) => string,
): Promise<SearchResponse> {
  const enabled = config.SEARCH_CACHE_TTL_SECONDS > 0;
  const key = searchCacheKey(filters);
  const cached = enabled ? await readEntry(deps.redis, key) : null;
  cacheRequests.inc({ cache: "search", result: cached?.body ? "hit" : "miss" });
  if (cached?.body) return { body: cached.body, hit: true };
  const startedAt = Date.now();
  const page = await searchListings(deps.orm.em.fork(), filters);
  const body = render(page);
  // Without a version read (Redis away) the answer cannot be tagged, so it is not stored.
  if (cached) {
    const ttlMs = entryTtlMs(page, startedAt);
    if (ttlMs >= 1) writeEntry(deps.redis, key, cached.version, body, ttlMs);
  }
  return { body, hit: false };
}

/** Per Redis client: the pending background invalidation, if any. */
const retrying = new WeakMap<Redis, { until: number; failures: number }>();

/**
 * Makes every cached search answer obsolete. Call it after the commit of anything that changes
 * blocked dates or what a listing shows, before answering. It never throws: when Redis cannot be
 * reached it keeps retrying in the background until every entry written before the failure has
 * expired anyway (SEARCH_CACHE_TTL_SECONDS), so a Redis blip cannot leave a stale answer behind.
 */
export async function invalidateSearchCache(redis: Redis): Promise<void> {
  if (redis.status === "ready") {
    try {
      if ((await withTimeout(redis.incr(VERSION_KEY), INVALIDATE_TIMEOUT_MS)) !== TIMED_OUT) return;
    } catch {
      // falls through to the background retry
    }
  }
  stashOf(redis).clear();
  retryInBackground(redis);
}

function retryInBackground(redis: Redis): void {
  const until = Date.now() + (config.SEARCH_CACHE_TTL_SECONDS + 5) * 1000;
  const pending = retrying.get(redis);
  if (pending) {
    pending.until = until;
    pending.failures += 1;
    return;
  }
  const state = { until, failures: 1 };
  retrying.set(redis, state);
  logger.warn("search cache invalidation failed; retrying in the background");
  const attempt = () => {
    const coveredFailures = state.failures;
    redis.incr(VERSION_KEY).then(
      () => {
        // A failure recorded while this INCR was in flight may have committed after it ran: go again.
        if (state.failures !== coveredFailures) attempt();
        else retrying.delete(redis);
      },
      () => {
        if (Date.now() < state.until && redis.status !== "end") setTimeout(attempt, RETRY_EVERY_MS).unref();
        else retrying.delete(redis);
      },
    );
  };
  setTimeout(attempt, RETRY_EVERY_MS).unref();
}
