import type { Redis } from "ioredis";
import { config } from "../../config.js";
import type { Orm } from "../../db/orm.js";
import { logger } from "../../logger.js";
import { cacheRequests } from "../../metrics.js";
import { readFromReplica } from "./replicaReads.js";
import type { SearchFilters } from "./schemas.js";
import { type SearchPage, searchListings } from "./search.js";
import { CACHE_KEYS, INVALIDATE_SCRIPT, READ_SCRIPT, TAG_PREFIX } from "./searchCacheScripts.js";
import { changeTags, EVERYTHING_TAG, entryTags, type SearchChange } from "./searchChanges.js";

/**
 * Whole search responses cached in Redis, never stale, invalidated only where a change can matter:
 * - every entry stores the tags it depends on (searchChanges.ts: its scope, its nights, the listings it
 *   shows) and `s0`, the invalidation sequence read BEFORE its query ran;
 * - a commit that changes what searches may return bumps, after commit and before it answers, the
 *   tags its changes touch, to a new sequence number (one Lua script: n = INCR seq, tag = n);
 * - an entry is served only while each of its tags is ≤ its s0 (a missing tag is 0). A change that
 *   committed after the entry's snapshot was taken is bumped after that, so after s0 was read: n > s0;
 * - an answer that an unpaid hold shaped dies when that hold expires (holds expire by the clock,
 *   with no commit to bump anything);
 * - Redis is optional: when it is away, searches go straight to PostgreSQL and nothing is stored.
 * Each process also keeps the bodies it served lately: a hit then costs one MGET of its (tiny) tags.
 * The same script records the primary's WAL position, so searches may read a replica (replicaReads.ts).
 */
const READ_TIMEOUT_MS = 250;
const INVALIDATE_TIMEOUT_MS = 1000;
const RETRY_EVERY_MS = 500;
const STASH_MAX_ENTRIES = 500;
/** A pending invalidation with more tags than this (Redis away a long time) becomes "everything". */
const MAX_PENDING_TAGS = 5000;

/** A tag outlives every entry it can end: entries live at most the TTL from their s0 read. */
const tagTtlMs = () => (config.SEARCH_CACHE_TTL_SECONDS + 10) * 2000;

/** The cache key of a search: all its parsed, normalised filters, by name (so ?city=ADDIS and ?city=addis share it). */
export function searchCacheKey(f: SearchFilters): string {
  const filters = Object.entries(f)
    .filter(([, value]) => value !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : 1));
  return `${CACHE_KEYS.entryPrefix}${JSON.stringify(filters)}`;
}

const TIMED_OUT = Symbol("timed out");
function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T | typeof TIMED_OUT> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<typeof TIMED_OUT>((resolve) => {
    timer = setTimeout(() => resolve(TIMED_OUT), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** A cached answer: the sequence read before its query, when it stops being valid, its tags, the JSON bytes. */
interface Entry {
  s0: number;
  expiresAt: number;
  tags: string[];
  body: Buffer;
}

// Stored in Redis as "<s0>\n<expiresAt ms>\n<tag tag …>\n<json>" (READ_SCRIPT parses the same).
function parseEntry(raw: Buffer): Entry | null {
  const ends: number[] = [];
  for (let from = 0; ends.length < 3; from = ends[ends.length - 1] + 1) {
    const at = raw.indexOf(0x0a, from);
    if (at < 0) return null;
    ends.push(at);
  }
  return {
    s0: Number(raw.subarray(0, ends[0]).toString()),
    expiresAt: Number(raw.subarray(ends[0] + 1, ends[1]).toString()),
    tags: raw
      .subarray(ends[1] + 1, ends[2])
      .toString()
      .split(" "),
    body: raw.subarray(ends[2] + 1),
  };
}

/**
 * This process's stash, per Redis client (a sequence means something only in its own Redis). It is
 * dropped whenever the connection closes: a Redis that restarts empty starts its sequence over.
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

/** What a read learnt: the sequence and WAL position before the query, and a valid body if any. */
export interface CacheRead {
  seq: number;
  /** The latest commit position recorded by an invalidation; null: unknown (read the primary). */
  lsn: string | null;
  body: Buffer | null;
}

/** A stashed entry is still valid when none of its tags moved past its s0. */
async function stillValid(redis: Redis, entry: Entry): Promise<boolean | typeof TIMED_OUT> {
  const values = await withTimeout(redis.mget(...entry.tags.map((tag) => TAG_PREFIX + tag)), READ_TIMEOUT_MS);
  if (values === TIMED_OUT) return TIMED_OUT;
  return values.every((value) => value === null || Number(value) <= entry.s0);
}

/** Null: no cache now (Redis away or slow). */
async function readEntry(redis: Redis, key: string): Promise<CacheRead | null> {
  if (redis.status !== "ready") return null;
  try {
    const stash = stashOf(redis);
    const stashed = stash.get(key);
    if (stashed && stashed.expiresAt > Date.now()) {
      const valid = await stillValid(redis, stashed);
      if (valid === TIMED_OUT) return null;
      if (valid) return { seq: stashed.s0, lsn: null, body: stashed.body };
      stash.delete(key);
    }
    const read = await withTimeout(READ_SCRIPT.run(redis, key, Date.now()), READ_TIMEOUT_MS);
    if (read === TIMED_OUT) return null;
    const [seq, lsn, raw] = read;
    const entry = raw ? parseEntry(Buffer.from(raw)) : null;
    if (!entry) return { seq: Number(seq ?? 0), lsn, body: null };
    remember(stash, key, entry);
    return { seq: entry.s0, lsn: null, body: entry.body };
  } catch {
    return null;
  }
}

function writeEntry(redis: Redis, key: string, entry: Entry): void {
  const ttlMs = entry.expiresAt - Date.now();
  if (ttlMs < 1) return;
  remember(stashOf(redis), key, entry);
  const header = `${entry.s0}\n${entry.expiresAt}\n${entry.tags.join(" ")}\n`;
  redis.set(key, Buffer.concat([Buffer.from(header), entry.body]), "PX", ttlMs).catch((err: Error) => {
    logger.debug({ err: err.message }, "search cache write failed");
  });
}

/**
 * When an answer stops being valid: the configured TTL, cut to the earliest hold that shaped it, both
 * counted from before the query (so that no entry outlives the tags that can end it).
 */
function expiresAt(page: SearchPage, startedAt: number): number {
  const ttl = config.SEARCH_CACHE_TTL_SECONDS * 1000;
  // holdExpiresInMs counts from the query's now(), which is after startedAt: the entry dies no later than the hold.
  return startedAt + (page.holdExpiresInMs === null ? ttl : Math.min(ttl, page.holdExpiresInMs));
}

export interface SearchResponse {
  /** The JSON body, as stored bytes on a hit. */
  body: string | Buffer;
  hit: boolean;
}

/** What a cached search reads from: the primary, Redis, and a streaming replica when configured. */
export interface SearchSources {
  orm: Orm;
  redis: Redis;
  replica?: Orm | null;
}

/** A search answered from the cache when possible; `render` turns a page into the response JSON. */
export async function cachedSearch(
  deps: SearchSources,
  filters: SearchFilters,
  render: (page: SearchPage) => string,
): Promise<SearchResponse> {
  const enabled = config.SEARCH_CACHE_TTL_SECONDS > 0;
  const key = searchCacheKey(filters);
  // With the cache off the read still learns the WAL position a replica must have replayed.
  const cached = enabled || deps.replica ? await readEntry(deps.redis, key) : null;
  const hit = enabled && !!cached?.body;
  cacheRequests.inc({ cache: "search", result: hit ? "hit" : "miss" });
  if (hit && cached?.body) return { body: cached.body, hit: true };
  const startedAt = Date.now();
  const page = await readFromReplica(deps, cached?.lsn ?? null, (em) => searchListings(em, filters));
  const body = render(page);
  // Without a sequence read (Redis away) the answer cannot be tagged, so it is not stored.
  if (enabled && cached) {
    const tags = entryTags(
      filters,
      page.listings.map((l) => l.id),
    );
    writeEntry(deps.redis, key, {
      s0: cached.seq,
      expiresAt: expiresAt(page, startedAt),
      tags,
      body: Buffer.from(body),
    });
  }
  return { body, hit: false };
}

/**
 * The WAL position a replica must have replayed before answering a read that must show every change
 * search can see (the last one recorded by an invalidation); null when unknown (Redis away or slow).
 */
export async function lastChangePosition(redis: Redis): Promise<string | null> {
  if (redis.status !== "ready") return null;
  try {
    const read = await withTimeout(redis.mget(CACHE_KEYS.lsn, CACHE_KEYS.primaryOnly), READ_TIMEOUT_MS);
    if (read === TIMED_OUT || read[1] !== null) return null;
    return read[0];
  } catch {
    return null;
  }
}

/** Per Redis client: the invalidation not delivered yet (Redis away), retried in the background. */
const pending = new WeakMap<Redis, { until: number; failures: number; tags: Set<string>; lsn: string | null }>();

/**
 * Ends every cached answer `changes` can affect, and records `lsn` (the primary's WAL position after
 * the commit) for replica readers. Their places must be as PostgreSQL's lower() gives them
 * (searchChanges.ts; execute() does it). Call it after the commit, before answering. It never throws: when
 * Redis cannot be reached it keeps retrying in the background until every entry written before the
 * failure has expired anyway (SEARCH_CACHE_TTL_SECONDS), so a Redis blip cannot leave a stale answer.
 */
export async function invalidateSearches(
  redis: Redis,
  changes: readonly SearchChange[],
  lsn: string | null = null,
): Promise<void> {
  const tags = new Set(changes.flatMap(changeTags));
  await bump(redis, tags, lsn);
}

/**
 * Ends every cached answer: tests that move the clock or write rows behind the commands' back, and a
 * commit whose changes could not be tagged exactly.
 */
export function invalidateAllSearches(redis: Redis, lsn: string | null = null): Promise<void> {
  return bump(redis, new Set([EVERYTHING_TAG]), lsn);
}

async function bump(redis: Redis, tags: Set<string>, lsn: string | null): Promise<void> {
  if (!tags.size && lsn === null) return;
  if (redis.status === "ready") {
    try {
      const done = await withTimeout(INVALIDATE_SCRIPT.run(redis, [...tags], lsn, tagTtlMs()), INVALIDATE_TIMEOUT_MS);
      if (done !== TIMED_OUT) return;
    } catch {
      // falls through to the background retry
    }
  }
  stashOf(redis).clear();
  retryInBackground(redis, tags, lsn);
}

function retryInBackground(redis: Redis, tags: Set<string>, lsn: string | null): void {
  const until = Date.now() + (config.SEARCH_CACHE_TTL_SECONDS + 5) * 1000;
  const waiting = pending.get(redis);
  if (waiting) {
    waiting.until = until;
    waiting.failures += 1;
    for (const tag of tags) waiting.tags.add(tag);
    if (waiting.tags.size > MAX_PENDING_TAGS) waiting.tags = new Set([EVERYTHING_TAG]);
    waiting.lsn = maxLsn(waiting.lsn, lsn);
    return;
  }
  const state = { until, failures: 1, tags: new Set(tags), lsn };
  pending.set(redis, state);
  logger.warn("search cache invalidation failed; retrying in the background");
  const attempt = () => {
    const coveredFailures = state.failures;
    INVALIDATE_SCRIPT.run(redis, [...state.tags], state.lsn, tagTtlMs()).then(
      () => {
        // A failure recorded while this one was in flight may have committed after it ran: go again.
        if (state.failures !== coveredFailures) attempt();
        else pending.delete(redis);
      },
      () => {
        if (Date.now() < state.until && redis.status !== "end") setTimeout(attempt, RETRY_EVERY_MS).unref();
        else pending.delete(redis);
      },
    );
  };
  setTimeout(attempt, RETRY_EVERY_MS).unref();
}

/** The later of two WAL positions ("16/B374D848"). */
export function maxLsn(a: string | null, b: string | null): string | null {
  if (a === null || b === null) return a ?? b;
  const value = (lsn: string) => {
    const [hi, lo] = lsn.split("/");
    return BigInt(`0x${hi}`) * 2n ** 32n + BigInt(`0x${lo}`);
  };
  return value(a) >= value(b) ? a : b;
}
